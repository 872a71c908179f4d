"""Which physical keys reach the holder's PIN (RULES P1–P7: the holder types their own PIN,
the clerk never sees it, and never types it either). Only a numeric keypad's keys — the
holder's numpad at the counter, marked ``KeypadModifier`` by Qt — go to the keypad while an
entry is open; the clerk's main keyboard goes to the clerk's window as always.

A new clerk's trial: "123" typed into the 修改卡密码 dialog showed three dots in the holder's
PIN, and the clerk's Enter and Esc confirmed or cancelled the holder's entry."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QAction, QKeySequence
from PyQt6.QtWidgets import QDialog, QLineEdit, QPushButton, QVBoxLayout, QWidget

from counter_app.ui.keypad import HolderKeypad, PinRequest
from counter_app.ui.pin_entry import PinEntry
from reader.pinbuffer import PinBuffer

pytestmark = pytest.mark.gui
REQ = PinRequest("修改密码 — 卡号尾号 5674", "请输入原密码", 3)
NUMPAD = Qt.KeyboardModifier.KeypadModifier


def open_entry(qtbot: Any) -> tuple[PinEntry, QLineEdit, list[PinBuffer | None]]:
    """An open entry beside a clerk field that has the focus."""
    entry = PinEntry(second_screen=False)
    qtbot.addWidget(entry.panel)
    clerk_field = QLineEdit()
    qtbot.addWidget(clerk_field)
    clerk_field.show()
    clerk_field.setFocus()
    got: list[PinBuffer | None] = []
    entry.ask(REQ, got.append)
    return entry, clerk_field, got


def numpad_pin(qtbot: Any, target: Any, digits: str) -> None:
    for d in digits:
        qtbot.keyClick(target, getattr(Qt.Key, f"Key_{d}"), NUMPAD)


def test_P1_the_clerks_digits_go_to_the_clerk_field_never_into_the_pin(qtbot: Any) -> None:
    entry, clerk_field, got = open_entry(qtbot)
    qtbot.keyClicks(clerk_field, "123")
    assert clerk_field.text() == "123"
    assert entry.keypad.dots_label.text() == "○○○○○○"
    qtbot.keyClick(clerk_field, Qt.Key.Key_Backspace)  # the clerk's field, not the PIN
    assert clerk_field.text() == "12"
    numpad_pin(qtbot, clerk_field, "13")
    qtbot.keyClick(clerk_field, Qt.Key.Key_Backspace)
    qtbot.keyClick(clerk_field, Qt.Key.Key_Delete)
    assert entry.keypad.dots_label.text() == "●●○○○○"  # the holder's two digits stay
    assert clerk_field.text() == "1"
    assert got == [] and entry.keypad.active


def test_P1_the_clerks_enter_and_esc_neither_confirm_nor_cancel_the_holders_entry(
    qtbot: Any,
) -> None:
    entry, clerk_field, got = open_entry(qtbot)
    numpad_pin(qtbot, clerk_field, "135790")
    for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape):
        qtbot.keyClick(clerk_field, key)
    assert got == [] and entry.keypad.active
    assert entry.keypad.dots_label.text() == "●●●●●●"
    qtbot.keyClick(clerk_field, Qt.Key.Key_Enter, NUMPAD)  # the numpad's Enter: 确认
    assert len(got) == 1 and got[0] is not None
    assert got[0].matches(PinBuffer.from_keys(b"135790"))
    got[0].wipe()


def test_P1_the_clerks_keys_at_a_focused_keypad_do_not_type_either(qtbot: Any) -> None:
    """The keypad takes the focus when clicked beside its keys; the clerk's keyboard then
    still types nothing into the PIN."""
    pad = HolderKeypad()
    qtbot.addWidget(pad)
    pad.show()
    pad.start(REQ)
    got: list[Any] = []
    pad.submitted.connect(got.append)
    for key in (Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3):
        qtbot.keyClick(pad, key)
    assert pad.dots_label.text() == "○○○○○○"
    numpad_pin(qtbot, pad, "246801")
    qtbot.keyClick(pad, Qt.Key.Key_Return)
    assert got == []
    qtbot.keyClick(pad, Qt.Key.Key_Enter, NUMPAD)
    assert len(got) == 1 and got[0].matches(PinBuffer.from_keys(b"246801"))
    got[0].wipe()


def test_P1_a_clerk_dialogs_keys_stay_in_the_dialog(qtbot: Any) -> None:
    """The trial's case: a dialog with a default button has the focus while the holder types."""
    entry = PinEntry(second_screen=False)
    qtbot.addWidget(entry.panel)
    dialog = QDialog()
    qtbot.addWidget(dialog)
    edit = QLineEdit(dialog)
    ok = QPushButton("确定", dialog)
    ok.setDefault(True)
    ok.clicked.connect(dialog.accept)
    layout = QVBoxLayout(dialog)
    layout.addWidget(edit)
    layout.addWidget(ok)
    dialog.show()
    edit.setFocus()
    got: list[Any] = []
    entry.ask(REQ, got.append)
    numpad_pin(qtbot, edit, "8024")
    qtbot.keyClick(edit, Qt.Key.Key_Enter, NUMPAD)  # the holder's Enter: not the dialog's
    assert dialog.isVisible() and edit.text() == ""
    assert "请输入6位数字密码" in entry.keypad.message_label.text()
    qtbot.keyClicks(edit, "123")
    assert edit.text() == "123"
    assert entry.keypad.dots_label.text() == "●●●●○○"
    qtbot.keyClick(edit, Qt.Key.Key_Return)  # the clerk's Enter: the dialog's 确定
    assert dialog.result() == QDialog.DialogCode.Accepted and not dialog.isVisible()
    assert got == [] and entry.keypad.active
    entry.cancel()
    assert got == [None]


def test_a_numpad_key_never_lands_in_a_clerk_field(qtbot: Any) -> None:
    entry, clerk_field, got = open_entry(qtbot)
    qtbot.keyClick(clerk_field, Qt.Key.Key_5, NUMPAD)
    for key in (Qt.Key.Key_Plus, Qt.Key.Key_Minus, Qt.Key.Key_Asterisk, Qt.Key.Key_Slash):
        qtbot.keyClick(clerk_field, key, NUMPAD)  # no use on the keypad; not the clerk's
    assert clerk_field.text() == ""
    assert entry.keypad.dots_label.text() == "●○○○○○"
    entry.cancel()
    qtbot.keyClick(clerk_field, Qt.Key.Key_Plus, NUMPAD)  # entry over: the clerk's own again
    assert clerk_field.text() == "+"


def test_a_numpad_key_fires_no_clerk_shortcut_while_the_holder_types(qtbot: Any) -> None:
    entry = PinEntry(second_screen=False)
    qtbot.addWidget(entry.panel)
    clerk_window = QWidget()
    qtbot.addWidget(clerk_window)
    clerk_button = QPushButton("业务", clerk_window)
    fired: list[bool] = []
    shortcut = QAction(clerk_window)
    shortcut.setShortcut(QKeySequence("5"))
    shortcut.triggered.connect(lambda _c=False: fired.append(True))
    clerk_window.addAction(shortcut)
    clerk_window.show()
    clerk_window.activateWindow()
    qtbot.waitUntil(clerk_window.isActiveWindow)  # a window's shortcuts need it active
    clerk_button.setFocus()
    entry.ask(REQ, lambda pin: None)
    qtbot.keyClick(clerk_button, Qt.Key.Key_5, NUMPAD)
    assert fired == [] and entry.keypad.dots_label.text() == "●○○○○○"
    entry.cancel()
    qtbot.keyClick(clerk_button, Qt.Key.Key_5, NUMPAD)  # entry over: the shortcut works
    assert fired == [True]


def test_numpad_del_deletes_and_numlock_off_digits_still_type(qtbot: Any) -> None:
    entry, clerk_field, got = open_entry(qtbot)
    numpad_pin(qtbot, clerk_field, "99")
    qtbot.keyClick(clerk_field, Qt.Key.Key_Period, NUMPAD)  # ./Del, NumLock on: 删除
    qtbot.keyClick(clerk_field, Qt.Key.Key_Delete, NUMPAD)  # the same key, NumLock off
    assert entry.keypad.dots_label.text() == "○○○○○○"
    # NumLock off: the keys printed 1 3 5 7 9 0 send End, PgDn, Begin(Clear), Home, PgUp, Ins.
    for key in (
        Qt.Key.Key_End,
        Qt.Key.Key_PageDown,
        Qt.Key.Key_Clear,
        Qt.Key.Key_Home,
        Qt.Key.Key_PageUp,
        Qt.Key.Key_Insert,
    ):
        qtbot.keyClick(clerk_field, key, NUMPAD)
    qtbot.keyClick(clerk_field, Qt.Key.Key_Enter, NUMPAD)
    assert len(got) == 1 and got[0] is not None
    assert got[0].matches(PinBuffer.from_keys(b"135790"))
    got[0].wipe()
