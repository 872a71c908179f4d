"""The skip banner (tests/skip_banner.py): a run that skipped real-component tests says so."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SAMPLE = """
import pytest

@pytest.mark.postgres
def test_needs_postgres():
    pytest.skip("PostgreSQL not available: initdb not found")

@pytest.mark.pcsc
def test_needs_pcscd():
    pytest.skip("pcscd not installed")

def test_plain_skip_is_not_a_real_component():
    pytest.skip("not relevant here")

def test_runs():
    assert True
"""
CONFTEST = """
from tests.skip_banner import register

def pytest_configure(config):
    register(config)
"""


def run_sample(tmp_path: Path) -> tuple[str, str]:
    (tmp_path / "test_sample.py").write_text(SAMPLE)
    (tmp_path / "conftest.py").write_text(CONFTEST)
    report = tmp_path / "skips.txt"
    env = dict(
        os.environ,
        COUNTER_SKIP_REPORT=str(report),
        PYTHONPATH=str(Path(__file__).resolve().parents[1]),
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-c",
            os.devnull,
            "--rootdir",
            str(tmp_path),
            "-o",
            "markers=postgres\npcsc\ngui",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout, report.read_text(encoding="utf-8")


def test_skipped_postgres_and_pcsc_tests_are_named_with_their_reasons(tmp_path: Path) -> None:
    output, written = run_sample(tmp_path)
    for text in (output, written):
        assert "REAL COMPONENTS NOT TESTED: 2 test(s) SKIPPED" in text
        assert "PostgreSQL [postgres]: 1 skipped" in text
        assert "initdb not found" in text
        assert "PC/SC (pcscd + vpcd + card emulator) [pcsc]: 1 skipped" in text
        assert "not relevant here" not in text  # an ordinary skip is not a real component


def test_a_run_without_such_skips_writes_an_empty_report(tmp_path: Path) -> None:
    (tmp_path / "test_ok.py").write_text("def test_ok():\n    assert True\n")
    (tmp_path / "conftest.py").write_text(CONFTEST)
    report = tmp_path / "skips.txt"
    env = dict(
        os.environ,
        COUNTER_SKIP_REPORT=str(report),
        PYTHONPATH=str(Path(__file__).resolve().parents[1]),
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-c",
            os.devnull,
            "--rootdir",
            str(tmp_path),
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=True,
    )
    assert report.read_text(encoding="utf-8") == ""
