"""RULES E1 on the real stack: a queue ticket scanned before the holder inserts the card is
kept and goes on the case the card's session opens — in the database, as the case's
queue ticket (also through counter-server)."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtCore import Qt

pytestmark = pytest.mark.gui


@pytest.mark.also_remote
def test_E1_ticket_scanned_before_the_card_goes_on_its_case(counter: Any) -> None:
    c = counter("YB500103-01")
    field = c.window.queue_ticket
    c.qtbot.keyClicks(field.edit, "B021")
    c.qtbot.keyClick(field.edit, Qt.Key.Key_Return)  # the scanner's Enter, no service yet
    assert field.attached is None
    c.card_session("active_default_pin")
    session = c.window.holder.session
    case = c.window.gateway.case_of_session(c.window.actor, session.session_id)
    assert case.queue_ticket == "B021" and field.attached == "B021"
    assert case.case_no in c.window.statusBar().currentMessage()
