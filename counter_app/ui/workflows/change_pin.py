"""修改卡密码 (RULES P2–P4, P7): the holder types the old password and the new one twice on
the holder keypad; staff never see or type them. When the old password is still 123456 the
holder's ID number is checked first (P2). The three buffers are wiped on the card thread
right after the service call, whatever happens.

With a PIN-pad reader (``bridge.has_pin_pad``) the holder types all three on the reader's
own pad (``pin_change.change_pin`` with no buffers): the PIN never enters the PC. The
workstation then cannot refuse a weak new PIN (P7), so the holder-facing notice states the
rule before they type; and since it cannot know whether the old PIN is still 123456, the
ID number is required on that path (P2, and P4's ID document at the counter)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PyQt6.QtWidgets import QLabel, QLineEdit

from counter_app.services.permissions import ACTION_LABELS, Action
from counter_app.ui.card_session import purpose_text
from counter_app.ui.keypad import PinRequest
from counter_app.ui.workflows.base import WorkflowDialog
from counter_app.ui.workflows.common import page_with_form
from counter_app.validation import ValidationError, parse_id_number
from reader.errors import WrongPin
from reader.pinbuffer import PinBuffer

if TYPE_CHECKING:
    from counter_app.ui.main_window import MainWindow

PROMPTS = ("请输入原密码", "请输入新密码", "请再次输入新密码")


class ChangePinDialog(WorkflowDialog):
    needs_card = True

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window, window.tr("修改卡密码"))
        self.session = window.holder.session
        self.identity = window.bridge.identity
        self.pins: list[PinBuffer] = []
        page, form = page_with_form()
        form.addRow(
            QLabel(
                self.tr(
                    "请持卡人在持卡人密码键盘上依次输入：原密码、新密码、再次输入新密码。"
                    "新密码不能为 123456、六位相同数字或连续数字（RULES P7）。"
                )
            )
        )
        self.id_number = QLineEdit()
        self.id_number.setObjectName("idNumber")
        self.id_number.setPlaceholderText(self.tr("原密码为初始密码 123456 时必填（RULES P2）"))
        form.addRow(self.tr("持卡人身份证号码"), self.id_number)
        self.status = QLabel()
        self.status.setObjectName("pinStatus")
        form.addRow(self.status)
        self.add_page(page, self.start_entry)
        self.next_button.setText(self.tr("请持卡人输入密码"))
        self.begin()

    def _wipe(self) -> None:
        for pin in self.pins:
            pin.wipe()
        self.pins = []

    def start_entry(self) -> None:
        text = self.id_number.text().strip()
        if text:
            try:
                parse_id_number(text)
            except ValidationError as error:
                self.error(str(error))
                return
        self._wipe()
        if self.window_.bridge.has_pin_pad:
            if not text:
                self.error(
                    self.tr(
                        "使用读卡器密码键盘修改密码时，工作站无法得知原密码是否为初始密码，"
                        "请先核验并填写持卡人身份证号码（RULES P2、P4）。"
                    )
                )
                return
            self._on_pinpad(text.upper())
            return
        self._ask(0, getattr(self.identity, "pin_tries_left", None))

    # -- the reader's PIN pad: the digits never reach the PC ------------------------------

    def _on_pinpad(self, id_number: str) -> None:
        purpose = purpose_text(self.tr(ACTION_LABELS[Action.CHANGE_PIN]), self.identity)
        notice = self.tr("新密码不能为 123456、六位相同数字或连续数字（如 654321）")
        request = PinRequest(
            f"{purpose}\n{notice}",
            self.tr("请依次输入原密码、新密码、再次输入新密码"),
            getattr(self.identity, "pin_tries_left", None),
        )
        self.window_.pins.show_pinpad(request)
        self.status.setText(self.tr("持卡人正在读卡器键盘上输入密码…"))
        gateway, actor, session = self.window_.gateway, self.window_.actor, self.session

        def work(client: Any) -> Any:
            return gateway.change_pin(actor, session, client, None, None, None, id_number)

        self.call(work, self._pad_done, card=True, failed=self._pad_failed)

    def _pad_done(self, result: Any) -> None:
        self.window_.pins.finish()
        self._done(result)

    def _pad_failed(self, error: BaseException) -> bool:
        self.window_.pins.finish()
        return self._failed(error)

    def _ask(self, step: int, tries: int | None) -> None:
        purpose = purpose_text(self.tr(ACTION_LABELS[Action.CHANGE_PIN]), self.identity)
        request = PinRequest(purpose, self.tr(PROMPTS[step]), tries if step == 0 else None)
        self.status.setText(self.tr("持卡人正在输入密码…"))
        self.set_busy(True)
        self.window_.pins.ask(request, lambda pin: self._got(step, pin))

    def _got(self, step: int, pin: PinBuffer | None) -> None:
        if pin is None:
            self._wipe()
            self.set_busy(False)
            self.status.setText("")
            if not self.cancelled_reason:
                self.error(self.tr("持卡人取消了密码输入，密码未修改。"))
            return
        self.pins.append(pin)
        if step < 2:
            self._ask(step + 1, None)
            return
        self.status.setText(self.tr("正在修改卡密码，请勿拔卡…"))
        self._submit()

    def _submit(self) -> None:
        gateway, actor, session = self.window_.gateway, self.window_.actor, self.session
        old, new1, new2 = self.pins
        self.pins = []
        id_number = self.id_number.text().strip().upper() or None

        def work(client: Any) -> Any:
            try:
                return gateway.change_pin(actor, session, client, old, new1, new2, id_number)
            finally:
                for pin in (old, new1, new2):
                    pin.wipe()

        self.call(work, self._done, card=True, failed=self._failed)

    def _failed(self, error: BaseException) -> bool:
        self.status.setText("")
        if isinstance(error, WrongPin):
            self.error(str(error))
            self.next_button.setText(self.tr("重新输入"))
            return True
        return False

    def _done(self, _result: Any) -> None:
        self.status.setText("")
        self.show_result(self.tr("卡密码已修改成功。请提醒持卡人牢记新密码。"))

    def done(self, result: int) -> None:
        self._wipe()
        super().done(result)
