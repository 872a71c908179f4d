"""A lost card whose chip application a hospital terminal blocked (CARD.md APPLICATION
BLOCK): the service refuses any card session with it, so the holder is not asked for a PIN;
the clerk is told in a dialog, whole — a trial read the refusal cut off in the status bar,
under the staff text, after the holder had typed for nothing — and pointed to 解除挂失 (F9)."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtWidgets import QApplication

from counter_app.services.errors import CardApplicationBlocked

pytestmark = pytest.mark.gui


def test_U5_a_blocked_application_is_not_put_to_the_holder_and_the_clerk_is_told(
    window: Any, reader: Any
) -> None:
    reader.insert(app_state="blocked")
    QApplication.processEvents()
    assert not window.pins.keypad.active  # nothing the holder types can open it
    assert not window.card_login.busy and window.holder.session is None
    assert not [c for c in window.gateway.calls if c[0] == "open_card_session"]
    box = window.app_blocked_box
    assert box.isVisible() and box.text() == CardApplicationBlocked.message
    assert "解除挂失（F9）" in box.informativeText()
    assert window.statusBar().currentMessage() == ""
    box.reject()


def test_U5_a_card_with_its_application_ok_is_asked_as_before(window: Any, reader: Any) -> None:
    reader.insert(app_state="ok")
    QApplication.processEvents()
    assert window.pins.keypad.active
    assert getattr(window, "app_blocked_box", None) is None
