"""密码解锁 (RULES P6): ID document (the P5 check) → the holder types their PIN on the holder
keypad → ``pin_reset.unblock_pin`` puts the card's retry counter back and verifies that PIN
→ result and the 密码解锁回执 (issued by the service as a registered form; drawn here off
the GUI process when the helper process runs).

The PIN is asked first and sent by the same service call, right after the unblock
(docs/ARCHITECTURE.md "PIN entry"). A wrong PIN then does not undo the unblock: the result
page says so, with the tries left, and points to a reset (F6) for a holder who has
forgotten it.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from counter_app.services.permissions import ACTION_LABELS, Action
from counter_app.ui.workflows.card_id_dialog import CardIdDialog
from counter_app.ui.workflows.steps import (
    HolderPins,
    pin_page,
    wipe_all,
)
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
        return self.document_refused(error)

    def _done(self, result: Any) -> None:
        self.status.setText("")
        # The chip's counter is reset (P6): F7 goes off and the PIN services come back on.
        bridge = self.window_.bridge
        tries = result.tries_left if result.tries_left is not None else UNBLOCKED_TRIES
        if bridge.identity is not None:
            bridge.identity = _with_tries(bridge.identity, tries)
        self.window_.refresh_actions()
        text = self.tr("卡密码已解锁，密码错误次数已清零。")
        if result.verified:
            text += "<br>" + self.tr("持卡人已输入密码验证成功。")
        elif result.verified is False:
            text += (
                "<br><b>"
                + self.tr(
                    "但持卡人输入的密码不正确（还可尝试 %1 次）。如持卡人已忘记密码，"
                    "请关闭本窗口后办理“重置遗忘密码”（F6）。"
                ).replace("%1", str(result.tries_left))
                + "</b>"
            )
        text += "<br><br>" + self.tr(
            "请打印《密码解锁回执》，交持卡人签字；档案联留存，持卡人联交持卡人。"
        )
        self.show_result(text)
        self.print_receipt(result, self.tr("密码解锁回执"))


#: The tries a PIN has again after an unblock (CARD.md: the counter goes back to three).
UNBLOCKED_TRIES = 3


def _with_tries(identity: Any, tries: int) -> Any:
    try:
        return dataclasses.replace(identity, pin_tries_left=tries)
    except TypeError:  # not a dataclass (a test double): leave it
        return identity
