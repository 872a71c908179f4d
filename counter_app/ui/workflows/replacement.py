"""补卡申请 (RULES R1, R2): ID document → confirm, with the warning that the old card will
never be unlocked again (U4) → ``replacement.apply_replacement`` → result and the
补卡申请表. A card already replaced is refused with the existing application named; a card
not reported lost is refused with what to do first (a written loss report)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PyQt6.QtWidgets import QCheckBox, QLabel

from counter_app.services.permissions import Action
from counter_app.ui.item_models import display
from counter_app.ui.workflows.base import WorkflowDialog
from counter_app.ui.workflows.form_parts import add_print_buttons, form_pdf, page_with_form
from counter_app.ui.workflows.steps import IdDocumentStep, holder_line

if TYPE_CHECKING:
    from counter_app.ui.workflows.host import WorkflowHost

WARNING = (
    "补卡申请提交后，原卡将永久作废：即使以后找回原卡，也不能再解除挂失、不能再使用"
    "。请务必向持卡人说明并确认。"
)


class ReplacementDialog(WorkflowDialog):
    def __init__(self, window: WorkflowHost) -> None:
        super().__init__(window, window.tr("补卡申请"))
        self.holder_id = window.holder.session.holder_id
        self.printer: Any = None
        self.result: Any = None
        self.id_step = IdDocumentStep(
            self.tr("补卡须持卡人本人持有效身份证件办理。请核验证件。"),
            holder=holder_line(self),
        )
        self.add_page(self.id_step.page, self._check_document)

        self.confirm_page, form = page_with_form()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        form.addRow(self.summary)
        warning = QLabel(self.tr(WARNING))
        warning.setObjectName("replacementWarning")
        warning.setWordWrap(True)
        warning.setStyleSheet("color: #b00020; font-weight: bold;")
        form.addRow(warning)
        self.understood = QCheckBox(self.tr("已向持卡人说明：补卡后原卡永久作废，不能再解除挂失"))
        self.understood.setObjectName("replacementUnderstood")
        form.addRow(self.understood)
        self.add_page(self.confirm_page, self._submit)
        self.begin()

    def _check_document(self) -> None:
        self.id_step.verify(self, Action.REPLACEMENT_APPLICATION, self._confirm)

    def _confirm(self) -> None:
        document = self.id_step.document()
        self.summary.setText(
            holder_line(self)
            + "<br>"
            + self.tr("证件")
            + f"：{self.id_step.kind_text()} {display(document.number, 'ssn')}"
        )
        self.understood.setChecked(False)
        self.next_button.setText(self.tr("确认申请补卡"))
        self.go_page(self.confirm_page)

    def _submit(self) -> None:
        if not self.understood.isChecked():
            self.error(self.tr("请先向持卡人说明原卡将永久作废，并勾选确认。"))
            return
        gateway, actor, holder_id = self.window_.gateway, self.window_.actor, self.holder_id
        document, key = self.id_step.document(), self.idempotency_key

        def work() -> tuple[Any, bytes]:
            result = gateway.apply_replacement(actor, holder_id, document, key)
            return result, form_pdf(gateway, result)  # off the GUI thread (and process)

        self.call(work, self._done)

    def _done(self, outcome: tuple[Any, bytes]) -> None:
        result, pdf = outcome
        self.result = result
        text = self.tr("补卡申请已受理。补卡申请表编号：") + f"<b>{result.serial}</b>"
        # A card number on a screen is masked (first and last four), as everywhere else.
        text += "<br>" + self.tr("原卡（卡号 %1）已永久作废，不能再解除挂失。").replace(
            "%1", display(result.old_card_number, "old_card_number")
        )
        if result.already_done:
            text += "<br>" + self.tr("（此前已提交成功，本次未重复申请。）")
        text += "<br><br>" + self.tr(
            "请打印《补卡申请表》，交持卡人签字；档案联留存，持卡人联交持卡人。"
        )
        self.show_result(text)
        add_print_buttons(self, pdf, f"{self.tr('补卡申请表')} {result.serial}")
