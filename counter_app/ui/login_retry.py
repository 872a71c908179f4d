"""重新输入密码: a card login cut short by an outage — or by the holder's 取消 on the keypad —
tried again with the card in the reader.

When the services cannot be reached while the holder types the PIN at card insert (RULES
Q1; in the city the server is asked before the card's VERIFY and after it), the window's
outage banner says what happened and what the card was told (``LoginInterrupted``), and
this note on the action panel keeps that truth once the banner is gone, with a button to
try again — without pulling the card.

The retry is safe for the card's try counter: the PIN typed before is gone (it lived only
in the wiped buffer of that one VERIFY), so nothing is sent to the card again by itself;
the button first asks the services whether they answer (``card_state`` of the card in the
reader) and only then puts the keypad to the holder. Asked while the services are still
down, the holder is not made to type in vain: the banner says so again and the note stays.
"""

from __future__ import annotations

from typing import Any

from PyQt6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from counter_app.services.errors import VOID_CARD_ERRORS, DatabaseUnavailable
from counter_app.services.login_interrupted import LoginInterrupted

ALARM = "color: #b00020;"
CALM = "color: #0b4f8a;"


class LoginRetryNote(QWidget):
    """On the action panel after an interrupted card login: what the card was told, and
    重新输入密码. Gone when the card leaves, another is inserted, a holder session opens,
    or the PIN turns out locked (the P6 note says what to do then)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("loginRetryNote")
        self.label = QLabel()
        self.label.setObjectName("loginRetryText")
        self.label.setWordWrap(True)
        self.label.setStyleSheet(ALARM)
        self.button = QPushButton(self.tr("重新输入密码"))
        self.button.setObjectName("loginRetryButton")
        self.button.setAutoDefault(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.button)
        self.what_happened = ""
        self.setVisible(False)

    def show_text(self, what_happened: str, more: str = "", *, alarm: bool = True) -> None:
        """``alarm``: red for an outage; the holder's own cancel is no fault (blue)."""
        self.label.setStyleSheet(ALARM if alarm else CALM)
        self.what_happened = what_happened
        self.label.setText(what_happened + ("\n" + more if more else ""))
        self.button.setEnabled(True)
        self.setVisible(True)

    def services_back(self) -> None:
        """The services answered another call: say the way is open again."""
        if self.isVisible() and self.button.isEnabled():
            self.label.setText(
                self.what_happened
                + "\n"
                + self.tr("业务服务器已恢复连接：请点击“重新输入密码”，请持卡人再次输入密码。")
            )

    def clear(self) -> None:
        self.what_happened = ""
        self.setVisible(False)


class LoginRetry:
    """Wires :class:`LoginRetryNote` to the window's card login (``CardLogin``)."""

    def __init__(self, window: Any, note: LoginRetryNote) -> None:
        self.window = window
        self.note = note
        note.button.clicked.connect(self.retry)
        login = window.card_login
        login.interrupted.connect(self.interrupted)
        login.pin_cancelled.connect(self.cancelled)
        # Bound methods of the note, never lambdas: the card reader's bridge outlives the
        # window, and PyQt disconnects a deleted note's own methods (a lambda kept calling
        # into a logged-out window's deleted note and crashed the next login's card insert).
        for signal in (login.opened, login.pin_blocked, window.bridge.card_ready):
            signal.connect(note.clear)
        window.bridge.card_removed.connect(note.clear)
        ended = getattr(window, "service_ended", None)
        if ended is not None:
            ended.connect(note.clear)
        window.runner.answered.connect(note.services_back)

    def interrupted(self, error: DatabaseUnavailable) -> None:
        self.window.db_down(str(error))  # the panel has the tries left (``changed``)
        if getattr(error, "tries_left", None) == 0:
            self.note.clear()  # locked (RULES P6): the P6 note and dialog say what to do
            return
        if isinstance(error, LoginInterrupted):  # the card's side, told truly
            self.note.show_text(str(error))
        else:  # one machine's database: the card's answer is not known here
            self.note.show_text(
                str(error),
                self.window.tr("个人信息未打开。卡不必取出：连接恢复后请点击“重新输入密码”。"),
            )

    def cancelled(self) -> None:
        """The entry was stopped (the clerk's 停止等待密码输入, ``card_notes``): the card stays
        in the reader and the keypad can be offered again without pulling it (Q1)."""
        self.note.show_text(self.window.tr("密码输入已取消，个人信息未打开。"), alarm=False)

    def retry(self) -> None:
        """Ask the services first; the keypad only once they answer."""
        window, note = self.window, self.note
        identity = window.bridge.identity
        if not window.bridge.card_present or identity is None:
            note.clear()
            window.show_message(window.tr("读卡器中已没有社保卡。请持卡人插卡。"))
            return
        note.button.setEnabled(False)
        note.label.setText(note.what_happened + "\n" + window.tr("正在连接业务服务器…"))
        actor, gateway = window.actor, window.gateway

        def answered(state: Any) -> None:
            if window.bridge.identity is not identity:  # the card changed meanwhile
                return
            note.clear()
            window.reader_card_state = state
            window.refresh_actions()
            void = VOID_CARD_ERRORS.get(state or "")
            if void is not None:  # the card identifies nobody now: no PIN for it
                window.show_message(str(void()))
                return
            if not window.may_ask_card_pin():
                return
            bar = window.statusBar()
            if bar is not None:  # 密码输入已取消 is no longer true once the keypad asks again
                bar.clearMessage()
            window.card_login.start(window.actor, window.bridge.identity)

        def failed(error: BaseException) -> None:
            if not note.isVisible():
                return
            if isinstance(error, DatabaseUnavailable):
                window.db_down(str(error))
                note.show_text(
                    note.what_happened,
                    window.tr(
                        "仍无法连接业务服务器，未请持卡人输入密码。请稍后再点击“重新输入密码”。"
                    ),
                )
                return
            note.show_text(note.what_happened)
            window.show_message(str(error))

        window.runner.run(
            lambda: gateway.card_state(actor, identity), answered, failed, name="login_retry"
        )


def install_login_retry(window: Any) -> LoginRetry:
    """The note under the P5/P6 notes on the action panel (``card_session``)."""
    note = LoginRetryNote()
    window.action_panel.add_note(note)
    return LoginRetry(window, note)
