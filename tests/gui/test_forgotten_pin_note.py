"""A holder who cannot type the PIN at card insert may have forgotten it: the clerk stops
waiting with 停止等待密码输入 (the holder's keypad has no cancel key, RULES Q1), and RULES P5
has the PIN reset at the counter after an ID check. The clerk reads the way there on the
action panel, whole — F3, 核验证件, 重置遗忘密码 (F6) — while that card is in the reader;
the status bar alone said only that the entry was cancelled (new clerk's trial, Xvfb)."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtWidgets import QApplication

from counter_app.services.permissions import ACTION_LABELS, Action

pytestmark = pytest.mark.gui


def test_P5_a_cancelled_pin_entry_shows_the_way_to_reset_a_forgotten_pin(
    window: Any, reader: Any
) -> None:
    reader.insert()
    QApplication.processEvents()
    assert window.pins.keypad.active
    note = window.forgotten_pin_note
    assert not note.isVisible()
    stop = window.stop_pin_wait
    assert stop.isVisible() and window.action_panel.isAncestorOf(stop)
    stop.click()  # the holder forgot the PIN: the clerk stops waiting, the card stays in
    QApplication.processEvents()
    assert not window.pins.keypad.active and not stop.isVisible()
    assert "密码输入已取消" in window.statusBar().currentMessage()
    assert note.isVisible() and note.wordWrap()
    text = note.text()
    assert "F3" in text and "核验证件" in text
    assert ACTION_LABELS[Action.RESET_PIN] in text and "F6" in text
    assert window.action_panel.isAncestorOf(note)  # the action panel, not the status bar
    reader.remove()
    QApplication.processEvents()
    assert not note.isVisible()


def test_P5_the_note_goes_when_another_card_is_inserted(window: Any, reader: Any) -> None:
    reader.insert()
    QApplication.processEvents()
    window.pins.keypad.cancel()
    QApplication.processEvents()
    assert window.forgotten_pin_note.isVisible()
    reader.remove()
    reader.insert()
    QApplication.processEvents()
    assert window.pins.keypad.active and not window.forgotten_pin_note.isVisible()


def test_P5_no_note_when_the_clerk_withdraws_the_pin_request(window: Any, reader: Any) -> None:
    """Only the holder's own cancel: the clerk's withdrawing it (a lift takes the card) is
    no sign of a forgotten PIN."""
    reader.insert()
    QApplication.processEvents()
    window.card_login.cancel()
    QApplication.processEvents()
    assert not window.pins.keypad.active
    assert not window.forgotten_pin_note.isVisible()


def test_Q1_a_holder_who_cancelled_can_type_again_without_pulling_the_card(
    window: Any, reader: Any
) -> None:
    """取消 pressed by mistake: 重新输入密码 offers the keypad again, the card still in."""
    reader.insert()
    QApplication.processEvents()
    window.pins.keypad.cancel()
    QApplication.processEvents()
    retry = window.login_retry.note
    assert retry.isVisible() and "密码输入已取消" in retry.label.text()
    assert "b00020" not in retry.label.styleSheet()  # no fault: not the outage's red
    # First the way back to the keypad, then the way for a forgotten PIN.
    assert retry.geometry().top() < window.forgotten_pin_note.geometry().top()
    assert not window.pins.keypad.active
    retry.button.click()  # asks the services first, then the keypad
    QApplication.processEvents()
    assert window.pins.keypad.active
    assert not retry.isVisible()


def test_Q1_asking_again_clears_the_cancelled_entry_message(window: Any, reader: Any) -> None:
    """After 停止等待密码输入 and 重新输入密码 the keypad asks again: the status bar no longer
    says the entry was cancelled (second trial: it did while the keypad waited)."""
    reader.insert()
    QApplication.processEvents()
    window.stop_pin_wait.click()
    QApplication.processEvents()
    assert "密码输入已取消" in window.statusBar().currentMessage()
    window.login_retry.note.button.click()
    QApplication.processEvents()
    assert window.pins.keypad.active
    assert "密码输入已取消" not in window.statusBar().currentMessage()
