"""The holder-facing keypad (RULES Q1): large digits, masked dots, 删除 / 重置 / 确认.

Digits go straight from the key into a :class:`reader.pinbuffer.PinBuffer` — never into a
``str``, a ``QLineEdit`` or a log — and the buffer is handed to whoever asked for the PIN
(who wipes it after the APDU) or wiped here when the entry is cancelled. The widget shows
what is being authorised and the tries left. It never tells the clerk's side anything but
"an entry is in progress" (see :mod:`counter_app.ui.pin_entry`).

Physical keys reach the PIN only from a numeric keypad (the holder's USB numpad at the
counter): Qt marks those with ``KeypadModifier``. The clerk's main keyboard never types
into the PIN, not even while this widget has the focus.

The keys stay where they are whatever message shows: the message has a fixed area under
确认, tall enough for the longest refusal at the keypad's narrowest (a wrapping message
used to push 确认 and the digit rows up under the holder's finger); a blank tries line keeps
its line too.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtGui import QFont, QKeyEvent
from PyQt6.QtWidgets import QGridLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from reader.pinbuffer import PinBuffer

PIN_DIGITS = 6  # RULES P1: holders' passwords are 6 digits
DIGIT_KEYS = {getattr(Qt.Key, f"Key_{d}"): str(d) for d in range(10)}
#: The numpad's digit keys with NumLock off (X11 KP_Insert … KP_Prior; KP_Begin is Qt's
#: Key_Clear): the holder pressed the key printed 0 … 9, whatever the NumLock light says.
NUMLOCK_OFF_DIGITS = {
    Qt.Key.Key_Insert: "0",
    Qt.Key.Key_End: "1",
    Qt.Key.Key_Down: "2",
    Qt.Key.Key_PageDown: "3",
    Qt.Key.Key_Left: "4",
    Qt.Key.Key_Clear: "5",
    Qt.Key.Key_Right: "6",
    Qt.Key.Key_Home: "7",
    Qt.Key.Key_Up: "8",
    Qt.Key.Key_PageUp: "9",
}
#: The numpad's ./Del key (KP_Decimal with NumLock on, KP_Delete with it off; some numpads
#: print a comma): 删除, the last digit. Backspace too, should a numpad report one as such.
NUMPAD_DELETE_KEYS = (Qt.Key.Key_Period, Qt.Key.Key_Comma, Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
#: Lines of text the message area under 确认 holds (the card's 密码错误… takes three at the
#: keypad's narrowest); the area keeps this height empty or full.
MESSAGE_LINES = 3


def is_numpad_key(event: QKeyEvent) -> bool:
    """True for a key of a numeric keypad (Qt's ``KeypadModifier``). On X11 that is every
    KP_ keysym; a numpad's own Esc or Backspace key, where it has one, sends the main
    keyboard's code and is not told apart here."""
    return bool(event.modifiers() & Qt.KeyboardModifier.KeypadModifier)


@dataclass(frozen=True)
class PinRequest:
    """What the holder is asked for: ``purpose`` (what is authorised, e.g. 修改密码 — 卡号尾号
    0010), ``prompt`` (which entry: 请输入原密码 …) and the card's tries left, if known."""

    purpose: str
    prompt: str
    tries_left: int | None = None


class HolderKeypad(QWidget):
    """On-screen PIN keypad. ``submitted`` carries the filled ``PinBuffer``: the receiver
    owns it from then on and must wipe it. ``cancelled`` means the buffer was wiped here."""

    submitted = pyqtSignal(object)
    cancelled = pyqtSignal()

    def __init__(
        self,
        shuffle: bool = False,
        rng: random.Random | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("holderKeypad")
        self._shuffle = shuffle
        self._rng = rng or random.SystemRandom()
        self._buffer: PinBuffer | None = None
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        big = QFont()
        big.setPointSize(20)
        self.purpose_label = QLabel()
        self.purpose_label.setObjectName("keypadPurpose")
        self.purpose_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.purpose_label.setWordWrap(True)
        self.prompt_label = QLabel()
        self.prompt_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.prompt_label.setFont(big)
        self.dots_label = QLabel()
        self.dots_label.setObjectName("keypadDots")
        self.dots_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        dots_font = QFont()
        dots_font.setPointSize(28)
        self.dots_label.setFont(dots_font)
        self.tries_label = QLabel()
        self.tries_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # One line, shown or blank: the new-PIN entries (no tries) start the keys where
        # the old-PIN entry (还可尝试 N 次) had them.
        for label in (self.purpose_label, self.tries_label):
            label.setMinimumHeight(label.fontMetrics().lineSpacing())
        self.message_label = QLabel()
        self.message_label.setObjectName("keypadMessage")
        self.message_label.setStyleSheet("color: #b00020;")
        # A refusal is read whole by the holder (one line was cut at both ends of the dock),
        # in an area of one height, so that it never moves the keys (see the module).
        self.message_label.setWordWrap(True)
        self.message_label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        margins = self.message_label.contentsMargins()
        self.message_label.setFixedHeight(
            MESSAGE_LINES * self.message_label.fontMetrics().lineSpacing()
            + margins.top()
            + margins.bottom()
        )

        self.digit_buttons: list[QPushButton] = []
        for _ in range(10):
            button = QPushButton()
            button.setFont(big)
            button.setMinimumSize(88, 72)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _c=False, b=button: self.press_digit(b.text()))
            self.digit_buttons.append(button)
        self.delete_button = self._command(self.tr("删除"), self.press_delete, big)
        self.reset_button = self._command(self.tr("重置"), self.press_reset, big)
        self.confirm_button = self._command(self.tr("确认"), self.press_confirm, big)
        for key in (self.delete_button, self.reset_button):  # sized like the digit keys
            key.setMinimumSize(88, 72)
            key.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.confirm_button.setObjectName("keypadConfirm")
        self.confirm_button.setStyleSheet("background: #1b7f3b; color: white;")

        grid = QGridLayout()
        for index, button in enumerate(self.digit_buttons[:9]):
            grid.addWidget(button, index // 3, index % 3)
        grid.addWidget(self.delete_button, 3, 0)
        grid.addWidget(self.digit_buttons[9], 3, 1)
        grid.addWidget(self.reset_button, 3, 2)
        grid.addWidget(self.confirm_button, 4, 0, 1, 3)

        layout = QVBoxLayout(self)
        for label in (self.purpose_label, self.prompt_label, self.dots_label, self.tries_label):
            layout.addWidget(label)
        layout.addLayout(grid)
        layout.addWidget(self.message_label)
        self._label_digits()
        self._refresh()

    def _command(self, text: str, slot: Callable[[], None], font: QFont) -> QPushButton:
        button = QPushButton(text)
        button.setFont(font)
        button.setMinimumHeight(72)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.clicked.connect(slot)
        return button

    def _label_digits(self) -> None:
        digits = [str(d) for d in (1, 2, 3, 4, 5, 6, 7, 8, 9, 0)]
        if self._shuffle:
            self._rng.shuffle(digits)
        for button, digit in zip(self.digit_buttons, digits, strict=True):
            button.setText(digit)

    # -- the entry ----------------------------------------------------------------------

    def start(self, request: PinRequest) -> None:
        """Begin a fresh entry (a new empty buffer; keys reshuffled when enabled)."""
        self._drop_buffer()
        self._buffer = PinBuffer(PIN_DIGITS)
        self.purpose_label.setText(request.purpose)
        self.prompt_label.setText(request.prompt)
        if request.tries_left is None:
            self.tries_label.setText("")
        else:
            self.tries_label.setText(self.tr("还可尝试 %n 次", "", request.tries_left))
        self.message_label.setText("")
        self._label_digits()
        self._refresh()

    @property
    def active(self) -> bool:
        return self._buffer is not None

    def press_digit(self, digit: str) -> None:
        if self._buffer is None:
            return
        self.message_label.setText("")
        self._buffer.append(digit)  # full: the extra key is ignored
        self._refresh()

    def press_delete(self) -> None:
        if self._buffer is not None:
            self._buffer.delete()
            self._refresh()

    def press_reset(self) -> None:
        if self._buffer is not None:
            self._buffer.clear()
            self._refresh()

    def press_confirm(self) -> None:
        buffer = self._buffer
        if buffer is None:
            return
        if len(buffer) != PIN_DIGITS:
            self.message_label.setText(self.tr("请输入6位数字密码"))
            return
        self._buffer = None  # ownership passes to the receiver, who wipes it
        self._refresh()
        self.submitted.emit(buffer)

    def cancel(self) -> None:
        """End the entry without a PIN: the buffer is wiped."""
        was_active = self._buffer is not None
        self._drop_buffer()
        self._refresh()
        if was_active:
            self.cancelled.emit()

    def show_message(self, text: str) -> None:
        self.message_label.setText(text)

    def _drop_buffer(self) -> None:
        if self._buffer is not None:
            self._buffer.wipe()
            self._buffer = None

    def _refresh(self) -> None:
        typed = len(self._buffer) if self._buffer is not None else 0
        self.dots_label.setText("●" * typed + "○" * (PIN_DIGITS - typed))
        for button in (*self.digit_buttons, self.delete_button, self.reset_button):
            button.setEnabled(self._buffer is not None)
        self.confirm_button.setEnabled(self._buffer is not None)

    # -- physical keys ------------------------------------------------------------------

    def handle_key(self, event: QKeyEvent) -> bool:
        """Press the keypad key a numpad key stands for (digits, ./Del = 删除, Enter =
        确认); True when it did. A key of the main keyboard (no ``KeypadModifier``) is never
        taken: the clerk's typing must not reach the PIN. There is no cancel key: ending the
        entry is the clerk's (the workflow's) decision, and Esc cannot be told apart."""
        if self._buffer is None or not is_numpad_key(event):
            return False
        key = event.key()
        if key in DIGIT_KEYS:
            self.press_digit(DIGIT_KEYS[Qt.Key(key)])
        elif key in NUMLOCK_OFF_DIGITS:
            self.press_digit(NUMLOCK_OFF_DIGITS[Qt.Key(key)])
        elif key in NUMPAD_DELETE_KEYS:
            self.press_delete()
        elif key in (Qt.Key.Key_Enter, Qt.Key.Key_Return):
            self.press_confirm()
        else:
            return False
        return True

    def keyPressEvent(self, event: QKeyEvent | None) -> None:  # Qt's name
        if event is not None and self.handle_key(event):
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: object) -> None:  # Qt's name
        self._drop_buffer()
        super().closeEvent(event)  # type: ignore[arg-type]
