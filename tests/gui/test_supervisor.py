"""The 报表 menu (RULES S3) and the lapsing phone-report badge, on a demo database.

The reports run through the real ``app.make_report_maker`` (queries on a pool thread, PDF
in the helper process when there is one; here the inline pool and no helper process)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from counter_app.demo.accounts import DEMO_ACCOUNTS, ROLE_PASSWORDS
from counter_app.settings import Settings
from counter_app.ui.tasks import InlinePool

SSN_OF_FIRST_FIXED = "500103196803150310"


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    from counter_app.demo import ensure_demo_database

    url = f"sqlite:///{tmp_path_factory.mktemp('supervisor') / 'demo.sqlite3'}"
    ensure_demo_database(url, holders=60)
    return url


@pytest.fixture
def counter(qtbot: Any, demo_url: str) -> Iterator[Any]:
    """``counter(staff_no)``: the main window as the workstation builds it, logged in."""
    from counter_app.ui import app

    made: list[Any] = []

    def make(staff_no: str) -> Any:
        ws = app.build_workstation(
            Settings(mode="demo", db_url=demo_url),
            True,
            pool=InlinePool(),
            card_pool=InlinePool(),
            second_screen=False,
        )
        account = next(a for a in DEMO_ACCOUNTS if a.staff_no == staff_no)
        actor = ws.gateway.login(staff_no, ROLE_PASSWORDS[account.role]).actor
        win = app.make_main_window(ws, actor)
        qtbot.addWidget(win)
        qtbot.addWidget(ws.pin_entry.panel)
        made.append((ws, win))
        return win

    yield make
    for ws, win in made:
        win.holder.clear()
        win.idle.detach()
        ws.close()


def test_reports_menu_is_for_supervisors_and_says_why_for_others(counter: Any) -> None:
    staff = counter("YB500103-01")
    for action in staff.reports_menu.report_actions.values():
        assert not action.isEnabled()
        assert action.toolTip()  # the reason, not an empty tooltip
    assert staff.reports_menu.open_report("daily") is None
    assert staff.reports_menu.lapsing_list.isEnabled()  # the list is for staff too

    boss = counter("YB500103-03")
    assert all(a.isEnabled() for a in boss.reports_menu.report_actions.values())


def test_L2_S2_lapsing_list_item_names_the_district_or_the_whole_city(counter: Any) -> None:
    # RULES S2, L2: a sub-center's list is its own district's; the city card service center
    # sees every district's phone reports, so its menu item must not say 本区县.
    subcenter = counter("YB500103-01")
    assert subcenter.reports_menu.lapsing_list.text() == "本区县即将失效的电话挂失（列表）"
    card_center = counter("KZX500000-01")
    text = card_center.reports_menu.lapsing_list.text()
    assert "本区县" not in text
    assert text == "全市即将失效的电话挂失（列表）"


def test_daily_report_csv_is_saved_with_progress(counter: Any, tmp_path: Path) -> None:
    win = counter("YB500103-03")
    dialog = win.reports_menu.open_report("daily")
    seen: list[tuple[int, int, str]] = []
    dialog.relay.progress.connect(lambda d, t, m: seen.append((d, t, m)))
    dialog.format.setCurrentIndex(1)  # CSV
    dialog.scope.setCurrentIndex(1)  # city-wide
    target = tmp_path / "daily.csv"
    dialog.choose_csv_path = lambda _name: str(target)
    dialog.start()
    assert dialog.error.text() == ""
    assert dialog.saved_to == str(target)
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: spreadsheets read the Chinese
    header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert header
    assert seen and seen[-1][0] == seen[-1][1]  # the last step completes the bar
    assert [d for d, _t, _m in seen] == sorted(d for d, _t, _m in seen)


def test_access_log_validates_the_id_number_then_previews_a_pdf(counter: Any) -> None:
    win = counter("YB500103-03")
    dialog = win.reports_menu.open_report("access")
    dialog.ssn.setText("500103196803150311")  # wrong check digit
    dialog.start()
    assert "校验" in dialog.error.text() or dialog.error.text()
    assert dialog.data is None

    dialog.ssn.setText(SSN_OF_FIRST_FIXED)
    dialog.start()
    assert dialog.error.text() == ""
    assert dialog.data is not None and dialog.data.startswith(b"%PDF")
    assert dialog.printer is not None and dialog.printer.images  # the pages, for preview
    assert dialog.printer.preview is not None
    dialog.printer.preview.close()


def test_staff_activity_refuses_a_reversed_range(counter: Any) -> None:
    from PyQt6.QtCore import QDate

    win = counter("YB500103-03")
    dialog = win.reports_menu.open_report("staff")
    dialog.first.setDate(QDate.currentDate())
    dialog.last.setDate(QDate.currentDate().addDays(-3))
    dialog.start()
    assert "起始日期" in dialog.error.text()
    assert dialog.data is None


def test_lapsing_badge_counts_the_districts_lapsing_phone_reports(counter: Any) -> None:
    from sqlalchemy import func, select

    from counter_app.models import AuditEvent

    win = counter("KZX500000-01")  # the card center sees every district's reports
    badge = win.lapsing_badge

    def audited_lists() -> int:
        with win.gateway.ctx.uow() as uow:
            return int(
                uow.session.scalar(
                    select(func.count())
                    .select_from(AuditEvent)
                    .where(AuditEvent.action == "loss.lapsing_list")
                )
                or 0
            )

    before = audited_lists()
    badge.refresh()
    assert badge.isVisibleTo(win)
    assert badge.count is not None and badge.count > 0
    assert str(badge.count) in badge.text()
    assert audited_lists() == before  # a count shows nobody's data: not audited
    badge.show_list()
    assert badge.dialog is not None
    assert badge.dialog.model.rowCount() == badge.count == len(badge.rows)
    assert audited_lists() == before + 1  # the list of names and phones is
    badge.dialog.close()
