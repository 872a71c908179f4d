"""显示完整电话 in the list of phone reports about to lapse (RULES L2: staff call the holders
before the report lapses), against the fake services: the row shows the full number only
after the service's reveal succeeded; a refusal leaves it masked and says why. The real
stack (and counter-server) is tests/e2e/test_lapsing_phone_reveal.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PyQt6.QtCore import QItemSelectionModel
from PyQt6.QtWidgets import QPushButton

from counter_app.services.errors import DatabaseUnavailable
from counter_app.services.phone_reports import LapsingReport, LapsingReportNotFound
from counter_app.ui.lapsing import COLUMNS, install_lapsing_badge
from forms.masking import mask_phone
from tests.gui.fakes import DOC

pytestmark = pytest.mark.gui

PHONES = {11: "13883251234", 12: "13983255678"}


def _report(report_id: int, name: str) -> LapsingReport:
    at = dt.datetime(2025, 3, 10, 2, 0, tzinfo=dt.UTC)
    return LapsingReport(
        report_id,
        at + dt.timedelta(days=1),
        at - dt.timedelta(days=14),
        name,
        "500***********0016",
        f"A1234567{report_id % 10}",
        mask_phone(PHONES[report_id]),  # the service sends it masked
        "重庆市渝中区测试路1号",
        "500103",
        "渝中区",
    )


@pytest.fixture
def dialog(window: Any, gateway: Any) -> Any:
    gateway.lapsing = [_report(11, "张三"), _report(12, "李四")]
    gateway.lapsing_phones = dict(PHONES)
    badge = install_lapsing_badge(window)
    badge.timer.stop()
    badge.show_list()
    shown = badge.dialog
    assert shown is not None and shown.isVisible()
    yield shown
    shown.close()


def _select(dialog: Any, row: int) -> None:
    flags = QItemSelectionModel.SelectionFlag
    index = dialog.model.index(row, 0)
    dialog.view.selectionModel().select(index, flags.ClearAndSelect | flags.Rows)


def _phone_cell(dialog: Any, row: int) -> str:
    return str(dialog.model.data(dialog.model.index(row, COLUMNS.index("phone"))))


def test_L2_reveal_shows_the_full_phone_of_the_selected_row_only(dialog: Any, gateway: Any) -> None:
    assert _phone_cell(dialog, 1) == "139****5678"
    assert dialog.reveal_button.isVisible() and dialog.selected_row() == 0  # the first row
    _select(dialog, 1)
    assert dialog.reveal_button.isEnabled()
    dialog.reveal_button.click()
    assert ("reveal_lapsing_phone", 12) in gateway.calls
    assert _phone_cell(dialog, 1) == PHONES[12]
    assert _phone_cell(dialog, 0) == "138****1234"  # the other holder stays masked
    assert not dialog.reveal_button.isEnabled()  # shown already: no second audited call
    _select(dialog, 0)
    assert dialog.reveal_button.isEnabled()


def test_L2_a_refused_reveal_leaves_the_phone_masked_and_says_why(
    dialog: Any, gateway: Any
) -> None:
    gateway.db_down = True
    _select(dialog, 0)
    dialog.reveal_button.click()
    assert dialog.error.text() == DatabaseUnavailable.message
    assert _phone_cell(dialog, 0) == "138****1234"
    assert not [c for c in gateway.calls if c[0] == "reveal_lapsing_phone"]
    assert dialog.reveal_button.isEnabled()  # the clerk may try again
    gateway.db_down = False
    dialog.reveal_button.click()
    assert _phone_cell(dialog, 0) == PHONES[11] and dialog.error.text() == ""


def test_L2_refused_as_no_longer_lapsing_the_clerk_can_refresh_the_list(
    window: Any, dialog: Any, gateway: Any
) -> None:
    """From a new clerk's trial: 张三's report was confirmed in writing while the list was
    open; the refusal says 请刷新列表, and the list has a button that does it (it had none:
    the clerk had to close it and find the badge again)."""
    gateway.lapsing = [_report(12, "李四")]  # 张三's report is no longer open
    del gateway.lapsing_phones[11]
    _select(dialog, 0)
    dialog.reveal_button.click()
    assert dialog.error.text() == LapsingReportNotFound.message
    assert "刷新列表" in dialog.error.text()
    assert dialog.reload_button.isVisible() and dialog.reload_button.text() == "刷新列表"
    dialog.reload_button.click()
    assert dialog.model.rowCount() == 1 and dialog.error.text() == ""
    assert str(dialog.model.data(dialog.model.index(0, COLUMNS.index("holder_name")))) == "李四"
    assert dialog.selected_row() == 0  # the new list's first row, as when it opened
    badge = window.findChild(QPushButton, "lapsingBadge")
    assert badge is not None and badge.text() == "电话挂失即将失效：1"


def test_L2_the_badge_counts_again_when_a_service_ends(window: Any, gateway: Any) -> None:
    """From a new clerk's trial: a written report confirmed 刘芳's phone report, and the
    badge still said 10 until its next ten-minute refresh."""
    gateway.lapsing = [_report(11, "张三"), _report(12, "李四")]
    badge = install_lapsing_badge(window)
    badge.timer.stop()
    assert badge.text() == "电话挂失即将失效：2"
    gateway.lapsing = [_report(12, "李四")]  # 张三's report confirmed in writing
    session = window.gateway.open_id_session(window.actor, 7, DOC, "书面挂失")
    window._id_session_opened(session)
    window.end_session()  # F12
    assert badge.text() == "电话挂失即将失效：1"
