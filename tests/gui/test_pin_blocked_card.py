"""A card whose PIN is blocked (RULES P6): the holder is never asked for the PIN; the clerk
is told plainly in a dialog, and the action panel keeps saying so — before and after the
ID check — next to 密码解锁 (F7)."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtWidgets import QApplication

from counter_app.services.permissions import Action
from tests.gui.fakes import DOC

pytestmark = pytest.mark.gui


def test_P6_blocked_pin_is_not_asked_and_the_clerk_is_told(window: Any, reader: Any) -> None:
    reader.insert(pin_tries_left=0)
    QApplication.processEvents()
    assert not window.pins.keypad.active  # no "还可尝试 0 次" on the holder keypad
    assert not window.card_login.busy and window.holder.session is None
    box = window.pin_blocked_box
    assert box.isVisible() and "密码已锁定" in box.text() and "密码解锁（F7）" in box.text()
    note = window.pin_note
    assert note.isVisible() and "密码已锁定" in note.text()
    box.reject()
    # After the ID check the screen still says the PIN is locked, and F7 is offered.
    window._id_session_opened(window.gateway.open_id_session(window.actor, 7, DOC, "解锁"))
    window.refresh_actions()
    assert note.isVisible()
    assert window.action_buttons[Action.UNBLOCK_PIN].isEnabled()


def test_P6_a_card_with_tries_left_is_asked_as_before(window: Any, reader: Any) -> None:
    reader.insert(pin_tries_left=2)
    QApplication.processEvents()
    assert window.pins.keypad.active
    assert not window.pin_note.isVisible()
    assert getattr(window, "pin_blocked_box", None) is None
