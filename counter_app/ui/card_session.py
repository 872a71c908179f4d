"""Opening a holder session by card + PIN (RULES Q1, Q7).

The card's tries left are known before the holder types (read with the identity); the PIN
is asked on the holder keypad (or the reader's PIN pad), and the service is called with it
on the card thread. The buffer is wiped there, in ``finally``, right after the call. A wrong
PIN asks again and says how many tries are left. A card whose PIN is blocked (tries left 0,
RULES P6) is never put to the holder: the clerk is told plainly in a dialog that the PIN is
locked and that 密码解锁 (F7) follows an ID check, and while that card is in the reader the
action panel says so (``card_notes.PinBlockedNote``). The holder's last wrong try blocks it
the same way: from then on the window knows the chip's tries left are 0.

The services gone while the holder types (in the city the server is asked before the card's
VERIFY and after it): the outage banner says what the card was told (``LoginInterrupted``:
the PIN not sent, or the card's answer), and the card stays in the reader with a way to try
again (``login_retry``); the PIN is never kept for that retry — the holder types it again.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from PyQt6.QtCore import QObject, pyqtSignal

from counter_app.api import CounterServices
from counter_app.services.context import Actor
from counter_app.services.errors import DatabaseUnavailable, PinBlockedOfferReset
from counter_app.services.permissions import ACTION_LABELS, Action
from counter_app.ui.keypad import PinRequest
from counter_app.ui.pin_entry import PinEntry
from counter_app.ui.reader_bridge import ReaderBridge
from reader.errors import PinBlocked, WrongPin
from reader.pinbuffer import PinBuffer


def card_number(identity: Any) -> str:
    return str(getattr(identity, "card_number", "") or "")


def card_tail(identity: Any) -> str:
    return card_number(identity)[-4:]


def purpose_text(action_label: str, identity: Any) -> str:
    """修改密码 — 卡号尾号 0010 (what the holder authorises, shown on the keypad)."""
    tail = card_tail(identity)
    return f"{action_label} — 卡号尾号 {tail}" if tail else action_label


def run_with_pin(fn: Any, pin: PinBuffer | None) -> Any:
    """Call ``fn(pin)`` and wipe the buffer whatever happens (docs/ARCHITECTURE.md "PIN entry")."""
    try:
        return fn(pin)
    finally:
        if pin is not None:
            pin.wipe()


class CardLogin(QObject):
    opened = pyqtSignal(object)  # the HolderSession
    failed = pyqtSignal(str)
    #: The card's PIN is blocked: the holder is not asked for it (RULES P6).
    pin_blocked = pyqtSignal()
    #: The chip's application is blocked (a lost card): no PIN opens it (``app_blocked``).
    app_blocked = pyqtSignal()
    #: The holder cancelled the PIN entry (perhaps forgotten, RULES P5): ``ForgottenPinNote``.
    pin_cancelled = pyqtSignal()
    #: The services could not be reached: what happened (the card's side told truly,
    #: ``LoginInterrupted``). The card is still in the reader; the login can start again.
    interrupted = pyqtSignal(object)  # the DatabaseUnavailable
    #: :attr:`outcome` changed (the holder view's header follows it, ``reader_card_status``).
    changed = pyqtSignal()

    def __init__(self, gateway: CounterServices, bridge: ReaderBridge, pin_entry: PinEntry) -> None:
        super().__init__()
        self._gateway = gateway
        self._bridge = bridge
        self._pins = pin_entry
        self._attempt = 0
        self.busy = False
        #: How the login of the card in the reader stands: "" (none started), ``asking``,
        #: ``opened``, ``cancelled`` (by the holder), ``pin_blocked``, ``app_blocked``,
        #: ``interrupted`` (an outage), ``failed`` (refused otherwise).
        self.outcome = ""
        #: The card number of the card :attr:`outcome` is about.
        self.outcome_card = ""

    def _set_outcome(self, outcome: str) -> None:
        self.outcome = outcome
        self.outcome_card = card_number(self._bridge.identity)
        self.changed.emit()

    def start(self, actor: Actor, identity: Any) -> None:
        self._attempt += 1
        tries = getattr(identity, "pin_tries_left", None)
        if tries is not None and tries <= 0:  # nothing the holder types can open it
            self._blocked()
            return
        if getattr(identity, "app_state", "ok") == "blocked":  # the service refuses any PIN
            self.busy = False
            self._set_outcome("app_blocked")
            self.app_blocked.emit()
            return
        self.busy = True
        self._set_outcome("asking")
        self._ask(actor, identity, tries, "")

    def _blocked(self) -> None:
        """The card's PIN is blocked (P6) — at insert, or by the holder's last wrong try:
        the chip's tries left are 0 from now on (the action panel and F7 read them), and
        the clerk is told as for a card inserted blocked (``show_pin_blocked``)."""
        self.busy = False
        self._remember_tries(0)
        self._set_outcome("pin_blocked")
        self.pin_blocked.emit()

    def refuse(self, message: str) -> None:
        """The card in the reader cannot log in at all (e.g. cancelled): stop asking for
        its PIN and say why."""
        if self.busy:
            self.cancel()
            self.failed.emit(message)

    def cancel(self) -> None:
        self._attempt += 1
        self.busy = False
        self.outcome = ""
        self._pins.cancel()
        self._pins.finish()

    def can_stop_waiting(self) -> bool:
        """The holder is asked for the PIN on the keypad at card insert (not on a reader's
        own PIN pad, which the PC cannot stop)."""
        return self.outcome == "asking" and not self._bridge.has_pin_pad

    def stop_waiting(self) -> None:
        """The clerk stops waiting for the PIN (the holder forgot it, or walked away): the
        entry is cancelled, nothing reaches the card, the card stays in the reader and
        重新输入密码 can ask again (Q1). The holder's keypad has no cancel key (Q1: 删除,
        重置, 确认) and the clerk's Esc no longer reaches it (``keypad.handle_key``)."""
        if self.can_stop_waiting():
            self._pins.cancel()

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
            self._set_outcome("cancelled")
            self.failed.emit(self.tr("密码输入已取消，未打开个人信息。"))
            self.pin_cancelled.emit()
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
            self._set_outcome("opened")
            self.opened.emit(session)

        def failed(error: BaseException) -> None:
            if attempt != self._attempt:
                return
            if isinstance(error, WrongPin) and error.tries_left > 0:
                self._remember_tries(error.tries_left)
                self._ask(actor, identity, error.tries_left, str(error))
                return
            self._pins.finish()
            self.busy = False
            if isinstance(error, DatabaseUnavailable):
                self._outage(error)
                return
            # The last try was wrong (the card answers 63C0 / 6983, the services
            # ``PinBlockedOfferReset`` — on one machine and through counter-server alike):
            # blocked now, exactly as a card inserted blocked (RULES P6).
            if isinstance(error, WrongPin | PinBlocked | PinBlockedOfferReset):
                self._blocked()
                return
            self._set_outcome("failed")
            self.failed.emit(str(error))

        self._bridge.run_card(work, done, failed, name="open_card_session")

    def _remember_tries(self, tries: int) -> None:
        """The chip's tries left as the card last said them (RULES P6): the identity read
        at insert is what the window asks (F7, the P6 note), and it said 3 until the card
        was pulled and inserted again."""
        identity = self._bridge.identity
        if identity is None or getattr(identity, "pin_tries_left", None) == tries:
            return
        try:
            self._bridge.identity = dataclasses.replace(identity, pin_tries_left=tries)
        except TypeError:  # not a dataclass (a test double): leave it
            pass

    def _outage(self, error: DatabaseUnavailable) -> None:
        """The banner says it all; the chip's tries left as the card last said (a wrong PIN
        the server could not record still counted on the card, RULES P6)."""
        tries = getattr(error, "tries_left", None)
        if isinstance(tries, int):
            self._remember_tries(tries)
        self._set_outcome("interrupted")
        self.interrupted.emit(error)
        if tries == 0:
            self._blocked()
