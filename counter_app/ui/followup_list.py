"""The list of the office's open follow-ups of poor ratings (差评整改, RULES E3, E4).

Soonest due first; each row says what the holder complained about (level, reasons, their
comment — holder free text, shown as plain text), the case, the clerk who served, when the
holder rated, the due date (Asia/Shanghai) and the holder's contact phone masked. An open
follow-up reads 待整改, as the badge says, or 已逾期 in red past its due date.

显示完整电话 asks the service for the selected holder's full phone, for this follow-up only
(``reveal_followup_phone``: a supervisor of the office, audited as the lapsing phone
reports' reveal is) and shows it only once the service has answered. 办结所选整改 opens the
办结整改 dialog (:mod:`counter_app.ui.followup_close`); once the service has closed the
follow-up, a line under the list says it was saved and the list is fetched again. Every call
runs on a pool thread; a failure is said in the dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QColor
from PyQt6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from counter_app.services.errors import DatabaseUnavailable
from counter_app.ui.clerk_text import clerk_text
from counter_app.ui.followup_close import EMPTY_CELL, CloseFollowUpDialog
from counter_app.ui.item_models import display

if TYPE_CHECKING:
    from counter_app.ui.main_window import MainWindow

#: Columns of the table (by index).
COMMENT_COLUMN = 6
PHONE_COLUMN = 8
#: A long comment is cut in its cell (whole in its tooltip and in the 办结整改 dialog).
COMMENT_WIDTH = 260
#: Room left beside the list on a screen narrower than its columns.
SCREEN_MARGIN = 40


class FollowUpDialog(QDialog):
    """The office's open follow-ups, soonest due first; overdue rows in red. 显示完整电话
    and 办结所选整改 act on the selected row; after 办结 a line says it was saved."""

    def __init__(self, window: MainWindow, items: list[Any]) -> None:
        super().__init__(window)
        self.setObjectName("followUpDialog")
        self.setWindowTitle(self.tr("差评整改"))
        self.resize(1240, 460)
        self.window_ = window
        self.items = items
        #: followup_id -> the full phone the service revealed (audited) for that follow-up.
        self.full_phones: dict[int, str] = {}
        self.table = QTableWidget()
        self.table.setObjectName("followUpTable")
        heads = [
            self.tr("到期日"),
            self.tr("状态"),
            self.tr("办件编号"),
            self.tr("经办人"),
            self.tr("评价"),
            self.tr("原因"),
            self.tr("意见"),
            self.tr("持卡人"),
            self.tr("联系电话"),
            self.tr("评价时间"),
        ]
        self.table.setColumnCount(len(heads))
        self.table.setHorizontalHeaderLabels(heads)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        header = self.table.verticalHeader()
        if header is not None:
            header.setVisible(False)  # row numbers mean nothing to a supervisor
        self.heading = QLabel()
        # An empty list says 无记录 where its rows would be, as every record table does.
        self.no_records = QLabel(self.tr("无记录"))
        self.no_records.setObjectName("noRecords")
        self.no_records.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.rows_or_none = QStackedWidget()
        self.rows_or_none.addWidget(self.table)
        self.rows_or_none.addWidget(self.no_records)
        #: What was saved (办结) — or why a phone was not shown — under the list.
        self.notice = QLabel()
        self.notice.setObjectName("followUpNotice")
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.notice.setWordWrap(True)
        self.reveal_button = QPushButton(self.tr("显示完整电话"))
        self.reveal_button.setObjectName("revealFollowUpPhone")
        self.reveal_button.setToolTip(
            self.tr("显示所选持卡人的完整联系电话，用于回访（将记录查看日志）")
        )
        self.reveal_button.clicked.connect(self.reveal_selected)
        self.close_button = QPushButton(self.tr("办结所选整改…"))
        self.close_button.setObjectName("closeFollowUp")
        self.close_button.clicked.connect(self.close_selected)
        # Enter is 关闭: an audited reveal (or a 办结) takes a deliberate click — as the
        # first button, 显示完整电话 was the dialog's default (a new clerk's trial).
        self.reveal_button.setAutoDefault(False)
        self.close_button.setAutoDefault(False)
        self.done_button = done = QPushButton(self.tr("关闭"))
        done.setObjectName("closeFollowUpList")
        done.setDefault(True)
        done.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.reveal_button)
        buttons.addWidget(self.close_button)
        buttons.addStretch(1)
        buttons.addWidget(done)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.rows_or_none, 1)
        layout.addWidget(self.notice)
        layout.addLayout(buttons)
        self.editor: CloseFollowUpDialog | None = None
        self.show_items(items)

    def _phone_text(self, item: Any) -> str:
        full = self.full_phones.get(item.followup_id)
        if full is not None:
            return full or self.tr("无联系电话")
        return item.masked_phone or self.tr("无联系电话")

    def show_items(self, items: list[Any]) -> None:
        self.items = items
        self.table.setRowCount(len(items))
        for row, item in enumerate(items):
            # RULES E3/E4: an open follow-up is 待整改 (the badge's word) until its due date.
            state = self.tr("已逾期") if item.overdue else self.tr("待整改")
            # A day as every screen writes it (not 2026-12-28); an empty cell is "—"
            # (无记录 is what an empty list says, not a holder who left no comment).
            cells = [
                display(item.due_date),
                state,
                item.case_no,
                f"{item.staff_no} {item.staff_name}",
                item.level_label,
                "、".join(item.reasons) or EMPTY_CELL,
                item.comment or EMPTY_CELL,
                f"{item.holder_name} {item.masked_ssn}",
                self._phone_text(item),
                display(item.rated_at),
            ]
            for col, text in enumerate(cells):
                cell = QTableWidgetItem(text)  # plain text: the comment is the holder's
                if item.overdue:
                    cell.setForeground(QColor("#b00020"))
                if col == COMMENT_COLUMN and item.comment:
                    cell.setToolTip(item.comment)
                self.table.setItem(row, col, cell)
        self.table.resizeColumnsToContents()
        if self.table.columnWidth(COMMENT_COLUMN) > COMMENT_WIDTH:
            self.table.setColumnWidth(COMMENT_COLUMN, COMMENT_WIDTH)
        self._fit_width()
        self.rows_or_none.setCurrentWidget(self.table if items else self.no_records)
        if items:
            self.heading.setText(self.tr("以下差评需在到期日前整改并回访（按到期先后）："))
            self.table.selectRow(0)
        else:
            self.heading.setText(self.tr("本机构待整改的差评："))
        self.close_button.setEnabled(bool(items))
        self._selection_changed()

    def _fit_width(self) -> None:
        """Wide enough for every column (the last one, 评价时间, was behind a scroll bar under
        Xvfb), within the screen; never narrower than it is."""
        header = self.table.horizontalHeader()
        layout = self.layout()
        if header is None or layout is None:
            return
        margins = layout.contentsMargins()
        scroll = self.table.verticalScrollBar()
        need = (
            header.length()
            + 2 * self.table.frameWidth()
            + (scroll.sizeHint().width() if scroll is not None else 0)
            + margins.left()
            + margins.right()
        )
        screen = self.screen()
        if screen is not None:
            need = min(need, screen.availableGeometry().width() - SCREEN_MARGIN)
        if need > self.width():
            self.resize(need, self.height())

    def selected_item(self) -> Any | None:
        selection = self.table.selectionModel()
        rows = selection.selectedRows() if selection is not None else []
        if not rows or rows[0].row() >= len(self.items):
            return None
        return self.items[rows[0].row()]

    def _selection_changed(self) -> None:
        """显示完整电话: a follow-up with a phone on record, not shown whole yet."""
        item = self.selected_item()
        self.reveal_button.setEnabled(
            item is not None
            and bool(item.masked_phone)
            and item.followup_id not in self.full_phones
        )

    def reveal_selected(self) -> None:
        item = self.selected_item()
        if item is None:
            return
        self.reveal_button.setEnabled(False)  # one request at a time
        self.reveal_phone(item, lambda _n: None, self._refused)

    def _refused(self, error: BaseException) -> None:
        self.notice.setStyleSheet("color: #b00020;")
        self.notice.setText(clerk_text(str(error)))
        self._selection_changed()

    def reveal_phone(
        self,
        item: Any,
        shown: Callable[[str], None],
        failed: Callable[[BaseException], None],
    ) -> None:
        """The full phone of ``item``'s holder for this follow-up only: asked of the
        service once (it checks and audits the reveal), then kept for the list's life."""
        if item.followup_id in self.full_phones:
            shown(self.full_phones[item.followup_id])
            return
        window = self.window_
        gateway, actor = window.gateway, window.actor

        def got(number: str) -> None:
            self.full_phones[item.followup_id] = number
            for row, listed in enumerate(self.items):
                if listed.followup_id == item.followup_id:
                    cell = self.table.item(row, PHONE_COLUMN)
                    if cell is not None:
                        cell.setText(self._phone_text(listed))
            self.table.resizeColumnToContents(PHONE_COLUMN)
            self._selection_changed()
            shown(number)

        def refused(error: BaseException) -> None:
            if isinstance(error, DatabaseUnavailable):
                window.db_down(str(error))  # the window's banner, as for every outage
            failed(error)

        window.runner.run(
            lambda: gateway.reveal_followup_phone(actor, item.followup_id),
            got,
            refused,
            name="reveal_followup_phone",
        )

    def close_selected(self) -> None:
        item = self.selected_item()
        if item is None:
            return
        self.editor = CloseFollowUpDialog(
            item,
            self,
            submit=lambda done, outcome, ok, bad: self._submit(item, done, outcome, ok, bad),
            reveal=lambda shown, failed: self.reveal_phone(item, shown, failed),
            full_phone=self.full_phones.get(item.followup_id),
        )
        self.editor.open()

    def _submit(
        self,
        item: Any,
        done: str,
        outcome: str,
        ok: Callable[[], None],
        bad: Callable[[BaseException], None],
    ) -> None:
        window = self.window_
        gateway, actor = window.gateway, window.actor

        def closed(_item: Any) -> None:
            ok()  # only now does the dialog with the clerk's text go
            saved = self.tr("办件 %1 的整改已办结，整改措施和回访结果已保存。")
            saved = saved.replace("%1", item.case_no)
            self.notice.setStyleSheet("")
            self.notice.setText(saved)
            # The status bar's own, shorter: its permanent widgets cut a long line (Xvfb).
            said = self.tr("办件 %1 的整改已办结。").replace("%1", item.case_no)
            window.show_message(said)
            window.runner.run(
                lambda: list(gateway.open_followups(actor)),
                self.show_items,
                window.show_error,
                name="open_followups",
            )
            badge = getattr(window, "followup_badge", None)
            if badge is not None:
                badge.refresh()

        def refused(error: BaseException) -> None:
            if isinstance(error, DatabaseUnavailable):
                window.db_down(str(error))  # the window's banner, as for every outage
            bad(error)

        window.runner.run(
            lambda: gateway.close_followup(actor, item.followup_id, done, outcome),
            closed,
            refused,
            name="close_followup",
        )
