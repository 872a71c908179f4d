"""Opening a holder session by card + PIN (RULES Q1, Q7).

The card's tries left are known before the holder types (read with the identity); the PIN
is asked on the holder keypad (or the reader's PIN pad), and the service is called with it
on the card thread. The buffer is wiped there, in ``finally``, right after the call. A wrong
PIN asks again and says how many tries are left; a blocked PIN ends the attempt with the
card's message (unblock/reset are offered by the action panel).
"""

from __future__ import annotations

from typing import Any

from PyQt6.QtCore import QObject, pyqtSignal

from counter_app.api import CounterServices
from counter_app.services.context import Actor
from counter_app.services.permissions import ACTION_LABELS, Action
from counter_app.ui.keypad import PinRequest
from counter_app.ui.pin_entry import PinEntry
from counter_app.ui.reader_bridge import ReaderBridge
from reader.errors import WrongPin
from reader.pinbuffer import PinBuffer


def card_tail(identity: Any) -> str:
    number = str(getattr(identity, "card_number", "") or "")
    return number[-4:]


def purpose_text(action_label: str, identity: Any) -> str:
    """修改密码 — 卡号尾号 0010 (what the holder authorises, shown on the keypad)."""
    tail = card_tail(identity)
    return f"{action_label} — 卡号尾号 {tail}" if tail else action_label


def run_with_pin(fn: Any, pin: PinBuffer | None) -> Any:
    """Call ``fn(pin)`` and wipe the buffer whatever happens (STYLE.md "PIN entry")."""
    try:
        return fn(pin)
    finally:
        if pin is not None:
            pin.wipe()


class CardLogin(QObject):
    opened = pyqtSignal(object)  # the HolderSession
    failed = pyqtSignal(str)

    def __init__(self, gateway: CounterServices, bridge: ReaderBridge, pin_entry: PinEntry) -> None:
        super().__init__()
        self._gateway = gateway
        self._bridge = bridge
        self._pins = pin_entry
        self._attempt = 0
        self.busy = False

    def start(self, actor: Actor, identity: Any) -> None:
        self._attempt += 1
        self.busy = True
        self._ask(actor, identity, getattr(identity, "pin_tries_left", None), "")

    def cancel(self) -> None:
        self._attempt += 1
        self.busy = False
        self._pins.cancel()
        self._pins.finish()

    def _ask(self, actor: Actor, identity: Any, tries: int | None, message: str) -> None:
        attempt = self._attempt
        request = PinRequest(
            purpose_text(self.tr(ACTION_LABELS[Action.VIEW_RECORDS]), identity),
            self.tr("请输入社保卡密码"),
            tries,
        )
        if self._bridge.has_pin_pad:
            self._pins.show_pinpad(request)
            self._open(actor, identity, None, attempt)
            return
        self._pins.ask(request, lambda pin: self._got_pin(actor, identity, pin, attempt))
        if message:
            self._pins.show_message(message)

    def _got_pin(self, actor: Actor, identity: Any, pin: PinBuffer | None, attempt: int) -> None:
        if attempt != self._attempt:
            if pin is not None:
                pin.wipe()
            return
        if pin is None:
            self.busy = False
            self.failed.emit(self.tr("持卡人取消了密码输入，未打开个人信息。"))
            return
        self._open(actor, identity, pin, attempt)

    def _open(self, actor: Actor, identity: Any, pin: PinBuffer | None, attempt: int) -> None:
        def work(client: Any) -> Any:
            return run_with_pin(lambda p: self._gateway.open_card_session(actor, client, p), pin)

        def done(session: Any) -> None:
            self._pins.finish()
            if attempt != self._attempt:
                return
            self.busy = False
            self.opened.emit(session)

        def failed(error: BaseException) -> None:
            if attempt != self._attempt:
                return
            if isinstance(error, WrongPin) and error.tries_left > 0:
                self._ask(actor, identity, error.tries_left, str(error))
                return
            self._pins.finish()
            self.busy = False
            self.failed.emit(str(error))

        self._bridge.run_card(work, done, failed, name="open_card_session")
