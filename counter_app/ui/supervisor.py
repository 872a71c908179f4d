"""报表 menu (RULES S3): the supervisors' business reports, as PDF (print preview) or
CSV (save dialog), made off the GUI thread with a progress bar.

The menu is on every main window; for staff who may not see reports its entries are
disabled and say why (``Actor.why_not``). A report is made by a :data:`ReportMaker` the
composition root builds (``app.make_report_maker`` = ``CounterServices.make_report``): the
service ``services.reporting`` checks the permission, audits the report and runs the
queries on a pool thread in one read-only transaction; the PDF is drawn in the helper
process. Progress calls from the worker become a Qt signal (:class:`ProgressRelay`).

It must not: run a query or draw a PDF on the GUI thread; decide alone who may see a
report (the menu's check is for the clerk's convenience; the service decides and audits).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PyQt6.QtCore import QDate, QObject, pyqtSignal
from PyQt6.QtGui import QAction
from PyQt6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from counter_app.services.context import Actor
from counter_app.services.permissions import Action
from counter_app.settings import LAPSING_WARNING_DAYS
from counter_app.ui import local_day
from counter_app.ui.date_field import DateField, DateRefused
from counter_app.ui.printing import FormPrinter, Printing, holder_keeps_their_screen, save_dialog
from counter_app.ui.tasks import Task, TaskRunner
from counter_app.ui.text_guard import guard_text
from counter_app.validation import ValidationError, parse_id_number

if TYPE_CHECKING:
    from counter_app.ui.main_window import MainWindow

#: (actor, request, "pdf" | "csv", progress(done, total, message)) -> file bytes. Runs on a
#: pool thread; raises ``reports.model.ReportError`` for what the supervisor can fix and
#: ``NotPermitted`` (audited by the service) for what the actor may not see.
ReportMaker = Callable[[Actor, Any, str, Callable[[int, int, str], None]], bytes]

DAILY, LAPSING, ACCESS, STAFF = "daily", "lapsing", "access", "staff"
RATING = "rating"
TITLES = {
    DAILY: "业务日报",
    LAPSING: "即将失效的电话挂失",
    ACCESS: "参保人信息查询记录",
    STAFF: "工作人员操作情况",
    RATING: "服务好差评统计",
}


def csv_file_name(title: str, request: Any, today: dt.date) -> str:
    """``业务日报-2026-12-08-500103.csv``: the report, its day (or days) and its scope (the
    office's code, or 全市), so one day's file does not overwrite the day before's. A
    holder's number never goes into a file name (参保人信息查询记录 is named by the day)."""
    day: dt.date | None = getattr(request, "day", None)
    first: dt.date | None = getattr(request, "first_day", None)
    last: dt.date | None = getattr(request, "last_day", None)
    if day is not None:
        when = day.isoformat()
    elif first is not None and last is not None:
        when = f"{first.isoformat()}至{last.isoformat()}"
    else:
        when = today.isoformat()
    parts = [title, when]
    if hasattr(request, "office_code"):
        parts.append(request.office_code or "全市")
    return "-".join(parts) + ".csv"


def csv_save_dialog(parent: QWidget | None, name: str) -> QFileDialog:
    """The save dialog of a report's CSV: the PDF's (``printing.save_dialog``: the user's
    documents folder, every label in Chinese) for a CSV file named ``name``. It opened in
    the program's folder with 业务日报.csv and "Look in:" / "Files of type:" in English."""
    dialog = save_dialog(parent, name)
    dialog.setWindowTitle(dialog.tr("保存为 CSV"))
    dialog.setNameFilter("CSV (*.csv)")
    dialog.setDefaultSuffix("csv")
    dialog.selectFile(name)
    return dialog


def qdate(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


class ProgressRelay(QObject):
    """``report(done, total, message)`` may be called from any thread; ``progress`` is
    delivered on the thread that owns the relay (the GUI thread)."""

    progress = pyqtSignal(int, int, str)

    def report(self, done: int, total: int, message: str) -> None:
        self.progress.emit(done, total, message)


class ReportDialog(QDialog):
    """One report: its parameters, the format, 生成, a progress bar, the outcome."""

    def __init__(
        self,
        kind: str,
        actor: Actor,
        runner: TaskRunner,
        make: ReportMaker,
        parent: QWidget | None = None,
        printing: Printing | None = None,
    ) -> None:
        super().__init__(parent)
        self.kind, self.actor, self.runner, self.make = kind, actor, runner, make
        self.printing = printing if printing is not None else Printing(runner)
        self.setObjectName(f"report_{kind}")
        self.setWindowTitle(self.tr(TITLES[kind]))
        self.setMinimumWidth(460)
        self.task: Task | None = None
        self.data: bytes | None = None
        self.printer: FormPrinter | None = None
        self.saved_to: str | None = None
        #: The request of the report being made or shown (its CSV's file name says it).
        self.asked: Any = None
        #: Where a CSV goes: asks with a save dialog (tests replace it).
        self.choose_csv_path: Callable[[str], str] = self._ask_csv_path
        form = QFormLayout()
        today = local_day.today()
        self.day = self._date(today, self.tr("日期"))
        self.scope = QComboBox()
        self.scope.addItems([self.tr("本机构") + f"（{actor.office_name}）", self.tr("全市")])
        self.days = QSpinBox()
        self.days.setRange(0, 60)
        # RULES L2: the list's horizon (the lapsing_warning_days setting): one 即将失效.
        badge_days = getattr(getattr(parent, "lapsing_badge", None), "days", None)
        self.days.setValue(badge_days if badge_days is not None else LAPSING_WARNING_DAYS)
        self.ssn = QLineEdit()
        self.ssn.setObjectName("reportSsn")
        self.ssn.setPlaceholderText(self.tr("参保人的公民身份号码（18 位）"))
        self.first = self._date(today.addDays(-6), self.tr("起始日期"))
        self.last = self._date(today, self.tr("截止日期"))
        if kind == DAILY:
            form.addRow(self.tr("日期"), self.day)
            form.addRow(self.tr("范围"), self.scope)
        elif kind == LAPSING:
            form.addRow(self.tr("几天内到期"), self.days)
            form.addRow(self.tr("范围"), self.scope)
        elif kind == ACCESS:
            form.addRow(self.tr("身份证号码"), self.ssn)
        else:
            form.addRow(self.tr("起始日期"), self.first)
            form.addRow(self.tr("截止日期"), self.last)
            form.addRow(self.tr("范围"), self.scope)
        self.format = QComboBox()
        self.format.addItems([self.tr("PDF（打印预览）"), self.tr("CSV（保存为文件）")])
        form.addRow(self.tr("格式"), self.format)
        self.error = QLabel()
        self.error.setObjectName("reportError")
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        guard_text(self.ssn, self.tr("身份证号码"), self.error.setText)  # pasted invisibles
        self.status = QLabel()
        self.status.setObjectName("reportStatus")
        self.status.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setObjectName("reportProgress")
        self.bar.setVisible(False)
        self.relay = ProgressRelay(self)
        self.relay.progress.connect(self._progress)
        self.run_button = QPushButton(self.tr("生成"))
        self.run_button.setDefault(True)
        self.run_button.clicked.connect(self.start)
        close = QPushButton(self.tr("关闭"))
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close)
        buttons.addWidget(self.run_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.bar)
        layout.addWidget(self.status)
        layout.addLayout(buttons)

    @staticmethod
    def _date(value: QDate, label: str) -> DateField:
        """A report's day, typed whole (a QDateEdit turned 2026-12-07 into 2026-12-01)."""
        return DateField(value, label, maximum=local_day.today())

    # -- parameters --------------------------------------------------------------------

    @property
    def fmt(self) -> str:
        return "pdf" if self.format.currentIndex() == 0 else "csv"

    def office(self) -> str | None:
        return self.actor.office_code if self.scope.currentIndex() == 0 else None

    def request(self) -> Any:
        """The ``services.reporting`` request; ``ValueError`` (Chinese) for bad input."""
        from counter_app.services.reporting import (
            AccessRequest,
            DailyRequest,
            LapsingRequest,
            RatingRequest,
            StaffRequest,
        )

        if self.kind == DAILY:
            return DailyRequest(self._typed_day(self.day), self.office())
        if self.kind == LAPSING:
            return LapsingRequest(self.days.value(), self.office())
        if self.kind == ACCESS:
            try:
                number = parse_id_number(self.ssn.text()).number
            except ValidationError as error:
                raise ValueError(str(error)) from error
            return AccessRequest(number)
        first, last = self._typed_day(self.first), self._typed_day(self.last)
        if first > last:
            raise ValueError(self.tr("起始日期不能晚于截止日期。"))
        if self.kind == RATING:  # RULES E4
            return RatingRequest(first, last, self.office())
        return StaffRequest(first, last, self.office())

    @staticmethod
    def _typed_day(field: DateField) -> dt.date:
        """The field's date; ``DateRefused`` (said under the field), the keyboard there."""
        try:
            return field.value()
        except ValueError:
            field.setFocus()
            raise

    # -- running -----------------------------------------------------------------------

    def start(self) -> None:
        self.error.setText("")
        if not self.actor.may(Action.VIEW_REPORTS):
            self.error.setText(self.actor.why_not(Action.VIEW_REPORTS))
            return
        try:
            request = self.request()
        except DateRefused:
            return  # said in red under the date field, not twice
        except ValueError as problem:
            self.error.setText(str(problem))
            return
        fmt, make, relay, actor = self.fmt, self.make, self.relay, self.actor
        self.data = None
        self.asked = request
        self.run_button.setEnabled(False)
        self.bar.setRange(0, 0)  # busy until the first step reports
        self.bar.setVisible(True)
        self.status.setText(self.tr("正在生成报表…"))
        self.task = self.runner.run(
            lambda: make(actor, request, fmt, relay.report),
            self._done,
            self._failed,
            name=f"report_{self.kind}",
        )

    def _progress(self, done: int, total: int, message: str) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)
        self.status.setText(f"{message}（{done}/{total}）")

    def _failed(self, error: BaseException) -> None:
        self.task = None
        self.run_button.setEnabled(True)
        self.bar.setVisible(False)
        self.status.setText("")
        self.error.setText(str(error) or type(error).__name__)

    def _done(self, data: bytes) -> None:
        self.task = None
        self.data = data
        self.run_button.setEnabled(True)
        self.bar.setVisible(False)
        title = self.tr(TITLES[self.kind])
        if self.fmt == "pdf":
            self.status.setText(self.tr("报表已生成，正在打开打印预览…"))
            self.printer = self.printing.form(data, title, self)
            self.printer.open_preview(self._preview_shown)
            return
        today = qdate(local_day.today())
        path = self.choose_csv_path(csv_file_name(title, self.asked, today))
        if not path:
            self.status.setText(self.tr("报表已生成，未保存。"))
            return
        with open(path, "wb") as out:
            out.write(data)
        self.saved_to = path
        self.status.setText(self.tr("已保存：") + path)

    def _preview_shown(self, preview: Any) -> None:
        """The line under the form follows the preview: it said 正在打开打印预览… after the
        preview had been read and closed (a new clerk's trial)."""
        self.status.setText(self.tr("报表已生成，已在打印预览中打开。"))
        preview.finished.connect(lambda _r: self.status.setText(self.tr("报表已生成。")))

    def _ask_csv_path(self, name: str) -> str:
        dialog = csv_save_dialog(self, name)
        holder_keeps_their_screen(dialog)
        if not dialog.exec():
            return ""
        files = dialog.selectedFiles()
        return files[0] if files else ""

    def done(self, result: int) -> None:  # QDialog's name
        if self.task is not None:
            self.task.cancel()  # the report finishes in the background; nobody shows it
        super().done(result)


class ReportsMenu(QMenu):
    """The 报表 menu of the main window; ``refresh(actor)`` when the staff member changes."""

    def __init__(
        self,
        window: MainWindow,
        make: ReportMaker | None,
        show_lapsing_list: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(window.tr("报表(&R)"), window)
        self.setObjectName("reportsMenu")
        self.setToolTipsVisible(True)
        self.window_ = window
        self.make = make
        self.dialog: ReportDialog | None = None
        self.report_actions: dict[str, QAction] = {}
        # Why the reports are greyed, in the menu itself (a tooltip is found only by
        # hovering: a new clerk's trial read greyed items with no explanation).
        self.why_note = QAction("", self)
        self.why_note.setObjectName("reportsWhyNote")
        self.why_note.setEnabled(False)
        self.addAction(self.why_note)
        self.why_line = self.addSeparator()  # the note is no item of the list
        for kind in (DAILY, LAPSING, ACCESS, STAFF, RATING):
            action = QAction(self.tr(TITLES[kind]) + "…", self)
            action.setObjectName(f"reportAction_{kind}")
            action.triggered.connect(lambda _c=False, k=kind: self.open_report(k))
            self.addAction(action)
            self.report_actions[kind] = action
        self.lapsing_list: QAction | None = None
        if show_lapsing_list is not None:
            self.addSeparator()
            self.lapsing_list = QAction(self._lapsing_list_text(window.actor), self)
            self.lapsing_list.setObjectName("lapsingListAction")
            self.lapsing_list.triggered.connect(show_lapsing_list)
            self.addAction(self.lapsing_list)
        self.refresh(window.actor)

    def refresh(self, actor: Actor) -> None:
        allowed = actor.may(Action.VIEW_REPORTS)
        if self.make is None:
            why = self.tr("本工作站未连接报表数据库。")
        else:
            why = "" if allowed else actor.why_not(Action.VIEW_REPORTS)
        for action in self.report_actions.values():
            action.setEnabled(not why)
            action.setToolTip(why or action.text().rstrip("…"))
        self.why_note.setText(why)
        self.why_note.setVisible(bool(why))
        if self.why_line is not None:
            self.why_line.setVisible(bool(why))
        if self.lapsing_list is not None:
            self.lapsing_list.setText(self._lapsing_list_text(actor))
            self.lapsing_list.setEnabled(actor.may(Action.VIEW_RECORDS))

    def _lapsing_list_text(self, actor: Actor) -> str:
        """The list shows the actor's district, or every district to the city card service
        center (RULES S2, L2: ``phone_reports.lapsing_phone_reports``): say which."""
        if actor.district_code is None:
            return self.tr("全市即将失效的电话挂失（列表）")
        return self.tr("本区县即将失效的电话挂失（列表）")

    def open_report(self, kind: str) -> ReportDialog | None:
        actor = self.window_.actor
        if self.make is None or not actor.may(Action.VIEW_REPORTS):
            self.window_.show_message(actor.why_not(Action.VIEW_REPORTS))
            return None
        dialog = ReportDialog(
            kind, actor, self.window_.runner, self.make, self.window_, self.window_.printing
        )
        self.dialog = dialog
        dialog.show()
        return dialog


def install_reports_menu(
    window: MainWindow, make: ReportMaker | None, show_lapsing_list: Callable[[], None] | None
) -> ReportsMenu:
    """Add the 报表 menu to ``window``'s menu bar, kept in step with the logged-in staff."""
    menu = ReportsMenu(window, make, show_lapsing_list)
    bar = window.menuBar()
    assert bar is not None
    bar.addMenu(menu)
    changed = getattr(window, "actor_changed", None)
    if changed is not None:
        changed.connect(menu.refresh)
    return menu
