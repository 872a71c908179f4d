"""解除挂失 (RULES U1–U5): the found card in the reader → ID document → the U1–U5 checklist
(``lifting.check_lift``, one line per rule, each refusal with its reason and what to do,
said once, under the list) → supervisor approval (setting ``four_eyes``) → the holder
types the card's PIN → ``lifting.lift_loss_report`` → result and the 解除挂失登记表.

The card is the one read from the chip (U5), never typed: the first page waits for it.
As soon as the card is read (F9 pressed with it in the reader, or it is inserted), the rules
that need no document are asked of ``check_lift`` — the office (S3), the very card reported
lost (U5), no replacement (U4), a report in force (U1), the holder's own district (U2) — and
a refusal among them is said once, on the card page, before any ID step: a clerk at the
wrong district learned it only after the whole ID check (new clerk's trial under Xvfb).
Every service is a case the holder rates (RULES E1, E2): a lift started with no holder on
screen (F9 with the found card alone) opens the ID-checked holder session — and with it the
case — once the document is checked against the card's holder, and the window serves that
holder (``WorkflowHost.serve_holder``); the service ends at 结束服务 (F12) with the 告知单
and the rating, like every other. A refused checklist stops here with the reason; the clerk
can go back and correct the document (U2), or tell the holder where to go. The service
checks everything again when it lifts. One submission key per dialog: the approval is bound
to it (``lift_digest``) and a retried submission is answered from the stored result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QLabel, QListView, QListWidget, QWidget

from counter_app.services.errors import (
    ApprovalInvalid,
    ApprovalRequired,
    ServiceError,
)
from counter_app.services.idcheck import ID_DOCUMENT_LABELS, IdDocumentKind
from counter_app.services.permissions import ACTION_LABELS, Action
from counter_app.ui.fit import grow_to_fit
from counter_app.ui.item_models import display
from counter_app.ui.workflows.approval import approval_step
from counter_app.ui.workflows.base import WorkflowDialog
from counter_app.ui.workflows.form_parts import add_print_buttons, form_pdf, page_with_form
from counter_app.ui.workflows.lift_checklist import (
    advice,
    approval_pending,
    list_checklist,
    next_step_text,
)
from counter_app.ui.workflows.steps import HolderPins, IdDocumentStep, pin_page, wipe_all
from reader.errors import PinBlocked, WrongPin
from reader.pinbuffer import PinBuffer

if TYPE_CHECKING:
    from counter_app.ui.workflows.host import WorkflowHost

#: Why the holder's records are opened when the lift identifies them (RULES Q7).
LIFT_SESSION_REASON = "办理解除挂失"


class LiftDialog(WorkflowDialog):
    needs_card = True

    def __init__(self, window: WorkflowHost) -> None:
        super().__init__(window, window.tr("解除挂失"))
        window.card_login.cancel()  # the found card is read here, not logged in with
        self.identity: Any = window.bridge.identity
        self.checklist: Any = None
        #: The holder session this lift opened (E1: its case), None when one was open.
        self.opened_session: Any = None
        self.printer: Any = None
        self.result: Any = None
        #: The page on which a refusal stands (the card's, the checklist, a blocked PIN):
        #: nothing is left to lose there, so 取消 closes without 确认放弃本次办理？.
        self.refused_on: QWidget | None = None
        #: Why the card in the reader cannot be lifted here (before any document), or "".
        self.card_refusal = ""

        self.card_page, card_form = page_with_form()
        self.card_label = QLabel()
        self.card_label.setObjectName("liftCard")
        self.card_label.setWordWrap(True)
        card_form.addRow(self.card_label)
        self.add_page(self.card_page, self._check_card)
        self.listen(window.bridge.card_ready, self._card_ready)

        accepted = "、".join(
            ID_DOCUMENT_LABELS[k]
            for k in (IdDocumentKind.RESIDENT_ID, IdDocumentKind.HOUSEHOLD_REGISTER)
        )
        self.id_step = IdDocumentStep(
            self.tr("解除挂失须持卡人本人持%1办理。请核验证件。").replace("%1", accepted)
        )
        self.add_page(self.id_step.page, self._check_document)

        self.check_page, check_form = page_with_form()
        check_form.addRow(QLabel(self.tr("解除挂失条件核对：")))
        self.check_list = QListWidget()
        self.check_list.setObjectName("liftChecklist")
        # Each line whole on screen: a long one (电话挂失于 …，书面挂失于 …，编号 …) wraps
        # instead of running off the right edge behind a scroll bar.
        self.check_list.setWordWrap(True)
        self.check_list.setResizeMode(QListView.ResizeMode.Adjust)
        self.check_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        check_form.addRow(self.check_list)
        self.advice = QLabel()
        self.advice.setObjectName("liftAdvice")
        self.advice.setWordWrap(True)
        check_form.addRow(self.advice)
        self.add_page(self.check_page, self._checked)

        gateway, actor, key = window.gateway, window.actor, self.idempotency_key
        self.approval = approval_step(
            self,
            Action.LIFT_LOSS_REPORT.value,
            lambda: gateway.lift_digest(actor, self.identity, key),
        )
        if self.approval is not None:
            self.add_page(self.approval.page, lambda: self._approve(), self.approval.next_text)
        self.pin_page, self.status = pin_page(
            self.tr(
                "请持卡人在持卡人密码键盘上输入这张卡的密码，证明是本人的卡。密码正确后即解除挂失。"
            )
        )
        self.pins = HolderPins(self, self.tr(ACTION_LABELS[Action.LIFT_LOSS_REPORT]), self.status)
        self.add_page(self.pin_page, self._ask)
        self.begin()
        self._show_card()
        self._check_card_alone()

    # -- the card (U5: read from the chip) ---------------------------------------------

    def _card_ready(self, identity: Any) -> None:
        if self.stack.currentWidget() is self.card_page and not self.cancelled_reason:
            self.identity = identity
            self._show_card()
            if self.refused_on is self.card_page:  # another card: the last one's refusal goes
                self.refused_on = None
                self.error("")
                self.next_button.setEnabled(True)
            self._check_card_alone()

    def _check_card_alone(self) -> None:
        """The rules no document changes, asked of ``check_lift`` as soon as the card is
        read (U1, U2, U4, U5, S3): a refusal is said at once, before the ID step."""
        identity = self.identity
        if identity is None or not self.window_.bridge.card_present:
            return
        gateway, actor = self.window_.gateway, self.window_.actor

        def checked(checklist: Any) -> None:
            refusal = checklist.refusal
            if identity is self.identity and refusal is not None:
                self._refuse_card(refusal)

        def failed(error: BaseException) -> bool:
            if _is_outage(error):
                return False  # the banner; the checklist after the document asks again
            if identity is self.identity and isinstance(error, ServiceError):
                self._refuse_card(error)
            return True  # otherwise the checklist after the document says it

        self.call(lambda: gateway.check_lift(actor, identity, None), checked, failed=failed)

    def _refuse_card(self, refusal: BaseException) -> None:
        """The card page says why no lift can be done here, once; 下一步 stays off."""
        if self.stack.currentWidget() is not self.card_page or self.cancelled_reason:
            return
        self.refused_on = self.card_page
        self.card_refusal = self.tr("不能解除挂失：") + str(refusal)
        self.error(self.card_refusal)
        self.next_button.setEnabled(False)

    def _show_card(self) -> None:
        i = self.identity
        if i is None:
            self.card_label.setText(
                self.tr(
                    "请将持卡人找回的社保卡插入读卡器（照片面向下）。卡号从芯片读取，不能手工输入。"
                )
            )
            return
        self.card_label.setText(
            self.tr("读卡器中的卡（从芯片读取）：")
            + f"<br>{self.tr('卡号')}：<b>{display(i.card_number, 'card_number')}</b>"
            f"<br>{self.tr('姓名')}：{i.name}"
            f"<br>{self.tr('公民身份号码')}：{display(i.ssn, 'ssn')}"
        )

    def _check_card(self) -> None:
        if self.identity is None or not self.window_.bridge.card_present:
            self.error(self.tr("读卡器中没有卡。请插入持卡人找回的原卡。"))
            return
        if self.refused_on is self.card_page:
            self.error(self.card_refusal)  # still refused: said again, never the ID step
            return
        self.go_page(self.id_step.page)

    # -- document and checklist --------------------------------------------------------

    def _check_document(self) -> None:
        problem = self.id_step.fields.check()
        if problem:
            self.error(problem)
            return
        gateway, actor, identity = self.window_.gateway, self.window_.actor, self.identity
        document = self.id_step.document()
        self.call(
            lambda: gateway.check_lift(actor, identity, document),
            self._document_checked,
        )

    def _document_checked(self, checklist: Any) -> None:
        """With no holder on screen, the document checked against the card's holder opens
        their session — the case the holder rates at the end (E1, E2) — then the checklist."""
        window = self.window_
        holder_id = checklist.holder_id
        if window.holder.session is not None or holder_id is None:
            self._show_checklist(checklist)
            return
        gateway, actor, document = window.gateway, window.actor, self.id_step.document()
        reason = self.tr(LIFT_SESSION_REASON)

        def opened(session: Any) -> None:
            self.opened_session = session
            window.serve_holder(session)
            self._show_checklist(checklist)

        def refused(error: BaseException) -> bool:
            if _is_outage(error):
                return False  # the banner; the clerk presses 下一步 again
            self._show_checklist(checklist)
            if checklist.ok:  # no case, no lift: every service is a case (E1)
                self.error(self.tr("不能开始为持卡人服务：") + str(error))
                self.next_button.setEnabled(False)
            return True

        self.call(
            lambda: gateway.open_id_session(actor, holder_id, document, reason),
            opened,
            failed=refused,
        )

    def _show_checklist(self, checklist: Any) -> None:
        self.checklist = checklist
        self._list_checklist()
        if checklist.ok:
            # Set before the page is shown: 上一步 from the supervisor's page restores the
            # text the checklist was shown with (``WorkflowDialog.go``).
            self.next_button.setText(next_step_text(self.approval))
        self.go_page(self.check_page)
        if checklist.ok:
            self.refused_on = None
            self._advise()
        else:
            # Said once, under the list (the banner repeated it word for word).
            self.refused_on = self.check_page
            refusal = checklist.refusal
            self.advice.setText(
                self.tr("不能解除挂失：")
                + (str(refusal) if refusal is not None else "")
                + "<br>"
                + self.tr("请按上面标 ✘ 的条目处理；证件问题可返回上一步更正。")
            )
            self.advice.setStyleSheet("color: #b00020;")
            self.next_button.setEnabled(False)
            grow_to_fit(self)  # the reason is shown whole, never cut off

    def _list_checklist(self) -> None:
        list_checklist(self.check_list, self.checklist, self.approval)

    def _advise(self) -> None:
        self.advice.setText(advice(self.checklist, self.approval))
        self.advice.setStyleSheet("")

    def go(self, index: int) -> None:
        super().go(index)
        if not self.cancelled_reason:
            self.next_button.setEnabled(True)
        checklist = self.checklist
        if self.stack.currentWidget() is self.check_page and checklist is not None:
            if checklist.ok:
                # Back from a later step: the approval given (or spent, and asked again)
                # since the list was drawn changes what is pending and what comes next.
                self._list_checklist()
                self._advise()
                self.next_button.setText(next_step_text(self.approval))

    def _checked(self) -> None:
        if self.checklist is None or not self.checklist.ok:
            return
        if approval_pending(self.approval):
            assert self.approval is not None
            self.go_page(self.approval.page)
        else:
            self._to_pin()  # four-eyes off, or approved already (上一步 to the list)

    def _approve(self) -> None:
        assert self.approval is not None
        self.approval.run(self._approved)

    def _approved(self) -> None:
        """The supervisor approved: the checklist names the holder's PIN as what is next."""
        if self.checklist is not None and self.checklist.ok:
            self._list_checklist()
            self._advise()
        self._to_pin()

    def _to_pin(self) -> None:
        self.next_button.setText(self.tr("请持卡人输入密码"))
        self.go_page(self.pin_page)

    # -- the lift ----------------------------------------------------------------------

    def _ask(self) -> None:
        tries = getattr(self.identity, "pin_tries_left", None)
        self.pins.ask((self.tr("请输入社保卡密码"),), self._submit, tries_left=tries)

    def _submit(self, buffers: list[PinBuffer]) -> None:
        (pin,) = buffers
        gateway, actor, key = self.window_.gateway, self.window_.actor, self.idempotency_key
        document = self.id_step.document()
        approved = self.approval.approval if self.approval is not None else None

        def work(client: Any) -> Any:
            try:
                return gateway.lift_loss_report(actor, client, pin, document, approved, key)
            finally:
                wipe_all(pin)

        self.call(work, self._lifted, card=True, failed=self._failed)

    def _lifted(self, result: Any) -> None:
        """The lift is done; its form is drawn by a pool job (the card thread is free)."""
        gateway = self.window_.gateway
        self.call(lambda: (result, form_pdf(gateway, result)), self._done)

    def _failed(self, error: BaseException) -> bool:
        self.status.setText("")
        if isinstance(error, WrongPin):
            self.error(str(error))
            self.identity = _with_tries(self.identity, error.tries_left)
            self.next_button.setText(self.tr("请持卡人重新输入"))
            return True
        if isinstance(error, PinBlocked):
            self.error(
                str(error)
                + "<br>"
                + self.tr(
                    "卡密码已锁定，本次不能解除挂失。请告知持卡人：该卡处于挂失状态，"
                    "不能在窗口解锁密码；可申请补卡（F10）。"
                )
            )
            self.refused_on = self.pin_page
            self.next_button.setEnabled(False)
            return True
        if isinstance(error, (ApprovalInvalid, ApprovalRequired)) and self.approval is not None:
            self.approval.forget()
            self.error(str(error))
            self.go_page(self.approval.page)
            return True
        if isinstance(error, ServiceError) and not _is_outage(error):
            self.error(self.tr("不能解除挂失：") + str(error))
            return True
        return False

    def _done(self, outcome: tuple[Any, bytes]) -> None:
        result, pdf = outcome
        self.result = result
        self.status.setText("")
        text = self.tr("挂失已解除，该卡恢复正常使用。解除挂失登记表编号：") + (
            f"<b>{result.serial}</b>"
        )
        if result.app_unblocked:
            text += "<br>" + self.tr("芯片中被临时锁定的社保应用已同时解锁。")
        if result.already_done:
            text += "<br>" + self.tr("（此前已提交成功，本次未重复办理。）")
        text += "<br><br>" + self.tr(
            "请打印《解除挂失登记表》，交持卡人签字；档案联留存，持卡人联交持卡人。"
        )
        text += "<br>" + self.tr(
            "办理完毕后请点击“结束服务并打印告知单（F12）”：打印告知单，并请持卡人评价。"
        )
        self.show_result(text)
        add_print_buttons(self, pdf, f"{self.tr('解除挂失登记表')} {result.serial}")

    def nothing_to_lose(self) -> bool:
        """After a refusal on the page shown: 取消 closes at once, without 确认放弃本次办理？
        (the clerk had to confirm giving up what was refused)."""
        return self.refused_on is not None and self.refused_on is self.stack.currentWidget()

    def done(self, result: int) -> None:
        self.pins.wipe()
        super().done(result)


def _is_outage(error: BaseException) -> bool:
    from counter_app.services.errors import DatabaseUnavailable

    return isinstance(error, DatabaseUnavailable)


def _with_tries(identity: Any, tries: int) -> Any:
    import dataclasses

    try:
        return dataclasses.replace(identity, pin_tries_left=tries)
    except TypeError:
        return identity
