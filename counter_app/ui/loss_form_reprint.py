"""补打挂失登记表 on the card status page (RULES L4: a card already reported lost is not
reported again; staff are shown the existing report and may reprint its form, marked as a
copy).

While the served holder's card is reported lost in writing, the 卡状态与历史 page carries a
row with the 补打挂失登记表 button. The clerk says why (the reason is printed on the copy
and audited); the service (``reprint_loss_form``) picks the form of the written report in
force from the database — never a serial typed or read off the screen — records the
reprint and draws it marked 补打; the print preview of that copy opens. The reason dialog
stays open, the reason kept, until the reprint succeeds: an outage or a refused reason is
said in it. That the holder has no form to reprint is final: the dialog goes and the row
shows the refusal in full.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PyQt6.QtCore import pyqtSignal
from PyQt6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter_app.api import CounterServices
from counter_app.services.context import Actor
from counter_app.services.errors import DatabaseUnavailable, FormNotFound
from counter_app.ui.clerk_text import clerk_text
from counter_app.ui.fit import grow_to_fit
from counter_app.ui.printing import FormPrinter, Printing
from counter_app.ui.tasks import TaskRunner
from counter_app.ui.text_guard import guard_text

#: The usual reasons, offered first; the clerk may type another.
REPRINT_REASONS = ("持卡人联遗失", "档案联遗失", "打印不清或卡纸")

#: The card state whose holder has a 挂失登记表 (a written report in force).
WRITTEN_LOST = "lost"


class ReprintReasonDialog(QDialog):
    """Why the form is printed again: chosen from the usual reasons or typed (never
    pre-selected: the reason is printed on the copy and kept in the audit trail)."""

    def __init__(
        self, parent: QWidget | None = None, submit: Callable[[str], None] | None = None
    ) -> None:
        super().__init__(parent)
        #: Sends the reason (OK); the dialog stays open until ``accept`` or ``refused``.
        self._submit = submit
        #: OK was pressed and the service has not answered yet.
        self.sending = False
        self.setObjectName("reprintReasonDialog")
        self.setWindowTitle(self.tr("补打挂失登记表"))
        self.reason = QComboBox()
        self.reason.setObjectName("reprintReason")
        self.reason.setEditable(True)
        self.reason.addItems([self.tr(r) for r in REPRINT_REASONS])
        self.reason.setCurrentIndex(-1)
        line = self.reason.lineEdit()
        if line is not None:
            line.setPlaceholderText(self.tr("请选择或填写补打原因"))
            line.setMaxLength(100)
        self.problem = QLabel()
        self.problem.setObjectName("reprintReasonProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b00020;")
        self.problem.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if ok is not None:
            ok.setText(self.tr("补打并预览"))
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        if cancel is not None:
            cancel.setText(self.tr("取消"))
        self.buttons.accepted.connect(self._confirm)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        note = QLabel(
            self.tr(
                "补打的挂失登记表与原件编号相同，并标注“补打”、补打次数、原因和经办人。"
                "请选择或填写补打原因："
            )
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addWidget(self.reason)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)
        # The reason is printed on the copy and stored: no invisible characters in it.
        guard_text(self.reason, self.tr("补打原因"), self._say)

    def _say(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.show()
        grow_to_fit(self)  # an outage's two lines shown whole, not over the note (Xvfb)

    def text(self) -> str:
        return self.reason.currentText().strip()

    def _confirm(self) -> None:
        if not self.text():
            self._say(self.tr("请选择或填写补打原因。"))
            return
        if self._submit is None:
            self.accept()
            return
        if self.sending:  # one reprint at a time
            return
        self.problem.hide()
        # Not by disabling OK: the focus would pass to 取消, and Enter would throw the
        # reason away.
        self.sending = True
        self._submit(self.text())

    def refused(self, text: str) -> None:
        """Not reprinted: said here, the reason kept for OK again."""
        self.sending = False
        self._say(clerk_text(text))


class LossFormReprint(QWidget):
    """The row on the card status page: what the clerk may do for a card already reported
    lost in writing, and the 补打挂失登记表 button. Hidden for any other card."""

    #: An outage (``DatabaseUnavailable``): the window shows its banner.
    error = pyqtSignal(object)

    def __init__(
        self,
        gateway: CounterServices,
        runner: TaskRunner,
        printing: Printing,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("lossFormReprint")
        self._gateway, self._runner, self._printing = gateway, runner, printing
        self._actor: Actor | None = None
        self._session: Any = None
        #: The reason dialog while it is open, and the printer of the last copy (tests).
        self.dialog: ReprintReasonDialog | None = None
        self.printer: FormPrinter | None = None
        self.note = QLabel(
            self.tr("该卡已书面挂失，不能重复挂失。持卡人的挂失登记表遗失或损坏的，可以补打。")
        )
        self.note.setWordWrap(True)
        self.button = QPushButton(self.tr("补打挂失登记表"))
        self.button.setObjectName("reprintLossFormButton")
        self.button.setAutoDefault(False)
        self.button.clicked.connect(self.ask)
        self.status = QLabel()
        self.status.setObjectName("reprintStatus")
        self.status.setWordWrap(True)
        self.status.hide()
        row = QHBoxLayout()
        row.addWidget(self.note, 1)
        row.addWidget(self.button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(9, 6, 9, 0)
        layout.addLayout(row)
        layout.addWidget(self.status)
        self.hide()

    def show_for(self, actor: Actor | None, session: Any, card_state: str | None) -> None:
        """Shown while ``session``'s holder's card is reported lost in writing."""
        self._actor, self._session = actor, session
        self.status.hide()
        self.button.setEnabled(True)
        self.setVisible(session is not None and actor is not None and card_state == WRITTEN_LOST)

    def clear(self) -> None:
        if self.dialog is not None:
            self.dialog.reject()
        self.show_for(None, None, None)

    def ask(self) -> None:
        """The reason dialog (window-modal, no nested event loop); 补打 on its OK."""
        if self._session is None or self.dialog is not None:
            return
        dialog = ReprintReasonDialog(self, submit=lambda reason: self._reprint(reason, dialog))
        self.dialog = dialog

        def finished(_code: int) -> None:
            if self.dialog is dialog:
                self.dialog = None

        dialog.finished.connect(finished)
        dialog.open()

    def _reprint(self, reason: str, dialog: ReprintReasonDialog) -> None:
        actor, session = self._actor, self._session
        assert actor is not None and session is not None
        self.button.setEnabled(False)
        self._say(self.tr("正在补打挂失登记表…"), problem=False)

        def printed(copy: Any) -> None:
            dialog.accept()  # only now does the reason the clerk gave go
            if self._session is not session:
                return
            self.button.setEnabled(True)
            self._say(
                self.tr("已补打挂失登记表 %1（标注“补打”），请在打印预览中打印。").replace(
                    "%1", copy.serial
                ),
                problem=False,
            )
            self.printer = self._printing.form(copy.pdf, copy.title, self.window())
            self.printer.show_preview()

        def refused(error: BaseException) -> None:
            if self._session is not session:
                return
            self.button.setEnabled(True)
            if isinstance(error, DatabaseUnavailable):
                self.error.emit(error)
            if not isinstance(error, FormNotFound) and dialog.isVisible():
                self.status.hide()  # said in the dialog, where the reason still is
                dialog.refused(str(error))
                return
            dialog.reject()  # nothing to reprint: final, whatever the reason
            self._say(self.tr("不能补打：") + str(error), problem=True)

        self._runner.run(
            lambda: self._gateway.reprint_loss_form(actor, session, reason),
            printed,
            refused,
            name="reprint_loss_form",
        )

    def _say(self, text: str, *, problem: bool) -> None:
        self.status.setText(clerk_text(text))
        self.status.setStyleSheet("color: #b00020;" if problem else "")
        self.status.show()
