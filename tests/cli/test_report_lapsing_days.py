"""``counter-admin report lapsing`` says 即将失效 over the workstation list's horizon (RULES
L2: the ``lapsing_warning_days`` setting) unless ``--days`` says otherwise — it was a fixed
3 days while the list said 2 (a new clerk's trial)."""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfReader

from counter_app.cli.main import main


def _pdf_text(pdf: Path) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.read_bytes())).pages)


def test_L2_report_lapsing_defaults_to_the_setting(sqlite_demo_url: str, tmp_path: Path) -> None:
    settings = tmp_path / "settings.toml"
    settings.write_text("lapsing_warning_days = 5\n", encoding="utf-8")
    out = tmp_path / "l.pdf"
    argv = ["--settings", str(settings), "report", "lapsing", "--db", sqlite_demo_url]
    assert main([*argv, "--out", str(out)]) == 0
    assert "5 天内到期" in _pdf_text(out)
    assert main([*argv, "--days", "1", "--out", str(out)]) == 0
    assert "1 天内到期" in _pdf_text(out)
