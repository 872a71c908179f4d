"""The supervisor's follow-ups of poor ratings (整改, RULES E3): a badge and a list.

The badge (``followup_badge``: counts only, not audited) shows 待整改：N（逾期 M） to a
supervisor, refreshed at start, on a change of staff and every ``REFRESH_MINUTES``; a click
fetches the office's open follow-ups (``open_followups``: soonest due first, audited) into
:class:`FollowUpDialog`, overdue rows marked. 办结 asks for what was done and the 回访结果
and closes the follow-up (``close_followup``, audited); that dialog stays open, with what
was typed, until the service has closed it — a failure (an outage, a refusal) is said in
the dialog, never after it is gone. Every call runs on a pool thread.

Also here: after login, a case left open at this workstation by a crash
(``open_case_at_workstation``) is shown and can be closed (:func:`check_open_case`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PyQt6.QtCore import Qt, QTimer
from PyQt6.QtGui import QAction, QColor, QCursor
from PyQt6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from counter_app.services.errors import DatabaseUnavailable
from counter_app.services.permissions import Action
from counter_app.ui.clerk_text import clerk_text
from counter_app.ui.fit import grow_to_fit
from counter_app.ui.item_models import display

if TYPE_CHECKING:
    from counter_app.ui.main_window import MainWindow

REFRESH_MINUTES = 10
#: An empty cell (a holder who gave no reason or comment).
EMPTY_CELL = "—"
TEXT_MAX = 500


#: Closes the follow-up with (整改措施, 回访结果); calls back ``closed()`` or ``failed(error)``.
Submit = Callable[[str, str, Callable[[], None], Callable[[BaseException], None]], None]


class CloseFollowUpDialog(QDialog):
    """整改措施 and 回访结果 of one follow-up. 办结 hands them to ``submit`` and the dialog
    stays open, the text kept, until the service has closed the follow-up: a failure is
    shown here (the outage's 已填写的内容仍保留 is then true)."""

    def __init__(
        self, item: Any, parent: QWidget | None = None, submit: Submit | None = None
    ) -> None:
        super().__init__(parent)
        self._submit = submit
        #: 办结 was pressed and the service has not answered yet.
        self.sending = False
        self.setObjectName("closeFollowUpDialog")
        self.setWindowTitle(self.tr("办结整改"))
        self.item = item
        self.action_edit = QPlainTextEdit()
        self.action_edit.setObjectName("followupAction")
        self.outcome_edit = QPlainTextEdit()
        self.outcome_edit.setObjectName("followupOutcome")
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        form = QFormLayout()
        heading = self.tr("办件 %1（%2）").replace("%1", item.case_no)
        form.addRow(QLabel(heading.replace("%2", item.level_label)))
        form.addRow(self.tr("整改措施"), self.action_edit)
        form.addRow(self.tr("回访结果"), self.outcome_edit)
        buttons = QDialogButtonBox()
        ok = buttons.addButton(self.tr("办结"), QDialogButtonBox.ButtonRole.AcceptRole)
        assert ok is not None
        self.ok: QPushButton = ok
        buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def texts(self) -> tuple[str, str]:
        return self.action_edit.toPlainText().strip(), self.outcome_edit.toPlainText().strip()

    def _check(self) -> None:
        done, outcome = self.texts()
        if not done or not outcome or len(done) > TEXT_MAX or len(outcome) > TEXT_MAX:
            self._say(self.tr("请填写整改措施和回访结果（各不超过 500 字）。"))
            return
        if self._submit is None:
            self.accept()
            return
        if self.sending:  # one 办结 at a time
            return
        self.error.clear()
        # Not by disabling 办结: the focus would pass to 取消, and Enter would throw away
        # the text the outage message says is kept (seen under Xvfb).
        self.sending = True
        self._submit(done, outcome, self.accept, self.failed)

    def failed(self, error: BaseException) -> None:
        """The follow-up was not closed: said here, 整改措施 and 回访结果 kept for 办结 again."""
        self.sending = False
        self._say(clerk_text(str(error)))

    def _say(self, text: str) -> None:
        self.error.setText(text)
        grow_to_fit(self)  # a wrapped message shown whole


class FollowUpDialog(QDialog):
    """The office's open follow-ups, soonest due first; overdue rows in red."""

    def __init__(self, window: MainWindow, items: list[Any]) -> None:
        super().__init__(window)
        self.setObjectName("followUpDialog")
        self.setWindowTitle(self.tr("差评整改"))
        self.resize(960, 420)
        self.window_ = window
        self.items = items
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
        ]
        self.table.setColumnCount(len(heads))
        self.table.setHorizontalHeaderLabels(heads)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
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
        self.close_button = QPushButton(self.tr("办结所选整改…"))
        self.close_button.setObjectName("closeFollowUp")
        self.close_button.clicked.connect(self.close_selected)
        done = QPushButton(self.tr("关闭"))
        done.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.rows_or_none, 1)
        layout.addWidget(self.close_button)
        layout.addWidget(done)
        self.editor: CloseFollowUpDialog | None = None
        self.show_items(items)

    def show_items(self, items: list[Any]) -> None:
        self.items = items
        self.table.setRowCount(len(items))
        for row, item in enumerate(items):
            state = self.tr("已逾期") if item.overdue else self.tr("办理中")
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
            ]
            for col, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if item.overdue:
                    cell.setForeground(QColor("#b00020"))
                self.table.setItem(row, col, cell)
        self.table.resizeColumnsToContents()
        self.rows_or_none.setCurrentWidget(self.table if items else self.no_records)
        if items:
            self.heading.setText(self.tr("以下差评需在到期日前整改并回访（按到期先后）："))
            self.table.selectRow(0)
        else:
            self.heading.setText(self.tr("本机构待整改的差评："))
        self.close_button.setEnabled(bool(items))

    def close_selected(self) -> None:
        selection = self.table.selectionModel()
        rows = selection.selectedRows() if selection is not None else []
        if not rows:
            return
        item = self.items[rows[0].row()]
        self.editor = CloseFollowUpDialog(
            item,
            self,
            submit=lambda done, outcome, ok, bad: self._submit(item, done, outcome, ok, bad),
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


_LINK = "text-decoration: underline;"


class FollowUpBadge(QPushButton):
    """Status-bar badge for supervisors: 待整改：N（逾期 M）. Click: the list."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__()
        self.setObjectName("followUpBadge")
        self.setFlat(True)
        # A link, not a label: underlined, the pointing hand over it (RULES E3 list).
        self.setCursor(QCursor(Qt.CursorShape.PointingHandCursor))
        self.setStyleSheet(_LINK)
        self.window_ = window
        #: 整改 ▸ 待整改差评…: the same list from the menu bar.
        self.menu_action = QAction(self.tr("待整改差评…"), self)
        self.menu_action.setObjectName("followUpListAction")
        self.menu_action.triggered.connect(self.show_list)
        self.menu_action.setVisible(False)
        self.counts: Any = None
        self.dialog: FollowUpDialog | None = None
        self.clicked.connect(self.show_list)
        self.setVisible(False)
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MINUTES * 60 * 1000)
        self.timer.timeout.connect(self.refresh)

    def start(self) -> None:
        self.refresh()
        self.timer.start()

    def refresh(self) -> None:
        window = self.window_
        actor = window.actor
        allowed = not window.locked and actor.may(Action.VIEW_REPORTS)
        self.menu_action.setVisible(allowed)
        menu = self.menu_action.parent()
        shown = menu.menuAction() if isinstance(menu, QMenu) else None
        if shown is not None:
            shown.setVisible(allowed)
        if not allowed:
            self.setVisible(False)
            return
        gateway = window.gateway
        window.runner.run(
            lambda: gateway.followup_badge(actor),
            self._show,
            lambda _e: self.setVisible(False),
            name="followup_badge",
        )

    def _show(self, counts: Any) -> None:
        self.counts = counts
        text = self.tr("待整改：%1（逾期 %2）").replace("%1", str(counts.open))
        self.setText(text.replace("%2", str(counts.overdue)))
        overdue = " color: #b00020; font-weight: bold;" if counts.overdue else ""
        self.setStyleSheet(_LINK + overdue)
        self.setToolTip(self.tr("点击查看本机构待整改的差评"))
        self.setVisible(True)

    def show_list(self) -> None:
        window = self.window_
        gateway, actor = window.gateway, window.actor

        def opened(items: list[Any]) -> None:
            if self.dialog is not None:
                self.dialog.close()
            self.dialog = FollowUpDialog(window, list(items))
            self.dialog.show()
            self.dialog.raise_()
            self.dialog.activateWindow()
            self.refresh()

        window.runner.run(
            lambda: list(gateway.open_followups(actor)),
            opened,
            window.show_error,
            name="open_followups",
        )


def install_followup_badge(window: MainWindow) -> FollowUpBadge:
    bar = window.statusBar()
    assert bar is not None
    badge = FollowUpBadge(window)
    bar.addPermanentWidget(badge)
    menus = window.menuBar()
    if menus is not None:
        menu = QMenu(window.tr("整改(&G)"), window)
        menu.setObjectName("followUpMenu")
        menu.addAction(badge.menu_action)
        badge.menu_action.setParent(menu)
        added = menus.addMenu(menu)
        if added is not None:
            added.setVisible(False)
    window.actor_changed.connect(lambda _a: badge.refresh())
    badge.start()
    return badge


def check_open_case(window: MainWindow) -> None:
    """A case left open here by a crash: show it and offer to close it (RULES E1)."""
    gateway, actor = window.gateway, window.actor

    def found(case: Any) -> None:
        if case is None:
            return
        box = QMessageBox(window)
        box.setObjectName("openCaseBox")
        box.setWindowTitle(window.tr("未结束的办件"))
        text = window.tr(
            "本工作站有未结束的办件 %1（开始于 %2，可能因系统异常退出）。请点“结束该办件”将其结束。"
        )
        opened = display(case.opened_at)  # Asia/Shanghai, written as on every screen
        box.setText(text.replace("%1", case.case_no).replace("%2", opened))
        close = box.addButton(window.tr("结束该办件"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(window.tr("稍后处理"), QMessageBox.ButtonRole.RejectRole)

        def answered(_result: int) -> None:
            if box.clickedButton() is close:
                window.runner.run(
                    lambda: gateway.close_recovered_case(actor, case.case_no),
                    lambda c: window.show_message(
                        window.tr("办件 %1 已结束。").replace("%1", c.case_no)
                    ),
                    lambda e: window.show_message(clerk_text(str(e))),
                    name="close_recovered_case",
                )

        box.finished.connect(answered)
        window.open_case_box = box
        box.open()

    window.runner.run(
        lambda: gateway.open_case_at_workstation(actor),
        found,
        lambda _e: None,
        name="open_case_at_workstation",
    )
