"""The queue ticket number (排队号) of the case being served (RULES E1): typed, or scanned by a
barcode scanner that types it and presses Enter, into a small field of the status bar.

Enter attaches it to the open case of the current holder session (``case_of_session`` then
``attach_queue_ticket``, on a pool thread); the field then shows the ticket the case holds.
Without an open session it says 请先开始服务 and attaches nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PyQt6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QWidget

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
        self.attached: str | None = None
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
            window.show_message(self.tr("请先开始服务（插卡或核验证件），再录入排队号。"))
            return
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

    def clear(self, _summary: Any = None) -> None:
        self.attached = None
        self.edit.clear()


def install_queue_ticket(window: MainWindow) -> QueueTicketField:
    field = QueueTicketField(window)
    bar = window.statusBar()
    assert bar is not None
    bar.addPermanentWidget(field)
    window.service_ended.connect(field.clear)  # the next holder starts with an empty field
    return field
