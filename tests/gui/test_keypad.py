"""The holder keypad (RULES Q1): digits go to a PinBuffer, 删除/重置/确认, shuffle, and the
clerk's side never shows a digit or a count."""

from __future__ import annotations

import random
import re
from typing import Any

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QLabel, QLineEdit

from counter_app.ui.keypad import HolderKeypad, PinRequest
from counter_app.ui.pin_entry import PinEntry
from reader.pinbuffer import PinBuffer

pytestmark = pytest.mark.gui
REQ = PinRequest("修改密码 — 卡号尾号 5674", "请输入原密码", 3)


def button(pad: HolderKeypad, digit: str) -> Any:
    return next(b for b in pad.digit_buttons if b.text() == digit)


def type_digits(qtbot: Any, pad: HolderKeypad, digits: str) -> None:
    for d in digits:
        qtbot.mouseClick(button(pad, d), Qt.MouseButton.LeftButton)


def test_digits_go_to_the_buffer_and_confirm_hands_it_over(qtbot: Any) -> None:
    pad = HolderKeypad()
    qtbot.addWidget(pad)
    pad.start(REQ)
    got: list[PinBuffer] = []
    pad.submitted.connect(got.append)
    type_digits(qtbot, pad, "135790")
    assert pad.dots_label.text() == "●●●●●●"
    qtbot.mouseClick(pad.confirm_button, Qt.MouseButton.LeftButton)
    assert len(got) == 1
    assert got[0].matches(PinBuffer.from_keys(b"135790"))
    assert not pad.active  # the keypad no longer holds it
    got[0].wipe()


def test_delete_and_reset(qtbot: Any) -> None:
    pad = HolderKeypad()
    qtbot.addWidget(pad)
    pad.start(REQ)
    got: list[PinBuffer] = []
    pad.submitted.connect(got.append)
    type_digits(qtbot, pad, "999")
    qtbot.mouseClick(pad.reset_button, Qt.MouseButton.LeftButton)
    assert pad.dots_label.text() == "○○○○○○"
    type_digits(qtbot, pad, "1357900")  # the 7th digit is ignored
    qtbot.mouseClick(pad.delete_button, Qt.MouseButton.LeftButton)
    type_digits(qtbot, pad, "1")
    qtbot.mouseClick(pad.confirm_button, Qt.MouseButton.LeftButton)
    assert got[0].matches(PinBuffer.from_keys(b"135791"))


def test_confirm_needs_six_digits(qtbot: Any) -> None:
    pad = HolderKeypad()
    qtbot.addWidget(pad)
    pad.start(REQ)
    got: list[Any] = []
    pad.submitted.connect(got.append)
    type_digits(qtbot, pad, "123")
    qtbot.mouseClick(pad.confirm_button, Qt.MouseButton.LeftButton)
    assert got == []
    assert "6位" in pad.message_label.text()


def test_purpose_and_tries_left_are_shown(qtbot: Any) -> None:
    pad = HolderKeypad()
    qtbot.addWidget(pad)
    pad.start(REQ)
    assert pad.purpose_label.text() == "修改密码 — 卡号尾号 5674"
    assert "3" in pad.tries_label.text()


def test_shuffle_permutes_the_digits(qtbot: Any) -> None:
    pad = HolderKeypad(shuffle=True, rng=random.Random(7))
    qtbot.addWidget(pad)
    orders = set()
    for _ in range(5):
        pad.start(REQ)
        labels = [b.text() for b in pad.digit_buttons]
        assert sorted(labels) == list("0123456789")
        orders.add(tuple(labels))
    assert len(orders) > 1
    assert ("1", "2", "3", "4", "5", "6", "7", "8", "9", "0") not in orders or len(orders) > 2


def test_cancel_wipes_the_buffer(qtbot: Any) -> None:
    pad = HolderKeypad()
    qtbot.addWidget(pad)
    pad.start(REQ)
    type_digits(qtbot, pad, "1357")
    buffer = pad._buffer
    assert buffer is not None and len(buffer) == 4
    with qtbot.waitSignal(pad.cancelled):
        pad.cancel()
    assert len(buffer) == 0
    assert bytes(buffer._digits) == bytes(len(buffer._digits))  # every byte zeroed


def test_numpad_keys_go_to_the_keypad_not_the_clerk_field(qtbot: Any) -> None:
    """The holder's numpad (Qt's KeypadModifier; X11 reports KP_Enter so too)."""
    entry = PinEntry(second_screen=False)
    qtbot.addWidget(entry.panel)
    clerk_field = QLineEdit()
    qtbot.addWidget(clerk_field)
    clerk_field.show()
    clerk_field.setFocus()
    got: list[Any] = []
    entry.ask(REQ, got.append)
    for key in (Qt.Key.Key_1, Qt.Key.Key_3, Qt.Key.Key_5, Qt.Key.Key_7, Qt.Key.Key_9, Qt.Key.Key_0):
        qtbot.keyClick(clerk_field, key, Qt.KeyboardModifier.KeypadModifier)
    assert clerk_field.text() == ""
    qtbot.keyClick(clerk_field, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    assert got and got[0] is not None and got[0].matches(PinBuffer.from_keys(b"135790"))
    got[0].wipe()
    qtbot.keyClick(clerk_field, Qt.Key.Key_4)  # entry over: keys go back to the clerk
    assert clerk_field.text() == "4"


def test_cancelled_entry_calls_back_with_none(qtbot: Any) -> None:
    entry = PinEntry(second_screen=False)
    qtbot.addWidget(entry.panel)
    got: list[Any] = []
    entry.ask(REQ, got.append)
    entry.keypad.press_digit("1")
    entry.cancel()
    assert got == [None]


def test_clerk_window_shows_typing_but_never_digits(qtbot: Any, window: Any) -> None:
    got: list[Any] = []
    window.pins.ask(REQ, got.append)
    assert window.status_bar.typing_label.text() == "持卡人正在输入密码…"
    for d in "13579":
        window.pins.keypad.press_digit(d)
        texts = [
            lab.text()
            for lab in window.findChildren(QLabel)
            if not window.pins.panel.isAncestorOf(lab)
        ]
        texts.append(window.statusBar().currentMessage())
        for text in texts:
            assert not re.search(r"[●*]{1,6}|\b[0-9]{1,6}\s*位", text), text
            assert "13579" not in text
    window.pins.keypad.press_digit("0")
    window.pins.keypad.press_confirm()
    assert window.status_bar.typing_label.text() == ""
    got[0].wipe()


def test_pinpad_variant_says_type_on_the_reader(qtbot: Any) -> None:
    entry = PinEntry(second_screen=False)
    qtbot.addWidget(entry.panel)
    typing: list[bool] = []
    entry.holder_typing.connect(typing.append)
    entry.show_pinpad(REQ)
    assert entry.panel.currentWidget() is entry.panel.pinpad
    assert entry.panel.pinpad.title.text() == "请在读卡器键盘上输入密码"
    assert "卡号尾号 5674" in entry.panel.pinpad.purpose.text()
    entry.finish()
    assert typing == [True, False]


def test_the_bottom_row_keys_line_up_with_the_digit_keys(qtbot: Any) -> None:
    """删除 / 0 / 重置 have the height of the digit keys and share their top and bottom."""
    from counter_app.ui.keypad import HolderKeypad

    pad = HolderKeypad(shuffle=False)
    qtbot.addWidget(pad)
    pad.resize(420, 900)
    pad.show()
    qtbot.waitExposed(pad)
    zero = pad.digit_buttons[9]
    one = pad.digit_buttons[0]
    for key in (pad.delete_button, pad.reset_button):
        assert key.geometry().top() == zero.geometry().top()
        assert key.height() == zero.height()
    assert zero.height() == one.height()


#: The longest texts the keypad shows: the card's refusal after a wrong PIN, and RULES P7's.
LONG_MESSAGES = (
    "密码错误，还可尝试 2 次。请持卡人重新输入；次数用完密码将被锁定，需持有效身份证件办理解锁。",
    "新密码过于简单（不能为 123456、六位相同数字或连续数字）。请重新输入新密码。",
)


@pytest.mark.parametrize("width", [None, 380])  # the keypad's narrowest, the dock's widest
def test_the_keys_stay_put_whatever_message_shows(qtbot: Any, width: int | None) -> None:
    """A trial saw 确认 and the digit rows jump up ~15 px under the holder's finger when a
    refusal wrapped to a second line under 确认. The message area keeps one height, and the
    longest refusal still shows whole in it."""
    from counter_app.ui.workflows.steps import WEAK_NEW_PIN

    pad = HolderKeypad(shuffle=False)
    qtbot.addWidget(pad)
    pad.resize(width or pad.minimumSizeHint().width(), pad.minimumSizeHint().height())
    pad.show()
    qtbot.waitExposed(pad)
    pad.start(REQ)
    keys = (*pad.digit_buttons, pad.delete_button, pad.reset_button, pad.confirm_button)

    def where() -> list[Any]:
        qtbot.wait(10)
        return [key.mapTo(pad, key.rect().topLeft()) for key in keys] + [key.size() for key in keys]

    before = where()
    label = pad.message_label
    for text in (*LONG_MESSAGES, WEAK_NEW_PIN, "请输入6位数字密码", ""):
        pad.show_message(text)
        assert where() == before, text
        assert label.height() >= label.heightForWidth(label.width()), text  # read whole
    qtbot.mouseClick(pad.confirm_button, Qt.MouseButton.LeftButton)  # 请输入6位数字密码
    assert pad.message_label.text() and where() == before
    type_digits(qtbot, pad, "1")  # the message goes as the holder types on
    assert not pad.message_label.text() and where() == before
    pad.start(PinRequest(REQ.purpose, "请输入新密码"))  # the next entry: no tries line
    assert not pad.tries_label.text() and where() == before
