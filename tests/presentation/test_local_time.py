"""Stored in UTC, shown in Asia/Shanghai everywhere (docs/ARCHITECTURE.md "Times"): one instant
just after midnight in Shanghai — 2026-03-01 17:30 UTC, 2026-03-02 01:30 local — reads
the same on a record page, in a screen table, on a printed form and in a report's CSV."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from counter_app.presentation import page_for
from counter_app.presentation.text import instant
from counter_app.services.queries.holder import BasicInfo, CardEvent, HolderOverview
from forms.data import FormKind, SessionAction
from forms.localtime import SHANGHAI, format_day, format_local, to_local
from forms.render import render_form
from forms.specimens import specimen
from forms.verification import DEMO_FORM_KEY
from reports.csv_out import render_csv
from reports.lapsing import LapsingReport, LapsingRow
from tests.forms.pdfcheck import raw_text

UTC_EVENING = dt.datetime(2026, 3, 1, 17, 30, tzinfo=dt.UTC)
#: The same instant as SQLite hands it back raw: naive, UTC by convention.
NAIVE_UTC = dt.datetime(2026, 3, 1, 17, 30)
SCREEN = "2026年03月02日 01:30"


def test_to_local_moves_utc_past_midnight_into_the_next_local_day() -> None:
    local = to_local(UTC_EVENING)
    assert (local.date(), local.hour, local.minute) == (dt.date(2026, 3, 2), 1, 30)
    assert local.utcoffset() == dt.timedelta(hours=8)
    assert to_local(NAIVE_UTC) == local  # naive values are UTC, never local time
    assert to_local(local.astimezone(dt.timezone(dt.timedelta(hours=-5)))) == local


def test_format_local_and_day() -> None:
    assert format_local(UTC_EVENING) == SCREEN
    assert format_local(NAIVE_UTC, "%Y-%m-%d %H:%M") == "2026-03-02 01:30"
    assert format_local(None) == ""
    assert format_day(UTC_EVENING) == "2026年03月02日"  # the local day, not the UTC one
    assert format_day(dt.date(2024, 3, 5)) == "2024年03月05日"
    assert SHANGHAI.key == "Asia/Shanghai"


def test_screen_record_page_shows_shanghai_time() -> None:
    basic = BasicInfo(
        1,
        "周国华",
        "500***********0192",
        "1",
        "01",
        dt.date(1955, 9, 1),
        "retired",
        "500101",
        "万州区",
        "",
    )
    overview = HolderOverview(
        basic, None, (CardEvent(UTC_EVENING, "电话挂失", "A13058386", "12333"),)
    )
    page = page_for(overview)
    history = page.blocks[-1]
    assert history.rows[0][0] == SCREEN  # type: ignore[union-attr]
    assert instant(NAIVE_UTC) == SCREEN


def test_screen_tables_show_shanghai_time() -> None:
    pytest.importorskip("PyQt6")
    from counter_app.ui.item_models import display

    assert display(UTC_EVENING) == SCREEN
    assert display(NAIVE_UTC) == SCREEN


def test_printed_form_shows_shanghai_time() -> None:
    slip = specimen(FormKind.ACCESS_SLIP)
    slip = dataclasses.replace(
        slip,
        session_started=UTC_EVENING,
        session_ended=UTC_EVENING + dt.timedelta(minutes=9),
        actions=(SessionAction(UTC_EVENING + dt.timedelta(minutes=5), "书面挂失", ""),),
    )
    text = raw_text(render_form(slip, key=DEMO_FORM_KEY), 0)
    assert "2026年03月02日 01:30" in text and "2026年03月02日 01:39" in text
    assert "01:35:00" in text
    assert "17:30" not in text and "2026年03月01日" not in text.replace("2024年05月06日", "")


def test_report_and_csv_show_shanghai_time() -> None:
    row = LapsingRow(
        7,
        "500103",
        "渝中区医保分中心",
        deadline_at=UTC_EVENING,
        reported_at=UTC_EVENING - dt.timedelta(days=15),
        holder_name="周国华",
        masked_ssn="500***********0192",
        masked_card="A1305****",
        masked_phone="",
        address=None,
    )
    report = LapsingReport(2, UTC_EVENING - dt.timedelta(hours=1), None, (), (row,))
    csv = render_csv(report).decode("utf-8-sig")
    assert "2026-03-02 01:30:00" in csv and "2026-02-15 01:30:00" in csv
    assert "17:30" not in csv
    cells = report.rendered().tables[1].rows[0]
    assert cells[0] == "2026-03-02 01:30"
