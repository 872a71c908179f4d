"""``counter-admin hotline report-loss`` (L1: password from stdin, never argv) and
``counter-admin loss lapse|lapsing`` (L2)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from counter_app.cli.main import main

from .conftest import SERVICE_PASSWORD, World
from .test_rules import report_written


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


def test_L3_form_verify_checks_the_issued_record(
    world: World,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A scanned QR code is genuine only when its signature holds AND the form is on record
    with the same contents."""
    from forms.data import FormKind
    from forms.verification import DEMO_FORM_KEY, make_payload, payload_for

    monkeypatch.setenv("COUNTER_DB_URL", world.url)
    settings = tmp_path / "settings.toml"
    settings.write_text('mode = "test"\n', encoding="utf-8")
    issued = report_written(world, "h014")
    payload = payload_for(issued.form, DEMO_FORM_KEY)
    assert main(["--settings", str(settings), "form", "verify", payload]) == 0
    assert "签发记录一致" in capsys.readouterr().out
    # Signed with the right key, but no such form was ever issued: refused.
    forged = make_payload(
        DEMO_FORM_KEY,
        serial="500103-YB-2026-999999",
        kind=FormKind.LOSS,
        card_number=issued.form.card_number,
        office_code="500103-YB",
        issued_at=issued.form.header.issued_at,
    )
    assert main(["--settings", str(settings), "form", "verify", forged]) == 1
    assert "没有编号为 500103-YB-2026-999999" in capsys.readouterr().out
