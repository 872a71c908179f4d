"""``counter-admin form …`` through its own argparse parser (the lead's main discovers it)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from counter_app.cli import cmd_form
from counter_app.services import form_reprints
from forms.data import FormKind
from forms.specimens import specimen
from forms.verification import DEMO_FORM_KEY, payload_for
from tests.forms.conftest import TEST_KEY, reprint
from tests.forms.pdfcheck import page_count, page_text, raw_text


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="counter-admin")
    parser.add_argument("--settings")
    cmd_form.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return int(args.func(args))


def settings_file(tmp_path: Path, **values: str) -> Path:
    path = tmp_path / "settings.toml"
    path.write_text("".join(f'{k} = "{v}"\n' for k, v in values.items()), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "kind", ["loss", "lift", "pin-reset", "unblock", "replacement", "access-slip"]
)
def test_specimen_writes_a_pdf(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out" / f"{kind}.pdf"
    assert run(["form", "specimen", kind, "--out", str(out)]) == 0
    pdf = out.read_bytes()
    assert page_count(pdf) == (1 if kind == "access-slip" else 2)
    assert FormKind(kind).heading in page_text(pdf, 0)
    assert "样本" in raw_text(pdf, 0)  # the watermark
    assert str(out) in capsys.readouterr().out


def test_unknown_kind_is_a_usage_error() -> None:
    with pytest.raises(SystemExit):
        run(["form", "specimen", "passport", "--out", "x.pdf"])


def test_verify_with_the_configured_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = settings_file(tmp_path, mode="production", form_hmac_key=TEST_KEY.hex())
    payload = payload_for(specimen(FormKind.LOSS), TEST_KEY)
    assert run(["--settings", str(path), "form", "verify", "--offline", payload]) == 0
    out = capsys.readouterr().out
    assert "表单真实有效" in out and "GS-500103-20240506-000123" in out and "C50012345" in out
    tampered = payload.replace("C50012345", "C50012346")
    assert run(["--settings", str(path), "form", "verify", "--offline", tampered]) == 1
    assert "不通过" in capsys.readouterr().out


def test_demo_mode_uses_the_demo_key(tmp_path: Path) -> None:
    path = settings_file(tmp_path, mode="demo")
    payload = payload_for(specimen(FormKind.LOSS), DEMO_FORM_KEY)
    assert run(["--settings", str(path), "form", "verify", "--offline", payload]) == 0


def test_production_without_a_key_refuses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = settings_file(tmp_path, mode="production")
    payload = payload_for(specimen(FormKind.LOSS), DEMO_FORM_KEY)
    assert run(["--settings", str(path), "form", "verify", "--offline", payload]) == 2
    assert "form_hmac_key 为空" in capsys.readouterr().err


def test_reprint_through_the_service(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    form = specimen(FormKind.LOSS)
    calls: list[tuple[str, str]] = []

    def load_form_for_reprint(settings: object, serial: str, *, reason: str) -> object:
        calls.append((serial, reason))
        return form, reprint(3, reason)

    monkeypatch.setattr(form_reprints, "load_form_for_reprint", load_form_for_reprint)
    path = settings_file(tmp_path, mode="test")
    out = tmp_path / "r.pdf"
    assert (
        run(
            [
                "--settings",
                str(path),
                "form",
                "reprint",
                form.header.serial,
                "--reason",
                "卡纸",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert calls == [(form.header.serial, "卡纸")]
    text = page_text(out.read_bytes(), 0).replace("\n", "")
    assert "补打（第3次）" in text and "补打原因：卡纸" in text and form.header.serial in text


def test_reprint_refused_by_the_service(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from counter_app.services.errors import ServiceError

    class NoSuchForm(ServiceError):
        message = "没有这个编号的表单。"

    def load_form_for_reprint(settings: object, serial: str, *, reason: str) -> object:
        raise NoSuchForm()

    monkeypatch.setattr(form_reprints, "load_form_for_reprint", load_form_for_reprint)
    path = settings_file(tmp_path, mode="test")
    out = tmp_path / "r.pdf"
    assert (
        run(
            [
                "--settings",
                str(path),
                "form",
                "reprint",
                "X-1",
                "--reason",
                "卡纸",
                "--out",
                str(out),
            ]
        )
        == 1
    )
    assert "没有这个编号的表单" in capsys.readouterr().err
    assert not out.exists()
