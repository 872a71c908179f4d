"""The queue ticket number (排队号) of the case being served (RULES E1): typed, or scanned by a
barcode scanner that types it and presses Enter, into a small field of the status bar.

Enter attaches it to the open case of the current holder session (``case_of_session`` then
``attach_queue_ticket``, on a pool thread); the field then shows the ticket the case holds.
A ticket entered before the service starts (the holder takes a number, then inserts the
card) waits in the field and is attached as soon as the holder's session is open — the
clerk is told both times; it was once dropped with only 请先开始服务 said.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PyQt6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QWidget

from counter_app.ui.text_guard import guard_text

if TYPE_CHECKING:
    from counter_app.ui.main_window import MainWindow


class QueueTicketField(QWidget):
    """排队号 [______] in the status bar."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__()
        self.setObjectName("queueTicket")
        self.window_ = window
        self.edit = QLineEdit()
        self.edit.setObjectName("queueTicketEdit")
        self.edit.setMaxLength(20)
        self.edit.setFixedWidth(110)
        self.edit.setPlaceholderText(self.tr("输入或扫描"))
        self.edit.returnPressed.connect(self.attach)
        guard_text(self.edit, self.tr("排队号"), window.show_message)  # pasted invisibles
        self.attached: str | None = None
        #: Entered (Enter) before the service started: attached when the session opens.
        self.pending = False
        # The holder's records are shown: a session is open (a card, an ID check, a lift).
        window.holder.card_state_known.connect(self._session_opened)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # Room the status bar gives away (a message hides its left part) goes before the
        # label: 排队号 had drifted half a screen away from its field.
        layout.addStretch(1)
        self.label = QLabel(self.tr("排队号"))
        layout.addWidget(self.label)
        layout.addWidget(self.edit)

    def attach(self) -> None:
        window = self.window_
        session = window.holder.session
        ticket = self.edit.text().strip()
        if not ticket:
            return
        if session is None:
            self.pending = True
            text = self.tr("请先开始服务；排队号 %1 将在服务开始后自动记入办件。")
            window.show_message(text.replace("%1", ticket))
            return
        self.pending = False
        gateway, actor = window.gateway, window.actor

        def work() -> Any:
            case = gateway.case_of_session(actor, session.session_id)
            return gateway.attach_queue_ticket(actor, case.case_no, ticket)

        def done(case: Any) -> None:
            self.attached = case.queue_ticket
            self.edit.setText(case.queue_ticket or "")
            text = self.tr("排队号 %1 已记入办件 %2。").replace("%1", case.queue_ticket or "")
            window.show_message(text.replace("%2", case.case_no))

        window.runner.run(work, done, window.show_error, name="attach_queue_ticket")

    def _session_opened(self, _state: Any = None) -> None:
        """A ticket waiting for the service goes on the case now (once)."""
        if self.pending and self.window_.holder.session is not None:
            self.attach()

    def clear(self, _summary: Any = None) -> None:
        self.attached = None
        self.pending = False
        self.edit.clear()


def install_queue_ticket(window: MainWindow) -> QueueTicketField:
    field = QueueTicketField(window)
    bar = window.statusBar()
    assert bar is not None
    bar.addPermanentWidget(field)
    window.service_ended.connect(field.clear)  # the next holder starts with an empty field
    window.actor_changed.connect(field.clear)  # another clerk took over at the lock screen
    return field
