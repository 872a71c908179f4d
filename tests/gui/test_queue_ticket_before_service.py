"""RULES E1: the queue ticket (排队号) belongs to the case. A ticket typed or scanned before
the service starts — the holder hands over the number, then inserts the card — is not
dropped: it waits in the field and goes on the case as soon as the holder's session opens,
and the clerk is told so. From a city trial: it stayed in the field, never recorded."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtCore import Qt

from counter_app.ui.queue_ticket import install_queue_ticket
from tests.gui.fakes import DOC

pytestmark = pytest.mark.gui


def test_E1_a_ticket_entered_before_the_service_goes_on_the_case_when_it_opens(
    window: Any, gateway: Any, qtbot: Any
) -> None:
    field = install_queue_ticket(window)
    qtbot.keyClicks(field.edit, "A012")
    qtbot.keyClick(field.edit, Qt.Key.Key_Return)
    assert gateway.tickets == {}  # no case yet
    said = window.statusBar().currentMessage()
    assert "A012" in said and "服务开始后自动记入办件" in said
    session = gateway.open_id_session(window.actor, 7, DOC, "查询")
    window._id_session_opened(session)
    case_no = f"500103-YB-20250310-{session.session_id:04d}"
    assert gateway.tickets == {case_no: "A012"} and field.attached == "A012"
    assert window.statusBar().currentMessage() == f"排队号 A012 已记入办件 {case_no}。"
    window.end_session()
    assert field.edit.text() == "" and not field.pending

    # The next holder: no ticket entered, none carried over from the last one.
    second = gateway.open_id_session(window.actor, 7, DOC, "查询")
    window._id_session_opened(second)
    assert list(gateway.tickets) == [case_no]


def test_E1_a_ticket_waiting_for_the_service_goes_with_the_clerk(
    window: Any, gateway: Any, qtbot: Any
) -> None:
    """Another clerk took over at the lock screen: the first one's waiting ticket is not
    put on the next clerk's case."""
    field = install_queue_ticket(window)
    qtbot.keyClicks(field.edit, "A013")
    qtbot.keyClick(field.edit, Qt.Key.Key_Return)
    window._set_actor(gateway.accounts["YB500103-02"][1])
    assert field.edit.text() == "" and not field.pending
    window._id_session_opened(gateway.open_id_session(window.actor, 7, DOC, "查询"))
    assert gateway.tickets == {}
