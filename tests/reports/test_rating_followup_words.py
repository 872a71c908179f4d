"""服务好差评统计 calls an open follow-up what the supervisor's 差评整改 list and badge call it
(RULES E3/E4): 待整改, or 已逾期 past its due date — not 办理中 — and its column of open
follow-ups is 待整改 (a new clerk's trial had to translate between the two)."""

from __future__ import annotations

import datetime as dt
import io

from pypdf import PdfReader

from reports.pdf import render_pdf
from reports.rating import OpenFollowUp, RatingReport, RatingRow
from reports.rating_daily import rating_table

AT = dt.datetime(2026, 12, 7, 8, 30, tzinfo=dt.UTC)


def _row(grouping: str) -> RatingRow:
    return RatingRow(
        grouping, "500103-YB", "渝中区医保分中心", "", "", None, 2, (0, 1, 0, 1, 0), 2, 1
    )


def _followup(i: int, due: dt.date, overdue: bool) -> OpenFollowUp:
    return OpenFollowUp(
        f"500103-YB-20261207-000{i}", "YB500103-01", "不满意", "态度", AT, due, overdue
    )


def test_E4_open_followups_read_as_in_the_followup_list() -> None:
    followups = (
        _followup(1, dt.date(2026, 12, 28), False),
        _followup(2, dt.date(2026, 12, 1), True),
    )
    report = RatingReport(
        dt.date(2026, 12, 1),
        dt.date(2026, 12, 7),
        None,
        AT,
        _row("all"),
        (_row("office"),),
        (),
        (),
        followups,
        AT,
    )
    tables = report.rendered().tables
    assert [row[-1] for row in tables[-1].rows] == ["待整改", "已逾期"]
    assert tables[0].columns[-2:] == ("待整改", "逾期")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(render_pdf(report))).pages)
    assert "办理中" not in text and "已逾期" in text


def test_E4_daily_rating_table_names_the_open_followups_as_the_badge_does() -> None:
    assert rating_table(_row("all")).columns[-2:] == ("待整改", "逾期")
