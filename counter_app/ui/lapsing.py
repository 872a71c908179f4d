"""Phone loss reports about to lapse (RULES L2), for the staff who must call the holders:
a count badge in the status bar and a list dialog.

The badge shows ``services.phone_reports.count_lapsing_phone_reports`` (a count: nobody's
data, not audited), refreshed at start and every ``REFRESH_MINUTES``; clicking it fetches the
list, ``lapsing_phone_reports`` (the actor's district; the city card center sees all; ID
numbers and phone numbers masked; at most ``LAPSING_LIST_LIMIT`` rows; the look-up is
audited). Both run on a pool thread. 显示完整电话 asks ``reveal_lapsing_phone`` for the selected
holder's full number — staff must call them before the report lapses (RULES L2) — and
shows it in the row only once the service has checked and audited the reveal.

Enter never reveals: 显示完整电话 is no default button (an audited reveal takes a deliberate
click); Enter or a double-click on a row looks the holder up by card number in the main
window's search (the box emptied, the masked number said under it), for the written
report (L3) after the ID check — 关闭 is the default.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PyQt6.QtCore import QModelIndex, Qt, QTimer
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from counter_app.services.permissions import Action
from counter_app.ui.item_models import FIELD_LABELS, RecordTableModel
from forms.masking import mask_card_number

if TYPE_CHECKING:
    from counter_app.ui.main_window import MainWindow
    from counter_app.ui.tasks import TaskRunner

#: ``report_id`` -> the holder's full phone number (``reveal_lapsing_phone``; runs off the
#: GUI thread).
Reveal = Callable[[int], str]
#: The list again: (rows, total) — ``lapsing_phone_reports`` and its count (off the GUI thread).
Reload = Callable[[], tuple[list[Any], int]]

REFRESH_MINUTES = 10
COLUMNS = [
    "deadline_at",
    "holder_name",
    "masked_id_number",
    "card_number",
    "phone",
    "address",
    "district_name",
]
for _field, _label in (("holder_name", "姓名"), ("masked_id_number", "身份证号码")):
    FIELD_LABELS.setdefault(_field, _label)


class LapsingModel(RecordTableModel):
    """The list's rows; a phone number the service revealed replaces the masked one in its
    row (only that cell: the row's other numbers stay as they are)."""

    def __init__(self) -> None:
        super().__init__(columns=COLUMNS)
        self.full_phones: dict[int, str] = {}

    def set_rows(self, rows: Any, columns: Any = None) -> None:
        self.full_phones = {}
        super().set_rows(rows, columns)

    def show_phone(self, row: int, number: str) -> None:
        self.full_phones[row] = number
        cell = self.index(row, COLUMNS.index("phone"))
        self.dataChanged.emit(cell, cell)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and index.isValid()
            and COLUMNS[index.column()] == "phone"
            and index.row() in self.full_phones
        ):
            return self.full_phones[index.row()]
        return super().data(index, role)


class LapsingDialog(QDialog):
    """The list of lapsing phone reports, soonest deadline first; with ``reveal`` and
    ``runner``, 显示完整电话 for the selected row."""

    def __init__(
        self,
        rows: list[Any],
        days: int | None,
        parent: QWidget | None = None,
        total: int | None = None,
        reveal: Reveal | None = None,
        runner: TaskRunner | None = None,
        reload: Reload | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("lapsingDialog")
        self.setWindowTitle(self.tr("即将失效的电话挂失"))
        self.resize(900, 420)
        self._reveal, self._runner, self._reload = reveal, runner, reload
        self.days = days
        #: Called with the new total after 刷新列表 (the badge shows it).
        self.reloaded: Callable[[int], None] | None = None
        self.model = LapsingModel()
        self.model.set_rows(rows, COLUMNS)
        self.view = view = QTableView()
        view.setObjectName("lapsingTable")
        view.setModel(self.model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.verticalHeader().setVisible(False)  # type: ignore[union-attr]
        view.resizeColumnsToContents()
        # An empty list says 无记录 where its rows would be, as every record table does
        # (``record_view``), under a heading that still says which list it is.
        self.no_records = QLabel(self.tr("无记录"))
        self.no_records.setObjectName("noRecords")
        self.no_records.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.rows_or_none = QStackedWidget()
        self.rows_or_none.addWidget(view)
        self.rows_or_none.addWidget(self.no_records)
        self._show_rows(rows)
        self.heading = QLabel(self._heading(rows, total))
        self.heading.setWordWrap(True)
        self.error = QLabel()
        self.error.setObjectName("lapsingError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        self.reveal_button = QPushButton(self.tr("显示完整电话"))
        self.reveal_button.setObjectName("revealPhoneButton")
        self.reveal_button.setToolTip(self.tr("显示所选持卡人的完整联系电话（将记录查看日志）"))
        self.reveal_button.clicked.connect(self.reveal_selected)
        self.reveal_button.setAutoDefault(False)  # Enter must not reveal (an audited look)
        self.reveal_button.setVisible(reveal is not None and runner is not None)
        selection = view.selectionModel()
        if selection is not None:
            selection.selectionChanged.connect(lambda *_a: self._selection_changed())
        self._selection_changed()
        # The service's refusal of a report no longer lapsing says 请刷新列表: this is it.
        self.reload_button = QPushButton(self.tr("刷新列表"))
        self.reload_button.setObjectName("reloadLapsingButton")
        self.reload_button.setAutoDefault(False)
        self.reload_button.clicked.connect(self.reload)
        self.reload_button.setVisible(reload is not None and runner is not None)
        self.close_button = close = QPushButton(self.tr("关闭"))
        close.setObjectName("closeLapsingButton")
        close.setDefault(True)
        close.clicked.connect(self.accept)
        #: Called with the selected row's card number by Enter or a double-click on it.
        self.open_holder: Callable[[str], None] | None = None
        view.activated.connect(self._row_activated)  # Enter, or a double-click
        buttons = QHBoxLayout()
        buttons.addWidget(self.reveal_button)
        buttons.addWidget(self.reload_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.rows_or_none, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)

    def _heading(self, rows: list[Any], total: int | None) -> str:
        days = self.days
        within = self.tr("在 %1 天内").replace("%1", str(days)) if days is not None else ""
        text = self.tr("以下 12333 电话挂失将%1到期失效，请联系持卡人办理书面挂失：")
        empty = self.tr("将%1到期失效的 12333 电话挂失：")
        heading = (text if rows else empty).replace("%1", within)
        if total is not None and total > len(rows):
            more = self.tr("（共 %1 条，按到期先后显示前 %2 条。）")
            heading += more.replace("%1", str(total)).replace("%2", str(len(rows)))
        return heading

    def _show_rows(self, rows: list[Any]) -> None:
        """The rows (or 无记录), the first one selected: its focus frame alone left
        显示完整电话 off until a click — the keyboard alone must work (new clerk's trial)."""
        self.rows_or_none.setCurrentWidget(self.view if rows else self.no_records)
        if rows:
            self.view.selectRow(0)
            self.view.setFocus()

    def reload(self) -> None:
        """刷新列表: the list as the service has it now (a report confirmed in writing, lifted
        or lapsed leaves it); numbers shown in full are masked again."""
        reload, runner = self._reload, self._runner
        if reload is None or runner is None:
            return
        self.reload_button.setEnabled(False)
        self.error.clear()

        def shown(result: tuple[list[Any], int]) -> None:
            rows, total = result
            self.model.set_rows(rows, COLUMNS)
            self.view.resizeColumnsToContents()
            self._show_rows(rows)
            self.heading.setText(self._heading(rows, total))
            self.reload_button.setEnabled(True)
            self._selection_changed()
            if self.reloaded is not None:
                self.reloaded(total)

        def refused(error: BaseException) -> None:
            self.error.setText(str(error))
            self.reload_button.setEnabled(True)

        runner.run(reload, shown, refused, name="lapsing_phone_reports")

    def _row_activated(self, index: QModelIndex) -> None:
        """Enter or a double-click on a row: that holder found in the main window (by card
        number, as the search box takes it), the list closed; never a reveal."""
        if self.open_holder is None or not index.isValid():
            return
        card_number = str(self.model.row_object(index.row()).card_number or "")
        if card_number:
            self.open_holder(card_number)
            self.accept()

    def selected_row(self) -> int | None:
        selection = self.view.selectionModel()
        rows = selection.selectedRows() if selection is not None else []
        return rows[0].row() if rows else None

    def _selection_changed(self) -> None:
        """Something to reveal: a row with a registered phone, not shown in full yet."""
        row = self.selected_row()
        self.reveal_button.setEnabled(
            row is not None
            and bool(self.model.row_object(row).phone)
            and row not in self.model.full_phones
        )

    def reveal_selected(self) -> None:
        """RULES L2, Q7: the selected holder's full number from the service, which checks
        the clerk may see the list and audits the reveal (never the number); shown in the
        row only once that succeeded, until the list closes."""
        row, reveal, runner = self.selected_row(), self._reveal, self._runner
        if row is None or reveal is None or runner is None:
            return
        report_id = int(self.model.row_object(row).report_id)
        self.reveal_button.setEnabled(False)
        self.error.clear()

        def shown(number: str) -> None:
            self.model.show_phone(row, number or self.tr("无记录"))
            self.view.resizeColumnToContents(COLUMNS.index("phone"))
            self._selection_changed()

        def refused(error: BaseException) -> None:
            self.error.setText(str(error))
            self._selection_changed()

        runner.run(lambda: reveal(report_id), shown, refused, name="reveal_lapsing_phone")


class LapsingBadge(QPushButton):
    """Status-bar badge: 电话挂失即将失效：N. Click: the list."""

    def __init__(self, window: MainWindow, days: int | None = None) -> None:
        super().__init__()
        self.setObjectName("lapsingBadge")
        self.setFlat(True)
        self.window_ = window
        self.days = days
        self.rows: list[Any] = []
        self.count: int | None = None
        self.dialog: LapsingDialog | None = None
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
        if window.locked or not actor.may(Action.VIEW_RECORDS):
            self.setVisible(False)
            return
        gateway, days = window.gateway, self.days
        window.runner.run(
            lambda: gateway.count_lapsing_phone_reports(actor, days),
            self._show,
            lambda _e: self.setVisible(False),  # no badge rather than a wrong one
            quiet=True,  # a badge's count: nobody waits for it
            name="count_lapsing_phone_reports",
        )

    def _show(self, count: int) -> None:
        self.count = count
        self.setText(self.tr("电话挂失即将失效：%1").replace("%1", str(count)))
        self.setStyleSheet("color: #b00020; font-weight: bold;" if count else "")
        self.setToolTip(self.tr("点击查看即将失效的 12333 电话挂失列表"))
        self.setVisible(True)

    def show_list(self) -> None:
        window = self.window_
        actor, gateway, days = window.actor, window.gateway, self.days

        def fetch() -> tuple[list[Any], int]:
            rows = gateway.lapsing_phone_reports(actor, days)
            total = gateway.count_lapsing_phone_reports(actor, days)
            return list(rows), int(total)

        def open_dialog(result: tuple[list[Any], int]) -> None:
            rows, total = result
            self.rows = rows
            self._show(total)
            self.dialog = LapsingDialog(
                rows,
                days,
                window,
                total=total,
                reveal=lambda report_id: gateway.reveal_lapsing_phone(actor, report_id),
                runner=window.runner,
                reload=fetch,
            )
            self.dialog.reloaded = self._show
            self.dialog.open_holder = self._find_holder
            self.dialog.show()

        window.runner.run(fetch, open_dialog, window.show_error, name="lapsing_phone_reports")

    def _find_holder(self, card_number: str) -> None:
        """The holder of a row in the main window's search: the clerk then checks their ID
        (RULES Q7) to take the written report (L3). The card number is searched, never
        written into the box: the list shows it masked, and a full number on screen is an
        audited reveal elsewhere (F4) — the box is emptied and the masked number said
        under it (from a new clerk's trial: A12662434 in the box under A****2434)."""
        window = self.window_
        box = window.search_pane.box
        box.edit.clear()
        box.show_outcome(
            self.tr("已按即将失效列表中的卡号（%1）查询。").replace(
                "%1", mask_card_number(card_number)
            ),
            error=False,
        )
        window.do_search(card_number)


def install_lapsing_badge(window: MainWindow, days: int | None = None) -> LapsingBadge:
    bar = window.statusBar()
    assert bar is not None
    badge = LapsingBadge(window, days)
    bar.addPermanentWidget(badge)
    changed = getattr(window, "actor_changed", None)
    if changed is not None:
        changed.connect(lambda _a: badge.refresh())
    # A service may have confirmed a phone report in writing (or lifted it): the count follows
    # at its end, not up to REFRESH_MINUTES later (from a new clerk's trial).
    ended = getattr(window, "service_ended", None)
    if ended is not None:
        ended.connect(lambda _summary: badge.refresh())
    # ...and as soon as the holder's record is read again after a workflow (the written
    # report or lift just done, L3/U1): the service may stay open for more work meanwhile.
    holder = getattr(window, "holder", None)
    if holder is not None:
        holder.card_state_known.connect(lambda _state: badge.refresh())
    badge.start()
    return badge
