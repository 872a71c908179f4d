"""The supervisors' 即将失效的电话挂失 report (RULES L2) masks the holders' phone numbers in
the PDF and the CSV, as the workstation's list does (a full number is a deliberate, audited
reveal for one holder, Q7; a printed sheet leaves the counter) — and says 即将失效 over the
same horizon as that list by default (from a new clerk's trial: the PDF printed every number
in full; the list said 2 天, the report 3 天)."""

from __future__ import annotations

import io

from pypdf import PdfReader
from sqlalchemy import Engine

from counter_app.settings import LAPSING_WARNING_DAYS, Settings
from forms.masking import mask_phone
from reports.csv_out import render_csv
from reports.lapsing import LapsingReport
from reports.pdf import render_pdf
from reports.runner import LapsingRequest, build, read_only_connection
from tests.reports.seed import NOW, Seeded


def _phone(holder: int) -> str:
    return f"1380000{holder:04d}"  # as the seed writes it


def test_L2_lapsing_report_masks_phones_in_pdf_and_csv(engine: Engine, seeded: Seeded) -> None:
    with read_only_connection(engine) as conn:
        report = build(conn, LapsingRequest(days=10), now=NOW)
    assert isinstance(report, LapsingReport)
    listed = [r["holder_id"] for r in seeded.loss if r["state"] == "open"]
    assert len(report.rows) + len(report.lapsed) == len(listed) >= 2
    pdf = render_pdf(report)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    csv = render_csv(report).decode("utf-8-sig")
    for holder in listed:
        assert _phone(holder) not in text and _phone(holder) not in csv
        assert mask_phone(_phone(holder)) in text
        assert mask_phone(_phone(holder)) in csv


def test_L2_report_and_list_share_one_horizon() -> None:
    assert LapsingRequest().days == Settings().lapsing_warning_days == LAPSING_WARNING_DAYS
