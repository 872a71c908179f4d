"""Enter never reveals a phone number (RULES L2, Q7: a full number is a deliberate, audited
look): in the list of phone reports about to lapse and in 差评整改, 关闭 is the default
button and 显示完整电话 is not even an auto-default one. Enter on a lapsing report looks its
holder up in the main window's search by card number, for the written report (L3) after the
ID check (from a new clerk's trial: Enter showed the number in full and audited it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PyQt6.QtCore import QAbstractListModel, Qt
from PyQt6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QLabel,
    QLineEdit,
    QStatusBar,
)

from counter_app.services.followups import FollowUpItem
from counter_app.services.permissions import Role
from counter_app.services.phone_reports import LapsingReport
from counter_app.ui.followup_list import PHONE_COLUMN
from counter_app.ui.followups import install_followup_badge
from counter_app.ui.lapsing import COLUMNS, install_lapsing_badge
from forms.masking import mask_card_number, mask_phone
from tests.gui.fakes import make_actor

pytestmark = pytest.mark.gui

PHONE = "13883251234"
#: The fake services find their one holder by this card number.
CARD = "A12345674"


def _report() -> LapsingReport:
    at = dt.datetime(2025, 3, 10, 2, 0, tzinfo=dt.UTC)
    return LapsingReport(
        14,
        at + dt.timedelta(days=1),
        at - dt.timedelta(days=14),
        "张三",
        "500***********0016",
        CARD,
        mask_phone(PHONE),
        "重庆市渝中区测试路1号",
        "500103",
        "渝中区",
    )


def _lapsing_dialog(window: Any, gateway: Any) -> Any:
    gateway.lapsing = [_report()]
    gateway.lapsing_phones = {14: PHONE}
    badge = install_lapsing_badge(window)
    badge.timer.stop()
    badge.show_list()
    dialog = badge.dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def test_L2_enter_in_the_lapsing_list_reveals_nothing(
    qtbot: Any, window: Any, gateway: Any
) -> None:
    dialog = _lapsing_dialog(window, gateway)
    dialog.open_holder = None  # Enter on the row alone: the dialog's default answers
    qtbot.keyClick(dialog.view, Qt.Key.Key_Return)
    assert not any(call[0] == "reveal_lapsing_phone" for call in gateway.calls)
    assert not dialog.reveal_button.isDefault() and not dialog.reveal_button.autoDefault()
    assert dialog.close_button.isDefault()
    cell = dialog.model.data(dialog.model.index(0, COLUMNS.index("phone")))
    assert cell == mask_phone(PHONE)
    assert not dialog.isVisible()  # 关闭


def test_L3_enter_on_a_lapsing_report_finds_its_holder_for_the_written_report(
    qtbot: Any, window: Any, gateway: Any
) -> None:
    dialog = _lapsing_dialog(window, gateway)
    qtbot.keyClick(dialog.view, Qt.Key.Key_Return)
    assert ("find_holders", CARD) in gateway.calls
    assert not any(call[0] == "reveal_lapsing_phone" for call in gateway.calls)
    assert window.hits.rowCount() == 1  # the holder, ready for 核验证件并查看
    assert not dialog.isVisible()


def _texts_on_screen() -> list[str]:
    """Every text a visible widget shows: labels, boxes, buttons, titles, table cells."""
    texts: list[str] = []
    for widget in QApplication.allWidgets():
        if not widget.isVisible():
            continue
        texts.append(widget.windowTitle())
        if isinstance(widget, QLineEdit | QLabel | QAbstractButton):
            texts.append(widget.text())
        if isinstance(widget, QStatusBar):
            texts.append(widget.currentMessage())
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            # A list model's columnCount is private in PyQt: one column.
            columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount()
            for row in range(model.rowCount()):
                for column in range(columns):
                    texts.append(str(model.data(model.index(row, column)) or ""))
    return texts


def test_Q7_enter_on_a_lapsing_report_puts_no_full_card_number_on_screen(
    qtbot: Any, window: Any, gateway: Any
) -> None:
    """The list masks the card number (A****5674); finding its holder must not show it in
    full anywhere — the search box was given the whole number (new clerk's trial)."""
    window.show()
    qtbot.waitExposed(window)
    dialog = _lapsing_dialog(window, gateway)
    qtbot.keyClick(dialog.view, Qt.Key.Key_Return)
    assert ("find_holders", CARD) in gateway.calls  # the holder was searched by the card
    assert window.hits.rowCount() == 1
    texts = _texts_on_screen()
    assert not [text for text in texts if CARD in text]
    masked = mask_card_number(CARD)
    assert masked in window.search_pane.box.hint.text()  # what was searched, masked


def _item() -> FollowUpItem:
    return FollowUpItem(
        1,
        "500103-YB-20261207-0001",
        "YB500103-01",
        "医保经办甲",
        "张伟",
        "500***********0171",
        "very_dissatisfied",
        "非常不满意",
        ("态度",),
        "排队太久",
        dt.datetime(2026, 12, 7, 8, 30, tzinfo=dt.UTC),
        dt.date(2026, 12, 28),
        False,
        masked_phone=mask_phone("13812341234"),
    )


def test_E3_enter_in_the_followup_list_reveals_nothing(
    qtbot: Any, window: Any, gateway: Any
) -> None:
    gateway.followups = [_item()]
    badge = install_followup_badge(window)
    window._set_actor(make_actor(3, "YB500103-03", "分中心主管", role=Role.SUPERVISOR))
    badge.click()
    dialog = badge.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.reveal_button.isEnabled()  # a row is selected, its phone could be shown
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)
    assert not any("reveal" in str(call[0]) for call in gateway.calls)
    assert not dialog.reveal_button.autoDefault() and not dialog.close_button.autoDefault()
    assert dialog.done_button.isDefault()
    assert dialog.table.item(0, PHONE_COLUMN).text() == mask_phone("13812341234")
    assert not dialog.isVisible()


def test_L3_a_double_click_on_a_lapsing_report_finds_its_holder(
    qtbot: Any, window: Any, gateway: Any
) -> None:
    dialog = _lapsing_dialog(window, gateway)
    view = dialog.view
    centre = view.visualRect(dialog.model.index(0, 1)).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert ("find_holders", CARD) in gateway.calls
    assert not any(call[0] == "reveal_lapsing_phone" for call in gateway.calls)
    assert not dialog.isVisible()
