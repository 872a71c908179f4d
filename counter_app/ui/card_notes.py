"""What the clerk is told of the card in the reader while no holder is open (RULES P5,
P6, Q1): the dialog and the action panel's note for a card whose PIN is blocked — at insert,
or by the holder's last wrong try (``CardLogin.pin_blocked``) — the note after the holder
cancelled the PIN entry, and the state the holder view's header says
(:func:`reader_card_status`).
"""

from __future__ import annotations

from typing import Any

from PyQt6.QtWidgets import QLabel, QMessageBox, QPushButton, QWidget

from counter_app.services.errors import VOID_CARD_ERRORS
from counter_app.ui.actions import Situation
from counter_app.ui.app_blocked import show_app_blocked
from counter_app.ui.card_session import card_number
from counter_app.ui.login_retry import install_login_retry


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


class StopPinWait(QPushButton):
    """停止等待密码输入, on the action panel while the holder is asked for the PIN at card
    insert: the holder's keypad has no cancel key (RULES Q1) and the clerk's Esc does not
    reach it, so a holder who forgot the PIN (P5) or walked away is let go here — the card
    stays in the reader (``CardLogin.stop_waiting``)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stopPinWait")
        self.setText(self.tr("停止等待密码输入"))
        self.setAutoDefault(False)
        self.setVisible(False)


def install_stop_pin_wait(window: Any) -> StopPinWait:
    button = StopPinWait()
    window.action_panel.add_note(button)
    login = window.card_login
    button.clicked.connect(login.stop_waiting)

    def follow() -> None:
        button.setVisible(login.can_stop_waiting())

    login.changed.connect(follow)  # every outcome: asking, opened, cancelled, failed…
    window.bridge.card_removed.connect(button.hide)
    return button


def install_pin_blocked(window: Any) -> PinBlockedNote:
    """The dialog when a blocked card is inserted, and the note on the action panel; the
    note for a cancelled PIN entry below it (:class:`ForgottenPinNote`)."""
    # The panel first (F7, the note read the tries left 0): ``changed`` comes before
    # ``pin_blocked`` (``CardLogin._blocked``); then the dialog over it.
    window.card_login.changed.connect(window.refresh_actions)  # and the holder view's header
    window.card_login.pin_blocked.connect(lambda: show_pin_blocked(window))
    window.card_login.app_blocked.connect(lambda: show_app_blocked(window))
    window.stop_pin_wait = install_stop_pin_wait(window)  # right under the buttons
    note = PinBlockedNote()
    window.action_panel.add_note(note)
    # 重新输入密码 first, then the way for a forgotten PIN (after a cancel both are shown).
    window.login_retry = install_login_retry(window)
    window.forgotten_pin_note = install_forgotten_pin(window)
    return note


def reader_card_status(window: Any, situation: Situation) -> str:
    """What is true of the card in the reader while no holder is open, for the holder
    view's header (``HolderView.show_reader_card``): it said 请持卡人输入卡密码 under the
    red notes of a blocked, cancelled-entry or void card (new clerk's trial). "" without a
    card in the reader."""
    if not situation.card_in_reader:
        return ""
    void = situation.reader_card_state or ""
    if void in VOID_CARD_ERRORS:  # RULES R2, U4: it identifies nobody now
        return "card_replaced" if void == "replacement_applied" else "card_cancelled"
    if situation.card_served or getattr(window, "card_left_behind", False):
        return "served"
    if situation.app_blocked:
        return "app_blocked"
    if situation.pin_blocked:
        return "pin_blocked"
    login = window.card_login
    if login.outcome_card != card_number(window.bridge.identity):
        return "present"  # another card came in without a login (a workflow took it)
    return {
        "asking": "asking",
        "cancelled": "entry_cancelled",
        "failed": "failed",
        "interrupted": "interrupted",
    }.get(login.outcome, "present")
