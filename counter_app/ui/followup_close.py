"""The 办结整改 dialog of one follow-up of a poor rating (RULES E3).

Above the two fields the supervisor fills (整改措施, 回访结果) it shows what they need for the
回访 call: the case, the clerk who served, when the holder rated, the due date, the level,
the reasons and the holder's own comment — holder free text, shown as plain text, never as
rich text — and the holder's contact phone masked, with 显示完整电话: the full number comes
only from the service, which checks and audits the reveal (``reveal_followup_phone``).

办结 hands the two texts to ``submit`` and the dialog stays open, the text kept, until the
service has closed the follow-up: a failure is shown here (the outage's 已填写的内容仍保留 is
then true).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter_app.ui.clerk_text import clerk_text
from counter_app.ui.fit import grow_to_fit
from counter_app.ui.item_models import display
from counter_app.ui.text_guard import FieldNotices, guard_text

TEXT_MAX = 500
#: An empty cell (a holder who gave no reason or comment).
EMPTY_CELL = "—"

#: Closes the follow-up with (整改措施, 回访结果); calls back ``closed()`` or ``failed(error)``.
Submit = Callable[[str, str, Callable[[], None], Callable[[BaseException], None]], None]
#: Asks the service for the full phone; calls back ``shown(number)`` ("" = none on record)
#: or ``failed(error)``.
Reveal = Callable[[Callable[[str], None], Callable[[BaseException], None]], None]


def plain_label(text: str = "") -> QLabel:
    """A label for data (holder free text among it): plain text, wrapped, selectable."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class FollowUpDetails(QWidget):
    """What the holder complained about and how to call them back, for one follow-up."""

    def __init__(
        self,
        item: Any,
        full_phone: str | None = None,
        reveal: Reveal | None = None,
        failed: Callable[[BaseException], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("followUpDetails")
        self.item = item
        self._reveal, self._failed = reveal, failed
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.values: dict[str, QLabel] = {}
        rows = [
            ("case", self.tr("办件编号"), item.case_no),
            ("staff", self.tr("经办人"), f"{item.staff_no} {item.staff_name}"),
            ("rated_at", self.tr("评价时间"), display(item.rated_at)),
            ("due", self.tr("整改到期日"), display(item.due_date)),
            ("level", self.tr("评价"), item.level_label),
            ("reasons", self.tr("原因"), "、".join(item.reasons) or EMPTY_CELL),
            ("comment", self.tr("持卡人意见"), item.comment or EMPTY_CELL),
            ("holder", self.tr("持卡人"), f"{item.holder_name} {item.masked_ssn}"),
        ]
        for key, label, value in rows:
            self.values[key] = plain_label(value)
            form.addRow(label, self.values[key])
        self.phone = plain_label()
        self.phone.setObjectName("followUpPhone")
        self.reveal_button = QPushButton(self.tr("显示完整电话"))
        self.reveal_button.setObjectName("revealFollowUpPhone")
        self.reveal_button.setToolTip(
            self.tr("显示持卡人的完整联系电话，用于回访（将记录查看日志）")
        )
        self.reveal_button.clicked.connect(self.reveal)
        self.reveal_button.setAutoDefault(False)  # Enter never reveals (audited)
        phone_row = QHBoxLayout()
        phone_row.addWidget(self.phone, 1)
        phone_row.addWidget(self.reveal_button)
        form.addRow(self.tr("联系电话"), phone_row)
        if full_phone is not None:
            self.phone.setText(full_phone or self.tr("无联系电话"))
            self.reveal_button.setVisible(False)
        else:
            self.phone.setText(item.masked_phone or self.tr("无联系电话"))
            self.reveal_button.setVisible(bool(item.masked_phone) and reveal is not None)

    def reveal(self) -> None:
        """The full number, once the service has checked and audited the reveal."""
        if self._reveal is None:
            return
        self.reveal_button.setEnabled(False)  # one request at a time
        self._reveal(self.show_phone, self._refused)

    def show_phone(self, number: str) -> None:
        """The revealed number; the button stays in its place, off: hiding it re-laid the
        form out and cut the comment's second line (seen under Xvfb)."""
        self.phone.setText(number or self.tr("无联系电话"))
        self.reveal_button.setEnabled(False)
        grow_to_fit(self.window())

    def _refused(self, error: BaseException) -> None:
        self.reveal_button.setEnabled(True)
        if self._failed is not None:
            self._failed(error)


class CloseFollowUpDialog(QDialog):
    """The follow-up's details, then 整改措施 and 回访结果. 办结 hands them to ``submit`` and
    the dialog stays open, the text kept, until the service has closed the follow-up."""

    def __init__(
        self,
        item: Any,
        parent: QWidget | None = None,
        submit: Submit | None = None,
        reveal: Reveal | None = None,
        full_phone: str | None = None,
    ) -> None:
        super().__init__(parent)
        self._submit = submit
        #: 办结 was pressed and the service has not answered yet.
        self.sending = False
        self.setObjectName("closeFollowUpDialog")
        self.setWindowTitle(self.tr("办结整改"))
        self.setMinimumWidth(560)
        self.item = item
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        self.details = FollowUpDetails(item, full_phone, reveal, self._refused, self)
        self.action_edit = QPlainTextEdit()
        self.action_edit.setObjectName("followupAction")
        self.outcome_edit = QPlainTextEdit()
        self.outcome_edit.setObjectName("followupOutcome")
        form = QFormLayout()
        notices = FieldNotices(self._say)
        for edit, label in (
            (self.action_edit, self.tr("整改措施")),
            (self.outcome_edit, self.tr("回访结果")),
        ):
            # Tab goes on to the next field (it typed a tab character into 整改措施), and
            # pasted invisible characters leave the text, the clerk told (text_policy).
            edit.setTabChangesFocus(True)
            guard_text(edit, label, notices.for_field(label))
            form.addRow(label, edit)
        buttons = QDialogButtonBox()
        ok = buttons.addButton(self.tr("办结"), QDialogButtonBox.ButtonRole.AcceptRole)
        assert ok is not None
        self.ok: QPushButton = ok
        buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.details)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.action_edit.setFocus()

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

    def _refused(self, error: BaseException) -> None:
        """The full phone was not given (an outage, a follow-up closed meanwhile)."""
        self._say(clerk_text(str(error)))

    def _say(self, text: str) -> None:
        self.error.setText(text)
        grow_to_fit(self)  # a wrapped message shown whole
