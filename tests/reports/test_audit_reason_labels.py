"""参保人信息查询记录 (RULES Q7, S3) prints why in Chinese: the reason codes the services
write into ``audit_events.reason`` when the system ends something (``recovered`` for a case
left open and closed at the next login, ``card_removed``, ``staff_logout`` …) are decoded
in the PDF and the CSV; a reason already in words (the clerk's 查询事由) is printed as it is
(from a new clerk's trial: the 事由 column read "recovered").

Every code the services write is found where they write it — the holder session's end
reasons, the service case's close reasons (its CHECK), and any ``reason="…"`` literal in
``counter_app/services`` — so a new one without a label fails here."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import CheckConstraint

from counter_app.models import ServiceCase
from counter_app.services import sessions
from reports import actions
from reports.access_log import AccessReport, AccessRow
from reports.csv_out import render_csv
from reports.lookup import HolderRef
from reports.pdf import render_pdf

SERVICES = Path(sessions.__file__).parent
AT = dt.datetime(2026, 12, 8, 0, 48, 8, tzinfo=dt.UTC)


def _literal_reasons() -> set[str]:
    """``reason="code"`` keyword arguments in the services (audit records)."""
    found: set[str] = set()
    for path in SERVICES.rglob("*.py"):
        found.update(re.findall(r'\breason="([A-Za-z_]+)"', path.read_text("utf-8")))
    return found


def _case_close_reasons() -> set[str]:
    for constraint in ServiceCase.__table__.constraints:
        if isinstance(constraint, CheckConstraint):
            match = re.fullmatch(r"close_reason IN \((.*)\)", str(constraint.sqltext))
            if match:
                return set(re.findall(r"'([^']*)'", match.group(1)))
    raise AssertionError("service_cases.close_reason has no CHECK of its values")


def written_codes() -> list[str]:
    return sorted(set(sessions._END_REASONS) | _case_close_reasons() | _literal_reasons())


def test_the_services_write_the_codes_this_test_knows() -> None:
    codes = written_codes()
    assert {"recovered", "done", "card_removed"} <= set(codes)  # the scan finds them


def _report(reason: str) -> AccessReport:
    row = AccessRow(
        seq=41,
        at=AT,
        staff_no="KZX500000-04",
        staff_name="卡中心经办",
        office_code="500000-KZX",
        office_name="重庆市社会保障卡服务中心",
        workstation="W-04",
        action="case.close",
        category=None,
        reason=reason,
        outcome="success",
    )
    return AccessReport(HolderRef(7, "吕国辉", "500***********8094"), None, None, AT, (), (row,))


def _pdf_text(report: AccessReport) -> str:
    pages = PdfReader(io.BytesIO(render_pdf(report))).pages
    return "".join(page.extract_text() for page in pages)


@pytest.mark.parametrize("code", written_codes())
def test_Q7_access_log_prints_each_reason_code_in_chinese(code: str) -> None:
    label = actions.REASON_LABELS.get(code)
    assert label is not None, f"no Chinese for the reason code {code!r}"
    assert label.isascii() is False
    report = _report(code)
    csv = render_csv(report).decode("utf-8-sig")
    pdf = re.sub(r"\s+", "", _pdf_text(report))
    assert label in csv.splitlines()[-1].split(",")
    assert re.sub(r"\s+", "", label) in pdf
    word = re.compile(rf"(?<![A-Za-z_]){code}(?![A-Za-z_])")
    assert not word.search(csv) and not word.search(_pdf_text(report))


def test_Q7_a_reason_in_words_is_printed_as_it_is() -> None:
    report = _report("持卡人本人查询")
    assert "持卡人本人查询" in render_csv(report).decode("utf-8-sig")
    assert actions.reason_label(None) == ""
