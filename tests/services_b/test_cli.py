"""``counter-admin hotline report-loss`` (L1: password from stdin, never argv) and
``counter-admin loss lapse|lapsing`` (L2)."""

from __future__ import annotations

import io

import pytest

from counter_app.cli.main import main

from .conftest import SERVICE_PASSWORD, World


def test_L1_hotline_report_loss_reads_password_from_stdin(
    world: World, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COUNTER_DB_URL", world.url)
    monkeypatch.setattr("sys.stdin", io.StringIO(SERVICE_PASSWORD + "\n"))
    assert main(["hotline", "report-loss", "--ssn", world.holders["h001"].ssn]) == 0
    out = capsys.readouterr().out
    assert "已临时挂失" in out and SERVICE_PASSWORD not in out
    monkeypatch.setattr("sys.stdin", io.StringIO("000000\n"))
    assert main(["hotline", "report-loss", "--ssn", world.holders["h002"].ssn]) == 1
    assert main(["loss", "lapsing", "--days", "30"]) == 0
    assert world.holders["h001"].card_number in capsys.readouterr().out
    assert main(["loss", "lapse"]) == 0
    assert "0 件" in capsys.readouterr().out
