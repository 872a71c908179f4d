"""The main window's status bar: the reader's state, "the holder is typing", who is
logged in at which workstation.

It shows what it is told and decides nothing. Transient messages use ``showMessage`` as on
any ``QStatusBar``; other parts add their own permanent widgets to it (the lapsing badge,
``ui.lapsing``). The typing line says only that a PIN entry is open — never a digit or a
count (docs/ARCHITECTURE.md "PIN entry").

A message too long for its room ends in "…" and is read whole in its tooltip
(:meth:`CounterStatusBar.shown_message`): a new clerk's trial saw long ones cut off mid-word
against the staff text, and the room itself shrank while a message was up — the 排队号
field (a permanent widget with a line edit) took the space the hidden reader line left, so
permanent widgets keep their own width now.
"""

from __future__ import annotations

from PyQt6 import sip
from PyQt6.QtCore import QEvent, QRect, Qt
from PyQt6.QtGui import QHelpEvent, QPainter, QPaintEvent
from PyQt6.QtWidgets import QLabel, QSizePolicy, QStatusBar, QStyle, QStyleOption, QToolTip, QWidget

from counter_app.services.context import Actor
from counter_app.ui.reader_bridge import ReaderState

READER_TEXT = {
    ReaderState.NO_READER: "未连接读卡器",
    ReaderState.READY: "读卡器就绪，请插卡",
    ReaderState.READING: "正在读卡…",
    ReaderState.CARD_PRESENT: "已插卡",
    ReaderState.UNREADABLE: "无法读取此卡",
}


class CounterStatusBar(QStatusBar):
    """Reader state and holder typing on the left; staff and office/workstation on the right."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        #: The permanent widgets, in the order added (the message ends at the first shown).
        self._permanent: list[QWidget] = []
        self.reader_label = QLabel()
        self.reader_label.setObjectName("readerState")
        self.typing_label = QLabel()
        self.typing_label.setObjectName("holderTyping")
        self.staff_label = QLabel()
        self.office_label = QLabel()
        self.addWidget(self.reader_label, 1)
        self.addWidget(self.typing_label)
        self.addPermanentWidget(self.staff_label)
        self.addPermanentWidget(self.office_label)

    def addPermanentWidget(self, widget: QWidget | None, stretch: int = 0) -> None:  # Qt's name
        """As ``QStatusBar``'s, but the widget does not grow into the room of a message
        (with the normal widgets hidden, one that can grow took it all)."""
        if widget is not None:
            self._permanent.append(widget)
            if stretch == 0:
                policy = widget.sizePolicy()
                policy.setHorizontalPolicy(QSizePolicy.Policy.Maximum)
                widget.setSizePolicy(policy)
        super().addPermanentWidget(widget, stretch)

    def message_rect(self) -> QRect:
        """Where the message is drawn: from the left edge to the first permanent widget
        shown (as ``QStatusBar`` draws it)."""
        right = self.width() - 12
        for widget in self._permanent:
            if not sip.isdeleted(widget) and widget.isVisible():
                right = min(right, widget.x() - 10)  # a gap before the staff text
        return QRect(6, 0, max(0, right - 6), self.height())

    def shown_message(self) -> str:
        """The message as drawn: whole, or cut with "…" to its room."""
        return self.fontMetrics().elidedText(
            self.currentMessage(), Qt.TextElideMode.ElideRight, self.message_rect().width()
        )

    def paintEvent(self, event: QPaintEvent | None) -> None:  # Qt's name
        """``QStatusBar``'s panel, and the message elided to its room (Qt cut it off)."""
        if not self.currentMessage():
            super().paintEvent(event)
            return
        painter = QPainter(self)
        option = QStyleOption()
        option.initFrom(self)
        style = self.style()
        if style is not None:
            style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelStatusBar, option, painter, self)
        painter.setPen(self.palette().windowText().color())
        painter.drawText(
            self.message_rect(),
            Qt.AlignmentFlag.AlignLeading.value
            | Qt.AlignmentFlag.AlignVCenter.value
            | Qt.TextFlag.TextSingleLine.value,
            self.shown_message(),
        )

    def event(self, event: QEvent | None) -> bool:  # Qt's name
        """The tooltip over a message cut short is the whole message."""
        if (
            event is not None
            and event.type() == QEvent.Type.ToolTip
            and isinstance(event, QHelpEvent)
            and self.currentMessage()
            and self.message_rect().contains(event.pos())
        ):
            if self.shown_message() != self.currentMessage():
                QToolTip.showText(event.globalPos(), self.currentMessage(), self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    def show_reader(self, state: ReaderState, detail: str, left_behind: bool = False) -> None:
        """``left_behind``: the card in the reader was there before this staff member
        logged in (the last holder's) — no one is served with it until it is inserted
        again."""
        text = self.tr(READER_TEXT[state])
        if detail and state in (ReaderState.UNREADABLE, ReaderState.NO_READER):
            text += "：" + detail
        if left_behind and state is ReaderState.CARD_PRESENT:
            text += self.tr("（上一位持卡人留下的卡：办理业务请取出后重新插入）")
        self.reader_label.setText(self.tr("读卡器：") + text)
        self.reader_label.setStyleSheet(
            "color: #b00020;" if state is ReaderState.UNREADABLE else ""
        )

    def show_holder_typing(self, typing: bool) -> None:
        self.typing_label.setText(self.tr("持卡人正在输入密码…") if typing else "")

    def show_staff(self, actor: Actor) -> None:
        self.staff_label.setText(self.tr("工作人员：") + f"{actor.name}（{actor.staff_no}）")
        self.office_label.setText(f"{actor.office_name} · {actor.workstation_id}")
