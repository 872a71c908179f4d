"""A workstation that must not start says why in one line (stderr/log) and, when there is a
screen, in a message box, and exits with status 2 — never a Python traceback and no window
(DEPLOYMENT.md §3: a city workstation refuses to start with a database URL in its
environment, and cannot work without its certificate files or with an http:// server)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from counter_app.server.cli import main as server_main
from counter_app.ui import app as ui_app
from counter_app.ui import start_refusal

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def ws_settings(tmp_path: Path) -> Path:
    pki = tmp_path / "pki"
    out = tmp_path / "ws07.toml"
    assert server_main(["pki", "init", str(pki)]) == 0
    args = ["pki", "issue-workstation", str(pki), "500103-YB-W07", "--office", "500103-YB"]
    assert server_main([*args, "--settings-out", str(out)]) == 0
    return out


def _edit(path: Path, old: str, new: str) -> Path:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def _start(settings: Path, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {
        **{k: v for k, v in os.environ.items() if k not in ("COUNTER_DB_URL", "DISPLAY")},
        "HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "QT_QPA_PLATFORM": "offscreen",  # no one to read a box: stderr only
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "counter_app", "--settings", str(settings)],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,  # a hang guard only: a refused start ends at once
    )


def _one_line(done: subprocess.CompletedProcess[str], *words: str) -> str:
    assert done.returncode == 2, (done.returncode, done.stderr)
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def test_city_workstation_with_a_database_url_in_its_environment_says_so(
    ws_settings: Path, tmp_path: Path
) -> None:
    owner = "postgresql://counter_owner:secretpw@127.0.0.1:5432/counter"
    line = _one_line(_start(ws_settings, tmp_path, COUNTER_DB_URL=owner), "COUNTER_DB_URL")
    assert "secretpw" not in line


def test_missing_ca_file_is_named(ws_settings: Path, tmp_path: Path) -> None:
    missing = tmp_path / "missing-ca.crt"
    text = ws_settings.read_text(encoding="utf-8")
    ca = next(line for line in text.splitlines() if line.startswith("server_ca"))
    _edit(ws_settings, ca, f'server_ca = "{missing}"')
    _one_line(_start(ws_settings, tmp_path), str(missing), "server_ca")


def test_http_server_url_is_refused(ws_settings: Path, tmp_path: Path) -> None:
    _edit(ws_settings, "https://localhost:8443", "http://localhost:8080")
    _one_line(_start(ws_settings, tmp_path), "https://")


def test_key_of_another_workstation_is_refused(ws_settings: Path, tmp_path: Path) -> None:
    pki = tmp_path / "pki"
    other = ["pki", "issue-workstation", str(pki), "500103-YB-W08", "--office", "500103-YB"]
    assert server_main(other) == 0
    (pki / "workstations" / "500103-YB-W07.key").write_bytes(
        (pki / "workstations" / "500103-YB-W08.key").read_bytes()
    )
    _one_line(_start(ws_settings, tmp_path), "client_key", "500103-YB-W07.crt")


def test_with_a_screen_the_reason_is_shown_in_a_message_box(
    qapp: Any, ws_settings: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(start_refusal, "has_display", lambda: True)
    monkeypatch.setattr(
        start_refusal.QMessageBox, "critical", lambda _p, _t, text: shown.append(text)
    )
    monkeypatch.setenv("COUNTER_DB_URL", "postgresql://u:p@db/counter")
    assert ui_app.run(demo=False, settings_path=str(ws_settings)) == 2
    assert len(shown) == 1 and "COUNTER_DB_URL" in shown[0]


def test_an_unexpected_start_failure_is_a_message_not_a_traceback(
    qapp: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(start_refusal, "has_display", lambda: True)
    monkeypatch.setattr(
        start_refusal.QMessageBox, "critical", lambda _p, _t, text: shown.append(text)
    )
    monkeypatch.delenv("COUNTER_DEBUG", raising=False)

    def broken(*_a: Any, **_k: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(ui_app, "build_workstation", broken)
    settings = tmp_path / "s.toml"
    settings.write_text('mode = "test"\n', encoding="utf-8")
    assert ui_app.run(demo=False, settings_path=str(settings)) == 2
    assert len(shown) == 1 and "内部错误 RuntimeError" in shown[0]
    assert all(r.exc_info is None for r in caplog.records)


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"QT_QPA_PLATFORM": "offscreen", "DISPLAY": ":1"}, False),
        ({"DISPLAY": ":1"}, True),
        ({"WAYLAND_DISPLAY": "wayland-0"}, True),
        ({}, False),
    ],
)
def test_a_box_only_where_someone_can_see_it(
    monkeypatch: pytest.MonkeyPatch, environ: dict[str, str], expected: bool
) -> None:
    for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(start_refusal.sys, "platform", "linux")
    assert start_refusal.has_display() is expected
