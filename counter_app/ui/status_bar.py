"""The main window's status bar: the reader's state, "the holder is typing", who is
logged in at which workstation.

It shows what it is told and decides nothing. Transient messages use ``showMessage`` as on
any ``QStatusBar``; other parts add their own permanent widgets to it (the lapsing badge,
``ui.lapsing``). The typing line says only that a PIN entry is open — never a digit or a
count (docs/ARCHITECTURE.md "PIN entry").
"""

from __future__ import annotations

from PyQt6.QtWidgets import QLabel, QStatusBar, QWidget

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
