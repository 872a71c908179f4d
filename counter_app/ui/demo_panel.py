"""Demo mode's stand-in for the counter's card reader: insert or remove any demo card, and
(checkbox 模拟读卡器密码键盘) the reader's own PIN pad.

Insert/remove go to the in-process emulator's transport and are then reported to the
``ReaderBridge`` exactly as a PC/SC monitor would report them.

The simulated PIN pad is the part-10 pad of ``InProcessTransport``: the emulator calls
:meth:`DemoPinPad.read` on the card thread when the card client sends VERIFY/MODIFY through
the pad; the call blocks until the digits are typed on this panel (the "reader's keys") and
returns them in a ``PinBuffer`` that the emulator wipes. The digits never pass through the
workstation's own PIN entry, the service interface or the services — as with a real PIN-pad reader.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from PyQt6.QtCore import QObject, pyqtSignal
from PyQt6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter_app.ui.reader_bridge import ReaderBridge
from reader.errors import PinEntryTimeout
from reader.pinbuffer import DEFAULT_PIN_DIGITS, PinBuffer

#: How long the simulated pad waits for the holder (the PIN_VERIFY_STRUCTURE timeout).
PAD_TIMEOUT_S = 60.0


class DemoPinPad(QObject):
    """The simulated reader PIN pad's keys and display. ``read(prompt)`` is the emulator's
    ``PinPadInput``: called on the card thread, answered on the GUI thread."""

    _asked = pyqtSignal(str)
    _ended = pyqtSignal()
    #: The pad's display text (prompt), "" when idle; for the panel.
    prompt_changed = pyqtSignal(str)

    def __init__(self, timeout_s: float = PAD_TIMEOUT_S) -> None:
        super().__init__()
        self.timeout_s = timeout_s
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._buffer: PinBuffer | None = None
        self._result: PinBuffer | None = None
        self.waiting = False
        self._asked.connect(self._start)
        self._ended.connect(lambda: self.prompt_changed.emit(""))

    # -- card thread -------------------------------------------------------------------

    def read(self, prompt: str) -> PinBuffer | None:
        with self._lock:
            self._done.clear()
            self._result = None
            self._asked.emit(prompt)
            try:
                if not self._done.wait(self.timeout_s):
                    raise PinEntryTimeout()
                result, self._result = self._result, None
                return result
            finally:
                self._ended.emit()

    # -- GUI thread --------------------------------------------------------------------

    def _start(self, prompt: str) -> None:
        self._drop()
        self._buffer = PinBuffer()
        self.waiting = True
        self.prompt_changed.emit(prompt)

    def press(self, digit: str) -> None:
        if self._buffer is not None:
            self._buffer.append(digit)
            self.prompt_changed.emit("●" * len(self._buffer))  # the pad's own display

    def clear(self) -> None:
        if self._buffer is not None:
            self._buffer.clear()
            self.prompt_changed.emit("")

    def confirm(self) -> None:
        if self._buffer is None:
            return
        self._result, self._buffer = self._buffer, None
        self.waiting = False
        self._done.set()

    def cancel(self) -> None:
        """The pad's cancel key (also: card pulled, window closed)."""
        self._drop()
        if self.waiting:
            self.waiting = False
            self._result = None
            self._done.set()

    def type_pin(self, digits: str) -> None:
        """Tests and scripts: press each digit, then OK."""
        for digit in digits:
            self.press(digit)
        self.confirm()

    def _drop(self) -> None:
        if self._buffer is not None:
            self._buffer.wipe()
            self._buffer = None


def card_label(profile: dict[str, Any], note: str = "", now: dict[str, Any] | None = None) -> str:
    """The demo list's line for a card: its starting ``profile``; ``now``: the emulated
    card's profile as it is now, once it has been in the reader (PIN changed, blocked)."""
    name = profile.get("name", "")
    number = profile.get("card_number", "")
    pin = profile.get("pin", "")
    text = f"{name}  卡号 {number}"
    # The PIN changed or reset during the demo (P3, P5) comes first: the narrow panel cuts
    # the line after the starting PIN: the changed one was off the screen (a trial).
    if now is not None and pin and now.get("pin", pin) != pin:
        text += f"  现密码 {now['pin']}（演示中已改）"
    if pin:  # the PIN the demo starts with: a holder may have changed it since (P3)
        # 初始密码 is the issued 123456 (RULES P1) and nothing else: a card whose demo
        # PIN was changed before the demo (李秀英, 135790) is not labelled with that word.
        issued = pin.encode() == DEFAULT_PIN_DIGITS
        text += f"  初始密码 {pin}" if issued else f"  演示起始密码 {pin}"
    if now is not None:
        profile = now
    if profile.get("app_state", "ok") != "ok":
        text += "  [应用锁定]"
    if int(profile.get("pin_tries_left", 3)) == 0:
        text += "  [密码已锁]"
    return text + (f"  — {note}" if note else "")


class DemoCardsPanel(QWidget):
    """``cards``: (profile dict, note) pairs; ``make_card(profile)`` -> EmulatedCard."""

    def __init__(
        self,
        transport: Any,
        bridge: ReaderBridge,
        cards: Sequence[tuple[dict[str, Any], str]],
        make_card: Any,
        parent: QWidget | None = None,
        pinpad: DemoPinPad | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("demoCards")
        self._transport = transport
        self._bridge = bridge
        self._make_card = make_card
        self._profiles = [p for p, _ in cards]
        self._notes = [n for _, n in cards]
        self._in_reader: int | None = None
        self._cards: dict[int, Any] = {}  # the emulated card keeps its PIN and counter
        self.list = QListWidget()
        self.list.setObjectName("demoCardList")
        for profile, note in cards:
            self.list.addItem(card_label(profile, note))
            item = self.list.item(self.list.count() - 1)
            if item is not None:  # the whole line where the narrow panel cuts it off
                item.setToolTip(card_label(profile, note))
        self.insert_button = QPushButton(self.tr("插入所选卡"))
        self.remove_button = QPushButton(self.tr("拔出卡"))
        self.insert_button.clicked.connect(self.insert_selected)
        self.remove_button.clicked.connect(self.remove)
        self.list.itemDoubleClicked.connect(lambda _i: self.insert_selected())
        self.current = QLabel(self.tr("读卡器中没有卡"))
        self.current.setObjectName("demoCardInReader")
        self.current.setWordWrap(True)  # never widens the panel (and the window) past the screen
        buttons = QHBoxLayout()
        buttons.addWidget(self.insert_button)
        buttons.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("演示卡（模拟持卡人插卡）：")))
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.current)
        self.pinpad = pinpad
        self.pinpad_toggle = QCheckBox(self.tr("模拟读卡器密码键盘"))
        self.pinpad_toggle.setObjectName("demoPinPadToggle")
        self.pinpad_toggle.setToolTip(
            self.tr(
                "勾选后读卡器自带密码键盘：持卡人在下方的“读卡器键盘”上输入密码，密码不经过电脑。"
            )
        )
        self.pinpad_toggle.setEnabled(pinpad is not None)
        self.pinpad_toggle.toggled.connect(self.set_pinpad)
        layout.addWidget(self.pinpad_toggle)
        self.pad_box = QGroupBox(self.tr("读卡器键盘"))
        self.pad_display = QLabel()
        self.pad_display.setObjectName("demoPinPadDisplay")
        grid = QGridLayout(self.pad_box)
        grid.addWidget(self.pad_display, 0, 0, 1, 3)
        for i, key in enumerate("123456789"):
            grid.addWidget(self._key(key), 1 + i // 3, i % 3)
        grid.addWidget(self._key(self.tr("清除"), "clear"), 4, 0)
        grid.addWidget(self._key("0"), 4, 1)
        grid.addWidget(self._key(self.tr("确认"), "ok"), 4, 2)
        grid.addWidget(self._key(self.tr("取消"), "cancel"), 5, 0, 1, 3)
        self.pad_box.setVisible(False)
        layout.addWidget(self.pad_box)
        if pinpad is not None:
            pinpad.prompt_changed.connect(self.pad_display.setText)
        if cards:
            self.list.setCurrentRow(0)

    def _key(self, text: str, kind: str = "") -> QPushButton:
        button = QPushButton(text)
        pad = self.pinpad
        if pad is not None:
            if kind == "ok":
                button.clicked.connect(pad.confirm)
            elif kind == "clear":
                button.clicked.connect(pad.clear)
            elif kind == "cancel":
                button.clicked.connect(pad.cancel)
            else:
                button.clicked.connect(lambda _c=False, d=text: pad.press(d))
        return button

    def set_pinpad(self, on: bool) -> None:
        """The reader has (on) or has not (off) its own PIN pad from now on."""
        if self.pinpad is None:
            return
        if self.pinpad_toggle.isChecked() != on:
            self.pinpad_toggle.setChecked(on)  # -> toggled -> here again
            return
        self._bridge.has_pin_pad = on
        self.pad_box.setVisible(on)
        if not on:
            self.pinpad.cancel()

    def insert(self, row: int) -> None:
        if self._transport.card is not None:
            self.remove()
        card = self._cards.get(row)
        if card is None:
            card = self._cards[row] = self._make_card(self._profiles[row])
        self._transport.insert(card)
        self._in_reader = row
        profile = self._profiles[row]
        self.current.setText(
            self.tr("读卡器中：") + f"{profile.get('name', '')}  {profile.get('card_number', '')}"
        )
        self._bridge.notify_inserted()

    def insert_selected(self) -> None:
        row = self.list.currentRow()
        if row >= 0:
            self.insert(row)

    def remove(self) -> None:
        if self._transport.card is None:
            return
        if self.pinpad is not None:
            self.pinpad.cancel()  # the holder walked away mid-entry
        self._transport.remove()
        self.current.setText(self.tr("读卡器中没有卡"))
        self._relabel()
        self._bridge.notify_removed()

    def _relabel(self) -> None:
        """The card that left the reader: its line says what the demo did to it."""
        row, self._in_reader = self._in_reader, None
        card = self._cards.get(row) if row is not None else None
        item = self.list.item(row) if row is not None else None
        if row is None or card is None or item is None or not hasattr(card, "to_profile"):
            return
        text = card_label(self._profiles[row], self._notes[row], card.to_profile())
        item.setText(text)
        item.setToolTip(text)
