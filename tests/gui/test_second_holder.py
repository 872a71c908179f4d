"""RULES E1: a holder session that opens while another holder is served — the card's login
and an ID check answered at nearly the same time — is ended at once and never shown; the
holder on screen stays served. No path leaves a second case open."""

from __future__ import annotations

from typing import Any

import pytest

from tests.gui.fakes import DOC, SSN

pytestmark = pytest.mark.gui


def test_E1_a_second_id_session_is_ended_at_once_and_the_first_stays(
    window: Any, gateway: Any
) -> None:
    first = gateway.open_id_session(window.actor, 7, DOC, "x")
    window._id_session_opened(first)
    second = gateway.open_id_session(window.actor, 7, DOC, "x")
    window._id_session_opened(second)
    assert window.holder.session is first
    assert gateway.ended == [second]  # its case closed, not left open
    assert "须先结束本次服务（F12）" in window.statusBar().currentMessage()


def test_E1_a_card_session_opening_over_a_served_holder_is_ended(window: Any, gateway: Any) -> None:
    first = gateway.open_id_session(window.actor, 7, DOC, "x")
    window._id_session_opened(first)
    late = gateway.open_id_session(window.actor, 7, DOC, "x")  # as the card's login answers
    window._card_session_opened(late)
    assert window.holder.session is first and not window.card_session
    assert gateway.ended == [late]


def test_E1_the_check_of_another_hit_asks_first_and_opens_no_dialog(
    window: Any, gateway: Any
) -> None:
    window._id_session_opened(gateway.open_id_session(window.actor, 7, DOC, "x"))
    window.search_pane.box.edit.setText(SSN)
    window.search_pane.box.button.click()
    window.check_id_for_hit()
    assert window.id_dialog is None
    box = window.serving_box
    assert box is not None and box.isVisible() and "须先结束本次服务（F12）" in box.text()
    window.check_id_for_hit()  # again: the same box, not a second one
    assert window.serving_box is box
    box.reject()  # 取消 (Esc)
    assert window.holder.session is not None and gateway.ended == []
