"""Opening a holder session by card + PIN (RULES Q1, Q7).

The card's tries left are known before the holder types (read with the identity); the PIN
is asked on the holder keypad (or the reader's PIN pad), and the service is called with it
on the card thread. The buffer is wiped there, in ``finally``, right after the call. A wrong
PIN asks again and says how many tries are left. A card whose PIN is blocked (tries left 0,
RULES P6) is never put to the holder: the clerk is told plainly in a dialog that the PIN is
locked and that 密码解锁 (F7) follows an ID check, and while that card is in the reader the
action panel says so (:class:`PinBlockedNote`).

The services gone while the holder types (in the city the server is asked before the card's
VERIFY and after it): the outage banner says what the card was told (``LoginInterrupted``:
the PIN not sent, or the card's answer), and the card stays in the reader with a way to try
again (``login_retry``); the PIN is never kept for that retry — the holder types it again.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from PyQt6.QtCore import QObject, pyqtSignal
from PyQt6.QtWidgets import QLabel, QMessageBox, QWidget

from counter_app.api import CounterServices
from counter_app.services.context import Actor
from counter_app.services.errors import DatabaseUnavailable
from counter_app.services.permissions import ACTION_LABELS, Action
from counter_app.ui.app_blocked import show_app_blocked
from counter_app.ui.keypad import PinRequest
from counter_app.ui.login_retry import install_login_retry
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

    def __init__(self, gateway: CounterServices, bridge: ReaderBridge, pin_entry: PinEntry) -> None:
        super().__init__()
        self._gateway = gateway
        self._bridge = bridge
        self._pins = pin_entry
        self._attempt = 0
        self.busy = False

    def start(self, actor: Actor, identity: Any) -> None:
        self._attempt += 1
        tries = getattr(identity, "pin_tries_left", None)
        if tries is not None and tries <= 0:  # nothing the holder types can open it
            self.busy = False
            self.pin_blocked.emit()
            return
        if getattr(identity, "app_state", "ok") == "blocked":  # the service refuses any PIN
            self.busy = False
            self.app_blocked.emit()
            return
        self.busy = True
        self._ask(actor, identity, tries, "")

    def refuse(self, message: str) -> None:
        """The card in the reader cannot log in at all (e.g. cancelled): stop asking for
        its PIN and say why."""
        if self.busy:
            self.cancel()
            self.failed.emit(message)

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
            self.opened.emit(session)

        def failed(error: BaseException) -> None:
            if attempt != self._attempt:
                return
            if isinstance(error, WrongPin) and error.tries_left > 0:
                self._ask(actor, identity, error.tries_left, str(error))
                return
            self._pins.finish()
            self.busy = False
            if isinstance(error, DatabaseUnavailable):
                self._outage(error)
                return
            if isinstance(error, WrongPin):  # the last try was wrong: now blocked
                self.pin_blocked.emit()
                return
            self.failed.emit(str(error))

        self._bridge.run_card(work, done, failed, name="open_card_session")

    def _outage(self, error: DatabaseUnavailable) -> None:
        """The banner says it all; the chip's tries left as the card last said (a wrong PIN
        the server could not record still counted on the card, RULES P6)."""
        tries = getattr(error, "tries_left", None)
        identity = self._bridge.identity
        if isinstance(tries, int) and identity is not None:
            try:
                self._bridge.identity = dataclasses.replace(identity, pin_tries_left=tries)
            except TypeError:  # not a dataclass (a test double): leave it
                pass
        self.interrupted.emit(error)
        if tries == 0:
            self.pin_blocked.emit()


def show_pin_blocked(window: Any) -> None:
    """Tell the clerk, in a dialog, that the card's PIN is locked and what to do (P6)."""
    box = QMessageBox(window)
    box.setObjectName("pinBlockedBox")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(window.tr("卡密码已锁定"))
    box.setText(
        window.tr(
            "该卡密码已锁定（密码错误次数已达上限），不能请持卡人输入密码。"
            "请查询参保人（F3）并核验持卡人的有效身份证件，"
            "然后办理密码解锁（F7）。"
        )
    )
    search = box.addButton(window.tr("查询参保人（F3）"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(window.tr("关闭"), QMessageBox.ButtonRole.RejectRole)

    def answered(_result: int) -> None:
        if box.clickedButton() is search:
            # The holder is looked up by the card number read from the chip (the clerk
            # only checks the ID document next), not by a number typed again.
            number = str(getattr(window.bridge.identity, "card_number", "") or "")
            if number:
                window.search_pane.box.edit.setText(number)
                window.search_pane.box.button.click()
            window.focus_search()

    box.finished.connect(answered)
    window.pin_blocked_box = box
    box.open()


class PinBlockedNote(QLabel):
    """On the action panel while the card in the reader has its PIN blocked (P6): seen
    before and after the ID check, next to 密码解锁 (F7). While a void card is in the
    reader (cancelled, or replaced — RULES R2, U4) it says that instead, whole: the status
    bar cut the service's two sentences off under the staff text, losing what to do (请使用
    新卡，或…按证件核验方式办理), seen in a new clerk's trial."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pinBlockedNote")
        self.setWordWrap(True)
        self.setStyleSheet("color: #b00020; font-weight: bold;")
        self.blocked_text = self.tr("读卡器中的卡密码已锁定：核验身份证件后可办理密码解锁（F7）。")
        self.setText(self.blocked_text)
        self.setVisible(False)

    def show_for(self, card_in_reader: bool, pin_blocked: bool | None, void: str = "") -> None:
        """``void``: why the card in the reader identifies nobody (the service's words)."""
        if card_in_reader and void:
            self.setText(void)
            self.setVisible(True)
            return
        self.setText(self.blocked_text)
        self.setVisible(card_in_reader and pin_blocked is True)


class ForgottenPinNote(QLabel):
    """On the action panel after the holder cancelled the PIN entry of the card in the
    reader: a holder who forgot the PIN has it reset after an ID check (RULES P5), and the
    clerk reads the way there — F3, 核验证件, 重置遗忘密码 (F6). The status bar said only
    that the entry was cancelled (new clerk's trial); the way did not fit there whole.
    Gone when the card leaves or another is inserted, or a holder session opens with it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("forgottenPinNote")
        self.setWordWrap(True)
        self.setStyleSheet("color: #0b4f8a;")
        self.setText(
            self.tr("持卡人忘记密码的：请查询参保人（F3），核验证件后办理重置遗忘密码（F6）。")
        )
        self.setVisible(False)


def install_forgotten_pin(window: Any) -> ForgottenPinNote:
    """The note for a cancelled PIN entry (P5), under the P6 note on the action panel."""
    note = ForgottenPinNote()
    window.action_panel.add_note(note)
    # The note's own slots (not lambdas): the bridge outlives the window (login_retry.py).
    window.card_login.pin_cancelled.connect(note.show)
    for signal in (
        window.card_login.opened,
        window.card_login.pin_blocked,
        window.bridge.card_ready,
        window.bridge.card_removed,
    ):
        signal.connect(note.hide)
    ended = getattr(window, "service_ended", None)
    if ended is not None:
        ended.connect(note.hide)
    return note


def install_pin_blocked(window: Any) -> PinBlockedNote:
    """The dialog when a blocked card is inserted, and the note on the action panel; the
    note for a cancelled PIN entry below it (:class:`ForgottenPinNote`)."""
    window.card_login.pin_blocked.connect(lambda: show_pin_blocked(window))
    window.card_login.app_blocked.connect(lambda: show_app_blocked(window))
    note = PinBlockedNote()
    window.action_panel.add_note(note)
    # 重新输入密码 first, then the way for a forgotten PIN (after a cancel both are shown).
    window.login_retry = install_login_retry(window)
    window.forgotten_pin_note = install_forgotten_pin(window)
    return note
