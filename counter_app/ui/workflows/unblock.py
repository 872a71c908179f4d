"""密码解锁 (RULES P6): ID document (the P5 check) → the holder types their PIN on the holder
keypad → ``pin_reset.unblock_pin`` puts the card's retry counter back and verifies that PIN
→ result and the 密码解锁回执 (issued by the service as a registered form; drawn here off
the GUI process when the helper process runs).

The PIN is asked first and sent by the same service call, right after the unblock
(docs/ARCHITECTURE.md "PIN entry"). A wrong PIN then does not undo the unblock: the result
page says so, with the tries left, and — as on a touch screen (RULES Q1: on a wrong password
the holder types again) — offers 请持卡人重新输入密码 while tries are left
(``verify_after_unblock`` on the card, its answer audited); it still points to a reset (F6)
for a holder who has forgotten it. A last wrong try locks the PIN again, and the page says so.

The services unreachable after the card answered the PIN (``AnswerNotRecorded``): the card
did answer, so the page shows that answer (密码正确, or the real tries left) in place of
the earlier verdict, the outage banner says the check could not be recorded, and the answer
is recorded again as soon as the services answer any call (or 补记核对结果 is pressed) — the
service records one verdict once, so a record that did arrive is not written twice. The PIN
is never kept for that: only the card's answer is.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from PyQt6.QtWidgets import QPushButton

from counter_app.services.errors import DatabaseUnavailable
from counter_app.services.permissions import ACTION_LABELS, Action
from counter_app.services.unblock_verify import SUCCESS, VERDICTS, AnswerNotRecorded
from counter_app.ui.card_session import purpose_text
from counter_app.ui.keypad import PinRequest
from counter_app.ui.workflows.card_id_dialog import CardIdDialog
from counter_app.ui.workflows.steps import (
    HolderPins,
    pin_page,
    wipe_all,
)
from reader.errors import CardRemoved, NoCard, PinBlocked
from reader.pinbuffer import PinBuffer

if TYPE_CHECKING:
    from counter_app.ui.workflows.host import WorkflowHost


class UnblockDialog(CardIdDialog):
    def __init__(self, window: WorkflowHost) -> None:
        super().__init__(
            window,
            window.tr("密码解锁"),
            window.tr(
                "卡密码连续输错被锁定时，凭本人有效身份证件解锁。请核验证件，"
                "证件号码须与卡内记载的公民身份号码一致。"
            ),
        )
        self.pin_page, self.status = pin_page(
            self.tr(
                "解锁后请持卡人在持卡人密码键盘上输入卡密码，以验证密码。"
                "持卡人已忘记密码时，请改为办理“重置遗忘密码”（F6）。"
            )
        )
        self.pins = HolderPins(self, self.tr(ACTION_LABELS[Action.UNBLOCK_PIN]), self.status)
        self.add_page(self.pin_page, self._ask)
        #: On the result page after a wrong PIN, while tries are left (RULES Q1).
        self.again_button = QPushButton(self.tr("请持卡人重新输入密码"))
        self.again_button.setObjectName("pinAgainButton")
        self.again_button.setAutoDefault(False)
        self.again_button.clicked.connect(self._again)
        self.again_button.hide()
        self.result_buttons.addWidget(self.again_button)
        #: What the last entry after the unblock came to (shown above the receipt line).
        self.verify_note = ""
        #: The card's answers the services could not record yet, oldest first.
        self.unrecorded: list[AnswerNotRecorded] = []
        self._recording = False
        self.record_button = QPushButton(self.tr("补记核对结果"))
        self.record_button.setObjectName("recordVerifyButton")
        self.record_button.setAutoDefault(False)
        self.record_button.clicked.connect(self._record_again)
        self.record_button.hide()
        self.result_buttons.addWidget(self.record_button)
        self.listen(window.runner.answered, self._services_back)
        self.begin()

    def _check_document(self) -> None:
        self.id_step.verify(self, Action.UNBLOCK_PIN, self._document_ok)

    def _document_ok(self) -> None:
        self.next_button.setText(self.tr("解锁并请持卡人输入密码"))
        self.go_page(self.pin_page)

    def _ask(self) -> None:
        self.pins.ask((self.tr("请输入卡密码"),), self._submit)

    def _submit(self, buffers: list[PinBuffer]) -> None:
        (pin,) = buffers
        gateway, actor, session = self.window_.gateway, self.window_.actor, self.session
        document = self.id_step.document()

        def work(client: Any) -> Any:
            try:
                return gateway.unblock_pin(actor, session, client, document, None, pin=pin)
            finally:
                wipe_all(pin)

        self.call(work, self._done, card=True, failed=self._failed)

    def _failed(self, error: BaseException) -> bool:
        self.status.setText("")
        if isinstance(error, AnswerNotRecorded) and error.result is not None:
            # The unblock was done and recorded; the card answered the PIN after it, and
            # only that answer could not be recorded.
            self._done(error.result)
            self._not_recorded(error)
            return True
        return self.document_refused(error)

    def _done(self, result: Any) -> None:
        self.status.setText("")
        self.result = result
        self._tries_known(result.tries_left if result.tries_left is not None else UNBLOCKED_TRIES)
        self._show_outcome(result.verified, result.tries_left)
        self.print_receipt(result, self.tr("密码解锁回执"))

    def _tries_known(self, tries: int) -> None:
        """The chip's counter as the card last said (P6): F7 goes off and the PIN services
        come back on — or F7 again after a last wrong try."""
        bridge = self.window_.bridge
        if bridge.identity is not None:
            bridge.identity = _with_tries(bridge.identity, tries)
        self.identity = _with_tries(self.identity, tries)
        self.window_.refresh_actions()

    def _show_outcome(self, verified: bool | None, tries_left: int | None) -> None:
        text = self.tr("卡密码已解锁，密码错误次数已清零。")
        again = False
        if verified:
            text += "<br>" + self.tr("持卡人已输入密码验证成功。")
        elif verified is False and tries_left:
            again = True
            text += (
                "<br><b>"
                + self.tr(
                    "但持卡人输入的密码不正确（还可尝试 %1 次）。可请持卡人重新输入密码；"
                    "如持卡人已忘记密码，请关闭本窗口后办理“重置遗忘密码”（F6）。"
                ).replace("%1", str(tries_left))
                + "</b>"
            )
        elif verified is False:
            text += (
                "<br><b>"
                + self.tr(
                    "但持卡人再次输错密码，次数已用完，卡密码已重新锁定。"
                    "如持卡人已忘记密码，请关闭本窗口后办理“重置遗忘密码”（F6）。"
                )
                + "</b>"
            )
        if self.verify_note:
            text += "<br><b>" + self.verify_note + "</b>"
        text += "<br><br>" + self.tr(
            "请打印《密码解锁回执》，交持卡人签字；档案联留存，持卡人联交持卡人。"
        )
        self.again_button.setVisible(again)
        self.again_button.setEnabled(again and not self.cancelled_reason)
        self.show_result(text)

    # -- the holder types again (RULES Q1) ---------------------------------------------

    def _again(self) -> None:
        result = self.result
        if result is None or not result.tries_left or self.cancelled_reason:
            return
        if not self.window_.bridge.card_present:
            self.card_pulled()
            return
        self.error("")
        self.again_button.setEnabled(False)
        request = PinRequest(
            purpose_text(self.tr(ACTION_LABELS[Action.UNBLOCK_PIN]), self.identity),
            self.tr("请重新输入卡密码"),
            result.tries_left,
        )
        self.window_.pins.ask(request, self._got_again)
        self.window_.pins.show_message(
            self.tr("密码错误，还可尝试 %1 次。请重新输入。").replace("%1", str(result.tries_left))
        )

    def _got_again(self, pin: PinBuffer | None) -> None:
        if pin is None:
            if not self.cancelled_reason:
                self.again_button.setEnabled(True)
                self.error(self.tr("持卡人取消了密码输入。卡密码已解锁，不受影响。"))
            return
        gateway, actor, session = self.window_.gateway, self.window_.actor, self.session
        result = self.result

        def work(client: Any) -> Any:
            try:
                return gateway.verify_after_unblock(actor, session, client, result, pin)
            finally:
                wipe_all(pin)

        self.call(work, self._verified, card=True, failed=self._verify_failed)

    def _verified(self, result: Any) -> None:
        self.window_.pins.finish()
        self.result = result
        if result.tries_left is not None:
            self._tries_known(result.tries_left)
        elif result.verified:
            self._tries_known(UNBLOCKED_TRIES)
        self._show_outcome(result.verified, result.tries_left)

    def _verify_failed(self, error: BaseException) -> bool:
        self.window_.pins.finish()
        if isinstance(error, AnswerNotRecorded):
            self._answer_kept(error)
            return True
        if isinstance(error, PinBlocked):  # the last try was wrong: locked again (P6)
            self.result = dataclasses.replace(self.result, verified=False, tries_left=0)
            self._tries_known(0)
            self._show_outcome(False, 0)
            return True
        if isinstance(error, (CardRemoved, NoCard)):
            self.card_pulled()
            return True
        self.again_button.setEnabled(True)
        return False

    # -- the card answered, the services did not record it ---------------------------------

    def _answer_kept(self, error: AnswerNotRecorded) -> None:
        """The card's answer to the PIN typed again, shown though it was not recorded."""
        if error.answer in VERDICTS and error.result is not None:
            self.result = error.result
            tries = error.result.tries_left
            self._tries_known(UNBLOCKED_TRIES if error.answer == SUCCESS else int(tries or 0))
        self._not_recorded(error)
        if error.answer not in VERDICTS and not self.window_.bridge.card_present:
            self.card_pulled()

    def _not_recorded(self, error: AnswerNotRecorded) -> None:
        if error.answer in VERDICTS:
            self.unrecorded.append(error)
            self.verify_note = self.tr(
                "本次密码核对结果未能记录（无法连接业务服务器）。连接恢复后将自动补记，"
                "也可点击“补记核对结果”。"
            )
        else:  # the card did not judge the PIN: nothing to record again
            self.verify_note = self.tr(
                "卡未能核对本次输入的密码（读卡出错或卡被拔出），且无法连接业务服务器，未能记录。"
            )
        result = self.result
        self._show_outcome(result.verified, result.tries_left)
        self.record_button.setVisible(bool(self.unrecorded))
        self.record_button.setEnabled(not self._recording)
        self.window_.db_down(str(error))
        self.error(str(error), outage=True)  # after the result page cleared the banner

    def _services_back(self) -> None:
        """The services answered a call: record what they could not before."""
        if self.unrecorded and not self._recording:
            self._record_again()

    def _record_again(self) -> None:
        if not self.unrecorded or self._recording:
            return
        lost = self.unrecorded[0]
        gateway, actor, session = self.window_.gateway, self.window_.actor, self.session
        self._recording = True
        self.record_button.setEnabled(False)

        def work() -> None:
            gateway.record_unblock_verify(
                actor, session, lost.event_id, lost.answer, lost.tries_left, lost.card_error
            )

        def recorded(_none: Any) -> None:
            self._recording = False
            if lost in self.unrecorded:
                self.unrecorded.remove(lost)
            if self.unrecorded:
                self._record_again()
                return
            self.record_button.hide()
            self.verify_note = self.tr("本次密码核对结果已补记。")
            self.error("")
            if self.finished_ok:
                self._show_outcome(self.result.verified, self.result.tries_left)

        def failed(error: BaseException) -> None:
            self._recording = False
            self.record_button.setEnabled(True)
            if isinstance(error, DatabaseUnavailable):
                self.window_.db_down(str(error))
                self.error(str(error), outage=True)
                return
            # Refused (the session ended meanwhile): it cannot be recorded any more.
            self.unrecorded.clear()
            self.record_button.hide()
            self.error(str(error))

        self.window_.runner.run(work, recorded, failed, name="record_unblock_verify")

    def reject(self) -> None:  # QDialog's name: 关闭, Esc and the title bar's ×
        """With a PIN check the card answered but the services have not recorded yet
        (RULES Q7), the clerk confirms first, 继续等待 the default: the dialog is what
        records it once the server answers, so closing it loses the record."""
        if not (self.unrecorded and self.isVisible()):
            super().reject()
            return
        self.confirm_close(
            self.tr("本次密码核对结果尚未记录，确认关闭？"),
            self.tr("业务服务器恢复答复后，本窗口会自动补记；关闭后将不能再补记。"),
            self.tr("仍然关闭"),
            self.tr("继续等待"),
        )

    def card_pulled(self) -> None:
        """The card left: before the unblock, the workflow stops (``WorkflowDialog``);
        after it, the unblock stands and the holder can no longer type again here."""
        if not self.finished_ok:
            super().card_pulled()
            return
        self.window_.pins.cancel()
        self.again_button.setEnabled(False)
        self.error(self.tr("社保卡已被拔出，不能再请持卡人输入密码。卡密码已解锁，不受影响。"))


#: The tries a PIN has again after an unblock (CARD.md: the counter goes back to three).
UNBLOCKED_TRIES = 3


def _with_tries(identity: Any, tries: int) -> Any:
    try:
        return dataclasses.replace(identity, pin_tries_left=tries)
    except TypeError:  # not a dataclass (a test double): leave it
        return identity
