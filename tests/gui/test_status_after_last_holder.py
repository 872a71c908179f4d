"""What the clerk's status bar and the holder's dock say belongs to the holder now at the
counter (from a new clerk's trial: 已评价 and 社保卡已拔出，本次查询已结束。 stood beside the
next holder's PIN entry; the dock read 持卡人密码键盘 above the rating buttons; the 报表
menu was greyed with no word of why)."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtCore import Qt

from counter_app.models.case import RatingLevel
from counter_app.services.permissions import Action, Role
from counter_app.services.ratings import RatingStatus
from counter_app.ui.supervisor import install_reports_menu
from tests.gui.conftest import serve_and_end
from tests.gui.fakes import make_actor

pytestmark = pytest.mark.gui


def _card_session(window: Any, reader: Any) -> None:
    reader.insert(pin="135790")
    for digit in "135790":
        window.pins.keypad.press_digit(digit)
    window.pins.keypad.press_confirm()
    assert window.holder.session is not None


def test_E2_the_last_holders_messages_go_when_the_next_card_is_inserted(
    window: Any, rating: Any, reader: Any, qtbot: Any
) -> None:
    _card_session(window, reader)
    reader.remove()  # the holder takes the card: the service ends, the holder rates it
    assert "社保卡已拔出" in window.statusBar().currentMessage()
    qtbot.mouseClick(
        rating.device.panel.level_buttons[RatingLevel.SATISFIED], Qt.MouseButton.LeftButton
    )
    assert rating.status_label.text() == "已评价"
    reader.insert(pin="135790")  # the next holder's card; the keypad asks for the PIN
    assert window.pins.keypad.active
    assert window.statusBar().currentMessage() == ""
    assert rating.status_label.text() == ""


def test_E2_a_rating_asked_ends_unrated_when_the_next_cards_keypad_takes_its_screen(
    window: Any, rating: Any, reader: Any
) -> None:
    """The PIN keypad replaces the rating panel: the last holder can no longer rate, so the
    rating ends 未评价 and 请持卡人评价… does not stand beside the next holder's keypad."""
    case_no = serve_and_end(window)
    assert rating.status_label.text() == "请持卡人评价…"
    reader.insert(pin="135790")
    assert window.pins.keypad.active
    assert rating.case_no is None and rating.status_label.text() == ""
    assert window.gateway.rating_status(window.actor, case_no) is RatingStatus.UNRATED


def test_E2_the_holder_dock_is_named_for_what_it_shows(
    window: Any, rating: Any, reader: Any
) -> None:
    dock = window.holder_dock
    serve_and_end(window)
    assert dock.isVisible() and dock.windowTitle() == "服务评价"
    rating.timer.timeout.emit()  # no answer in time: the rating goes
    reader.insert(pin="135790")  # the next holder types the PIN in the same dock
    assert window.pins.keypad.active
    assert dock.isVisible() and dock.windowTitle() == "持卡人密码键盘"


def test_S3_the_reports_menu_says_in_it_why_its_items_are_greyed(window: Any) -> None:
    menu = install_reports_menu(window, lambda *_a: b"", None)
    note = menu.why_note
    assert all(not a.isEnabled() for a in menu.report_actions.values())
    assert note.isVisible() and not note.isEnabled()
    assert note.text() == window.actor.why_not(Action.VIEW_REPORTS) and "主管" in note.text()
    supervisor = make_actor(3, "YB500103-03", "分中心主管", role=Role.SUPERVISOR)
    window._set_actor(supervisor)
    assert all(a.isEnabled() for a in menu.report_actions.values())
    assert not note.isVisible()
