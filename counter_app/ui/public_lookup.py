"""Look-ups without a holder (RULES Q5, Q6): the drug catalogue, the diagnosis-and-treatment
items and an employer's medical insurance contributions, each in a non-modal window opened
from the 查询 menu (:mod:`counter_app.ui.lookup_menu`).

A window is a search field (Enter searches), 查询, and the result laid out by
:class:`~counter_app.ui.record_view.RecordView` from the page :mod:`counter_app.presentation
.public_pages` makes (Chinese headers, 甲类/乙类, 自付比例 in %, ¥ with two decimals,
无记录). The services run on a pool thread through the typed interface: the catalogues need
no holder and no permission (published, Q6); the employer look-up is the logged-in staff
member's, checked and audited (employer.view) by the service. A refusal — an empty or
over-long text, a control character, an unknown unit number — is the service's typed error,
shown in the window in its Chinese words; a lost database goes to the main window's banner
as well.

It must not: decide what a row says (the presentation does), or query anything itself.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PyQt6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter_app.presentation.page import Page
from counter_app.presentation.public_pages import (
    CATALOGUE_SHOWN,
    drug_result,
    employer_page,
    treatment_result,
)
from counter_app.services.errors import DatabaseUnavailable, ServiceError
from counter_app.ui.clerk_text import clerk_text
from counter_app.ui.record_view import RecordView
from counter_app.ui.text_guard import guard_text
from counter_app.validation import ValidationError

if TYPE_CHECKING:
    from counter_app.api import CounterServices
    from counter_app.services.context import Actor
    from counter_app.ui.tasks import TaskRunner

#: The months an employer's contributions are shown for (the newest first).
MONTH_CHOICES = (12, 24, 36)


class _Line(QLabel):
    """A line of the window that takes no room while it says nothing."""

    def __init__(self, name: str, color: str = "") -> None:
        super().__init__()
        self.setObjectName(name)
        self.setWordWrap(True)
        if color:
            self.setStyleSheet(f"color: {color};")
        self.setVisible(False)

    def setText(self, text: str | None) -> None:  # Qt's name
        super().setText(text)
        self.setVisible(bool(text))

    def clear(self) -> None:
        self.setText("")


class LookupKind(enum.Enum):
    DRUGS = "drugs"
    TREATMENTS = "treatments"
    EMPLOYER = "employer"
    WORK_DEATH = "work_death"  # its own window: counter_app.ui.work_death_lookup


class PublicLookupWindow(QDialog):
    """One look-up: the field, 查询, the result page, a note when the list was cut.

    ``actor`` is asked at each search (the staff member logged in now); ``on_error`` gets a
    lost database (the main window's banner)."""

    def __init__(
        self,
        kind: LookupKind,
        gateway: CounterServices,
        runner: TaskRunner,
        actor: Callable[[], Actor],
        parent: QWidget | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.kind = kind
        self.gateway, self.runner, self._actor, self._on_error = gateway, runner, actor, on_error
        self.setObjectName(f"{kind.value}LookupWindow")
        self.setModal(False)
        self.resize(1000, 600)
        #: Which search is the latest: an earlier answer arriving late is not shown.
        self._asked = 0
        #: The months of the latest employer search (its result is the one shown).
        self._months_asked = MONTH_CHOICES[0]
        title, label, hint = self._texts()
        self.setWindowTitle(title)
        self.edit = QLineEdit()
        self.edit.setObjectName("lookupText")
        self.edit.setPlaceholderText(hint)
        self.edit.setClearButtonEnabled(True)
        self.edit.returnPressed.connect(self.search)
        self.months = QComboBox()
        self.months.setObjectName("lookupMonths")
        for months in MONTH_CHOICES:
            self.months.addItem(self.tr("最近 %1 个月").replace("%1", str(months)), months)
        self.months.setVisible(kind is LookupKind.EMPLOYER)
        # A result answers the period it was asked for: choosing another one asks again (the
        # selector said 最近 12 个月 over three years of rows until 查询 was pressed).
        self.months.currentIndexChanged.connect(self._period_changed)
        self.search_button = QPushButton(self.tr("查询"))
        self.search_button.setObjectName("lookupSearch")
        self.search_button.setAutoDefault(False)  # Enter in the field searches, once
        self.search_button.clicked.connect(self.search)
        caption = QLabel(label)
        caption.setBuddy(self.edit)
        #: The field's row (a kind with a second field puts it before 查询).
        self.row = row = QHBoxLayout()
        row.addWidget(caption)
        row.addWidget(self.edit, 1)
        row.addWidget(self.months)
        row.addWidget(self.search_button)
        self.summary = _Line("lookupSummary")
        self.note = _Line("lookupNote", "#8a5a00")  # the list was cut
        self.error = _Line("lookupError", "#b00020")
        guard_text(self.edit, label, self.error.setText)  # pasted invisibles
        self.view = RecordView(fill_last_table=True)  # the result list down to 关闭
        self.view.setObjectName("lookupResult")
        close = QPushButton(self.tr("关闭"))
        close.setAutoDefault(False)
        close.clicked.connect(self.close)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.summary)
        layout.addWidget(self.note)
        layout.addWidget(self.error)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)
        self.summary.setText(self._empty_prompt())

    def _texts(self) -> tuple[str, str, str]:
        """Window title, field label and placeholder of this kind."""
        if self.kind is LookupKind.DRUGS:
            return (
                self.tr("药品目录查询"),
                self.tr("药品"),
                self.tr("药品名称、药品编码或拼音首字母，按回车查询"),
            )
        if self.kind is LookupKind.TREATMENTS:
            return (
                self.tr("诊疗项目查询"),
                self.tr("诊疗项目"),
                self.tr("项目名称、项目编码或拼音首字母，按回车查询"),
            )
        return (
            self.tr("单位医疗保险缴费查询"),
            self.tr("单位编号"),
            self.tr("14位单位社会保险编号（不是单位名称），按回车查询"),
        )

    def _empty_prompt(self) -> str:
        if self.kind is LookupKind.EMPLOYER:
            return self.tr("请输入14位单位社会保险编号（不是单位名称）后查询。")
        return self.tr("请输入名称、编码或拼音首字母后查询。")

    def focus_search(self) -> None:
        self.edit.setFocus()
        self.edit.selectAll()

    def _period_changed(self, _index: int) -> None:
        """Once a unit number was asked for, the new period is asked for at once (the
        field's text as 查询 would take it); before that there is nothing to redo."""
        if self._asked and self.edit.text().strip():
            self.search()

    def search(self) -> None:
        """The service's answer to the text typed (on a pool thread); an empty field is
        asked for here, without a call."""
        text = self.edit.text()
        if not text.strip():
            # Said once, in red: the grey line (and a result) answered an earlier text and
            # stood beside it (请核对名称… above 请输入名称…).
            self._asked += 1  # an answer still on its way is not shown either
            self.search_button.setEnabled(True)
            self.view.clear()
            self.summary.clear()
            self.note.clear()
            self.error.setText(self._empty_prompt())
            self.edit.setFocus()
            return
        self._asked += 1
        asked = self._asked
        self.error.clear()
        self.note.clear()
        self.summary.setText(self.tr("正在查询…"))
        self.search_button.setEnabled(False)
        call = self._call(text)

        def done(result: Any) -> None:
            if asked == self._asked:
                self.search_button.setEnabled(True)
                self._show(result)

        def failed(error: BaseException) -> None:
            if asked == self._asked:
                self.search_button.setEnabled(True)
                self._refused(error)

        self.runner.run(call, done, failed, name=f"lookup_{self.kind.value}")

    def _call(self, text: str) -> Callable[[], Any]:
        gateway = self.gateway
        if self.kind is LookupKind.DRUGS:
            return lambda: gateway.search_drugs(text, CATALOGUE_SHOWN + 1)
        if self.kind is LookupKind.TREATMENTS:
            return lambda: gateway.search_treatments(text, CATALOGUE_SHOWN + 1)
        actor, months = self._actor(), int(self.months.currentData())
        self._months_asked = months
        return lambda: gateway.employer_contributions(actor, text, months)

    def _show(self, result: Any) -> None:
        if self.kind is LookupKind.EMPLOYER:
            # At the longest period there is no longer one to advise choosing.
            longer = self._months_asked < max(MONTH_CHOICES)
            page: Page = employer_page(result, longer_offered=longer)
            self.summary.setText(
                self.tr("%1（单位编号 %2）")
                .replace("%1", result.name)
                .replace("%2", result.unit_number)
            )
            self.note.clear()
        else:
            rows = list(result)
            shown = drug_result(rows) if self.kind is LookupKind.DRUGS else treatment_result(rows)
            page = shown.page
            found = self.tr("共找到 %1 条。").replace("%1", str(len(rows)))
            if not rows:  # the table says 无记录; here what to do about it
                found = self.tr("请核对名称、编码或拼音首字母后重新查询。")
            self.summary.setText("" if shown.note else found)  # cut: the note says how
            self.note.setText(shown.note)
        self.view.show_page(page)

    def _refused(self, error: BaseException) -> None:
        """The service's refusal in its words (no rule references); the last result goes,
        so that nothing on screen answers a text the clerk has since changed."""
        self.view.clear()
        self.summary.clear()
        self.note.clear()
        if isinstance(error, (ServiceError, ValidationError)):
            self.error.setText(clerk_text(str(error)))
        else:  # not a refusal: its text is a program's, not for the clerk (logged by tasks)
            self.error.setText(self.tr("查询未能完成，请重试；如仍不成功，请联系系统管理员。"))
        if isinstance(error, DatabaseUnavailable) and self._on_error is not None:
            self._on_error(error)
        self.edit.setFocus()
