"""重置遗忘密码 (RULES P5, P7): ID document → supervisor approval (setting ``four_eyes``) →
the holder types the new PIN twice on the holder keypad → ``pin_reset.reset_pin`` reloads
the card's PIN without the old one → result and the 密码重置回执, which the service issued
as a registered form (serial, reprint, verify); this dialog only draws it (off the GUI
process when the helper process runs).

The approval is kept for a second try when the service refused before spending it (weak or
differing new PINs, P7); a refused or spent approval is asked for again. The two buffers are
wiped by the service, and here too in ``finally``, whatever happens.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from counter_app.services.errors import ApprovalInvalid, ApprovalRequired
from counter_app.services.permissions import ACTION_LABELS, Action
from counter_app.ui.workflows.approval import approval_step
from counter_app.ui.workflows.card_id_dialog import CardIdDialog
from counter_app.ui.workflows.steps import (
    HolderPins,
    pin_page,
    wipe_all,
)
from reader.pinbuffer import PinBuffer

if TYPE_CHECKING:
    from counter_app.ui.workflows.host import WorkflowHost


class ResetPinDialog(CardIdDialog):
    def __init__(self, window: WorkflowHost) -> None:
        super().__init__(
            window,
            window.tr("重置遗忘密码"),
            window.tr(
                "持卡人忘记卡密码时，凭本人有效身份证件重置。请核验证件，"
                "证件号码须与卡内记载的公民身份号码一致。"
            ),
        )
        gateway, actor, session = window.gateway, window.actor, self.session
        # One attempt, one approval: a reset cancelled and started again is a new request.
        self.submission = uuid.uuid4().hex
        submission = self.submission
        self.approval = approval_step(
            self,
            Action.RESET_PIN.value,
            lambda: gateway.pin_reset_digest(actor, session, submission),
        )
        if self.approval is not None:
            self.add_page(self.approval.page, lambda: self._approve(), self.approval.next_text)
        self.pin_page, self.status = pin_page(
            self.tr(
                "请持卡人在持卡人密码键盘上输入新密码两次。新密码不能为 123456、"
                "六位相同数字或连续数字。工作人员不接触密码。"
            )
        )
        self.pins = HolderPins(self, self.tr(ACTION_LABELS[Action.RESET_PIN]), self.status)
        self.add_page(self.pin_page, self._ask)
        self.begin()

    def _check_document(self) -> None:
        self.id_step.verify(self, Action.RESET_PIN, self._document_ok)

    def _document_ok(self) -> None:
        if self.approval is not None:
            self.go_page(self.approval.page)
        else:
            self._to_pins()

    def _approve(self) -> None:
        assert self.approval is not None
        self.approval.run(self._to_pins)

    def _to_pins(self) -> None:
        self.next_button.setText(self.tr("请持卡人输入新密码"))
        self.go_page(self.pin_page)

    def _ask(self) -> None:
        self.pins.ask(
            (self.tr("请输入新密码"), self.tr("请再次输入新密码")),
            self._submit,
            new_pin=0,
            purpose=Action.RESET_PIN,
        )  # RULES P7 checked as soon as the holder typed it (each refusal audited)

    def _submit(self, buffers: list[PinBuffer]) -> None:
        new1, new2 = buffers
        gateway, actor, session = self.window_.gateway, self.window_.actor, self.session
        document = self.id_step.document()
        approved = self.approval.approval if self.approval is not None else None

        def work(client: Any) -> Any:
            try:
                return gateway.reset_pin(
                    actor, session, client, document, new1, new2, approved, self.submission
                )
            finally:
                wipe_all(new1, new2)

        self.call(work, self._done, card=True, failed=self._failed)

    def _failed(self, error: BaseException) -> bool:
        self.status.setText("")
        if isinstance(error, (ApprovalInvalid, ApprovalRequired)) and self.approval is not None:
            self.approval.forget()
            self.error(str(error))
            self.go_page(self.approval.page)
            return True
        if self.document_refused(error):
            return True
        self.next_button.setText(self.tr("请持卡人重新输入"))
        return False

    def _done(self, result: Any) -> None:
        self.status.setText("")
        self.show_result(
            self.tr("卡密码已重置。请提醒持卡人牢记新密码，勿告知他人。")
            + "<br><br>"
            + self.tr("请打印《密码重置回执》，交持卡人签字；档案联留存，持卡人联交持卡人。")
        )
        self.print_receipt(result, self.tr("密码重置回执"))
