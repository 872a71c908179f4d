"""工亡人员待遇查询 (RULES Q5): a deceased holder's work-death record and the survivors'
pensions by the deceased's 社会保障号码, for the family at the window — opened from the 查询
menu (Ctrl+Shift+W, :mod:`counter_app.ui.lookup_menu`), with a holder on screen or none.

Why a look-up of its own: the holder is dead. Nobody can present their card and PIN, nor be
identified as them by an ID document (the ID check refuses a deceased holder and points the
clerk here), yet Q5 says the family may ask. So the clerk types the deceased's number and
why and for whom (查询事由, e.g. 家属查询（配偶）); the service checks the number (the ID-number
check's own message), the reason (the input policy) and the clerk's permission, and audits
who, where, when, whose record and why in the read's transaction (Q7). The result is the
holder view's own 工亡人员待遇 page (``benefit_pages.death_page``: ¥, Chinese labels, dates,
无记录) under the deceased's name and masked number. A number with no work death — a
living holder's or nobody's — answers 无记录 without a name.

Why 工伤人员待遇 is not here, although Q5 lists it for the phone line too: the injured holder
is alive, and Q7 wants a living holder present and identified at a window — by card and PIN
or an ID check — so the counter shows 工伤 only in the holder's own records (the 工伤人员待遇
tab), never by a typed number.

查询 checks top to bottom, as the clerk filled the window: the number first (the ID-number
check's words, the keyboard back in the number), then the reason. A message leaves as soon
as the field it is about is edited: a checksum error stood beside the corrected number. Each
look-up has its own reason: the reason field is emptied when an answer is shown. The
answer leaves the screen as soon as the number is edited (it is another person's), and the
window forgets number, reason and answer when it is closed. It must not: decide anything
(the service does), or render the record itself (the presentation does).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PyQt6.QtGui import QCloseEvent
from PyQt6.QtWidgets import QComboBox, QLabel, QWidget

from counter_app.presentation.benefit_pages import death_page
from counter_app.services.errors import ReasonRequired
from counter_app.ui.public_lookup import LookupKind, PublicLookupWindow
from counter_app.ui.text_guard import guard_text, on_cleaned_text
from counter_app.validation import ValidationError, parse_id_number
from counter_app.validation.text_policy import SESSION_REASON

if TYPE_CHECKING:
    from counter_app.api import CounterServices
    from counter_app.services.context import Actor
    from counter_app.services.queries.public import WorkDeathBenefits
    from counter_app.ui.tasks import TaskRunner

#: The usual reasons, offered first (never pre-selected); the clerk may type another.
WORK_DEATH_REASONS = (
    "家属查询（配偶）",
    "家属查询（子女）",
    "家属查询（父母）",
    "受托人代家属查询",
)

#: The most a reason may hold (the service's 查询事由 limit, ``text_policy.SESSION_REASON``).
REASON_MAX = 100


class WorkDeathLookupWindow(PublicLookupWindow):
    """The deceased's number, 查询事由, 查询, and the 工亡人员待遇 page."""

    def __init__(
        self,
        gateway: CounterServices,
        runner: TaskRunner,
        actor: Callable[[], Actor],
        parent: QWidget | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        super().__init__(LookupKind.WORK_DEATH, gateway, runner, actor, parent, on_error)
        self.edit.setMaxLength(40)
        self.reason = QComboBox()
        self.reason.setObjectName("lookupReason")
        self.reason.setEditable(True)
        self.reason.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.reason.addItems([self.tr(r) for r in WORK_DEATH_REASONS])
        self.reason.setCurrentIndex(-1)
        self.reason.setMinimumContentsLength(16)
        line = self.reason.lineEdit()
        assert line is not None  # editable
        line.setPlaceholderText(self.tr("请选择或填写查询事由"))
        line.setMaxLength(REASON_MAX)
        line.returnPressed.connect(self.search)
        caption = QLabel(self.tr("查询事由"))
        caption.setBuddy(self.reason)
        at = self.row.indexOf(self.search_button)
        self.row.insertWidget(at, caption)
        self.row.insertWidget(at + 1, self.reason, 1)
        self.setTabOrder(self.edit, self.reason)
        self.setTabOrder(self.reason, self.search_button)
        #: The field the message on screen is about (it goes when that field is edited).
        self.error_about: QWidget | None = None
        # Kept in the audit trail: no invisible characters in it (the service refuses them).
        guard_text(self.reason, self.tr("查询事由"), self._reason_notice)
        # A number changed: the answer shown is another person's — it leaves the screen.
        self.edit.textEdited.connect(self._number_changed)
        # Bound methods, not lambdas: a lambda holding the combo's own line edit (made by
        # Qt, not Python) lost its connection, or crashed, at a garbage collection. Both
        # fields are guarded: each change comes once, as the guard leaves it.
        on_cleaned_text(self.edit, self._number_edited)
        on_cleaned_text(self.reason, self._reason_edited)

    def _texts(self) -> tuple[str, str, str]:
        return (
            self.tr("工亡人员待遇查询"),
            self.tr("已故参保人社会保障号码"),
            self.tr("18位公民身份号码"),
        )

    def _empty_prompt(self) -> str:
        return self.tr(
            "供已故参保人的家属查询：输入已故参保人的社会保障号码，选择或填写查询事由后查询。"
            "在世参保人的工伤待遇须本人持卡或核验证件后查询。"
        )

    def reason_text(self) -> str:
        return self.reason.currentText().strip()

    def search(self) -> None:
        """As every look-up, checked top to bottom without a call: the number (the ID-number
        check's own words; the service checks it again), then the reason asked for."""
        number = self.edit.text()
        if number.strip():
            try:
                parse_id_number(number)
            except ValidationError as error:
                self.view.clear()  # nothing on screen answers a refused number
                self.summary.setText(self._empty_prompt())
                self._say(str(error), self.edit)
                return
            if not self.reason_text():
                self._say(self.tr("请选择或填写查询事由（谁来查询、为何查询）。"), self.reason)
                return
        self.error_about = None
        super().search()
        if self.error.text():  # asked for the number here (an empty field)
            self.error_about = self.edit

    def _say(self, text: str, about: QWidget) -> None:
        """``text`` about the field ``about``, the keyboard there, its text selected (the
        clerk's retyped number replaces it, never lands in another field)."""
        self.error.setText(text)
        self.error_about = about
        about.setFocus()
        line = self.edit if about is self.edit else self.reason.lineEdit()
        if line is not None:
            line.selectAll()

    def _reason_notice(self, text: str) -> None:
        """Invisible characters removed from the reason: said until it is edited again."""
        self.error.setText(text)
        self.error_about = self.reason

    def _number_edited(self, _text: str) -> None:
        self._edited(self.edit)

    def _reason_edited(self, _text: str) -> None:
        self._edited(self.reason)

    def _edited(self, field: QWidget) -> None:
        """The message about ``field`` leaves when the clerk changes it (the guard's
        removal notice, said after the cleaned text came, stays)."""
        if self.error_about is field:
            self.error.clear()
            self.error_about = None

    def _refused(self, error: BaseException) -> None:
        """The service's refusal (super), the keyboard in the field it is about."""
        super()._refused(error)
        about_reason = isinstance(error, ReasonRequired) or (
            isinstance(error, ValidationError) and error.field == SESSION_REASON.key
        )
        self._say(self.error.text(), self.reason if about_reason else self.edit)

    def _number_changed(self) -> None:
        if self.view.page is not None:
            self.view.clear()
            self.summary.setText(self._empty_prompt())

    def _call(self, text: str) -> Callable[[], Any]:
        gateway, actor, reason = self.gateway, self._actor(), self.reason_text()
        return lambda: gateway.work_death_benefits(actor, text, reason)

    def _show(self, result: WorkDeathBenefits) -> None:
        if result.found:
            self.summary.setText(
                self.tr("已故参保人：%1（社会保障号码 %2）")
                .replace("%1", result.name)
                .replace("%2", result.ssn)
            )
        else:
            self.summary.setText(
                self.tr(
                    "社会保障号码 %1 没有工亡记录。请核对号码；"
                    "在世参保人的记录须本人持卡或核验证件后查询。"
                ).replace("%1", result.ssn)
            )
        self.note.clear()
        self.view.show_page(death_page(result.death))
        self.reason.setCurrentIndex(-1)  # the next look-up says its own why
        self.reason.clearEditText()

    def closeEvent(self, event: QCloseEvent | None) -> None:  # Qt's name
        """Closed: the deceased's and the survivors' data leave the screen."""
        self._asked += 1  # an answer still on its way is not shown
        self.edit.clear()
        self.reason.setCurrentIndex(-1)
        self.reason.clearEditText()
        self.view.clear()
        self.error.clear()
        self.note.clear()
        self.search_button.setEnabled(True)
        self.summary.setText(self._empty_prompt())
        super().closeEvent(event)
