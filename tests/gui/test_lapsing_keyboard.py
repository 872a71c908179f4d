"""The list of phone reports about to lapse (RULES L2: staff call the holders before the
report lapses) works from the keyboard alone: the first row is selected as the list fills,
so 显示完整电话 is on at once, and the arrow keys move the selection (from a new clerk's
trial: the first row had a focus frame but the button stayed off until a click)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PyQt6.QtCore import Qt

from counter_app.services.phone_reports import LapsingReport
from counter_app.ui.lapsing import COLUMNS, install_lapsing_badge
from forms.masking import mask_phone

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
        mask_phone(PHONES[report_id]),
        "重庆市渝中区测试路1号",
        "500103",
        "渝中区",
    )


def _phone_cell(dialog: Any, row: int) -> str:
    return str(dialog.model.data(dialog.model.index(row, COLUMNS.index("phone"))))


def test_L2_the_first_row_is_selected_and_revealed_from_the_keyboard(
    qtbot: Any, window: Any, gateway: Any
) -> None:
    gateway.lapsing = [_report(11, "张三"), _report(12, "李四")]
    gateway.lapsing_phones = dict(PHONES)
    badge = install_lapsing_badge(window)
    badge.timer.stop()
    badge.show_list()
    dialog = badge.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.selected_row() == 0
    assert dialog.view.currentIndex().row() == 0  # the frame and the selection agree
    assert dialog.reveal_button.isEnabled()
    qtbot.keyClick(dialog.view, Qt.Key.Key_Down)  # the next holder, by the arrow key
    assert dialog.selected_row() == 1 and dialog.reveal_button.isEnabled()
    dialog.reveal_button.setFocus()
    qtbot.keyClick(dialog.reveal_button, Qt.Key.Key_Space)
    assert ("reveal_lapsing_phone", 12) in gateway.calls
    assert _phone_cell(dialog, 1) == PHONES[12]
    assert _phone_cell(dialog, 0) == mask_phone(PHONES[11])
    dialog.close()


def test_L2_the_refreshed_list_selects_its_first_row_again(window: Any, gateway: Any) -> None:
    gateway.lapsing = [_report(11, "张三"), _report(12, "李四")]
    gateway.lapsing_phones = dict(PHONES)
    badge = install_lapsing_badge(window)
    badge.timer.stop()
    badge.show_list()
    dialog = badge.dialog
    assert dialog is not None
    gateway.lapsing = [_report(12, "李四")]
    dialog.reload_button.click()
    assert dialog.model.rowCount() == 1
    assert dialog.selected_row() == 0 and dialog.reveal_button.isEnabled()
    dialog.close()
