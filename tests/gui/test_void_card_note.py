"""A void card in the reader (RULES R2, U4: replaced; a cancelled card) is refused before
any PIN try, and the clerk reads why and what to do whole, on the action panel, for as long
as the card is in the reader: in the status bar the service's two sentences ran under the
staff text and lost their end (请使用新卡，或…按证件核验方式办理), seen in a new clerk's trial."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtWidgets import QApplication

from counter_app.services.errors import CardCancelled, CardReplaced

pytestmark = pytest.mark.gui


@pytest.mark.parametrize(
    ("state", "error"), [("replacement_applied", CardReplaced), ("cancelled", CardCancelled)]
)
def test_U4_void_card_says_why_whole_on_the_action_panel(
    window: Any, reader: Any, gateway: Any, state: str, error: type
) -> None:
    gateway.card_state_value = state
    reader.insert()
    QApplication.processEvents()
    assert not window.pins.keypad.active  # no PIN asked of a void card
    note = window.pin_note
    assert note.isVisible() and note.text() == error.message
    assert note.wordWrap()
    reader.remove()
    QApplication.processEvents()
    assert not note.isVisible()


def test_P6_the_note_says_the_pin_is_blocked_again_after_a_void_card(
    window: Any, reader: Any, gateway: Any
) -> None:
    gateway.card_state_value = "replacement_applied"
    reader.insert()
    QApplication.processEvents()
    reader.remove()
    gateway.card_state_value = "active"
    reader.insert(pin_tries_left=0)
    QApplication.processEvents()
    window.pin_blocked_box.reject()
    assert window.pin_note.isVisible() and "密码已锁定" in window.pin_note.text()
