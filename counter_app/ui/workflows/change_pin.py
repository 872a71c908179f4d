"""修改卡密码 (RULES P2–P4, P7): the holder types the old password and the new one twice on
the holder keypad; staff never see or type them. First the holder's ID document is checked
by the service against the records (P4: a valid ID document at the counter), so the check
P2 asks for a default PIN is done before the holder types any new PIN; the number is given
to the change again, which checks it once more when the old PIN is 123456. The three
buffers are wiped on the card thread right after the service call, whatever happens.

With a PIN-pad reader (``bridge.has_pin_pad``) the holder types all three on the reader's
own pad (``pin_change.change_pin`` with no buffers): the PIN never enters the PC. The
workstation then cannot refuse a weak new PIN (P7), so the holder-facing notice states the
rule before they type; and since it cannot know whether the old PIN is still 123456, the
ID number is required on that path (P2, and P4's ID document at the counter)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PyQt6.QtWidgets import QLabel

from counter_app.services.permissions import ACTION_LABELS, Action
from counter_app.ui.card_session import purpose_text
from counter_app.ui.keypad import PinRequest
from counter_app.ui.workflows.base import WorkflowDialog
from counter_app.ui.workflows.form_parts import DocumentFields, page_with_form
from counter_app.ui.workflows.steps import audit_new_pin_refusal, new_pin_refusal, refusal_text
from reader.errors import WrongPin
from reader.pinbuffer import PinBuffer

if TYPE_CHECKING:
    from counter_app.ui.workflows.host import WorkflowHost

PROMPTS = ("请输入原密码", "请输入新密码", "请再次输入新密码")


class ChangePinDialog(WorkflowDialog):
    """Two pages: the holder's ID document (checked by the service against the records,
    RULES P4 — and P2's ID check of a default PIN, done before any new PIN is typed), then
    the holder's three entries on the keypad or the reader's PIN pad."""

    needs_card = True

    def __init__(self, window: WorkflowHost) -> None:
        super().__init__(window, window.tr("修改卡密码"))
        self.session = window.holder.session
        self.identity = window.bridge.identity
        self.pins: list[PinBuffer] = []
        self.checked_number: str | None = None
        #: The document the service accepted (a chip read, or typed with its reason).
        self.checked_document: Any = None
        id_page, id_form = page_with_form()
        intro = QLabel(
            self.tr(
                "在窗口修改卡密码，持卡人须出示本人有效身份证件并由本人输入原密码。"
                "请核验证件并输入证件号码。"
            )
        )
        intro.setWordWrap(True)
        id_form.addRow(intro)
        self.documents = DocumentFields(id_form)
        self.id_number = self.documents.number
        self.id_number.setObjectName("idNumber")
        self.add_page(id_page, self._check_document)
        page, form = page_with_form()
        notice = QLabel(
            self.tr(
                "证件已核验。请持卡人在持卡人密码键盘上依次输入：原密码、新密码、再次输入新密码。"
                "新密码不能为 123456、六位相同数字或连续数字。"
            )
        )
        notice.setWordWrap(True)
        form.addRow(notice)
        self.status = QLabel()
        self.status.setObjectName("pinStatus")
        form.addRow(self.status)
        self.pin_page = page
        self.add_page(page, self.start_entry)
        #: The new-PIN refusal on the banner (新密码过于简单…): it goes when the holder's next
        #: entry starts or ends (``holder_typing``), not at the end of the workflow.
        self._refusal_shown = ""
        self.listen(window.pins.holder_typing, self._holder_typing)
        self.begin()

    def _wipe(self) -> None:
        for pin in self.pins:
            pin.wipe()
        self.pins = []

    def _check_document(self) -> None:
        """The document's form here; whether it is the holder's, in the service."""
        # The chip's full number, or the typed one: the field shows a chip read masked.
        problem = self.documents.check()
        if problem:
            self.error(problem)
            return
        document = self.documents.document()
        gateway, actor, session = self.window_.gateway, self.window_.actor, self.session

        def checked(_none: Any) -> None:
            self.documents.chip.release()  # the face was compared: the portrait goes
            self.checked_number = document.number
            self.checked_document = document
            self.next_button.setText(self.tr("请持卡人输入密码"))
            self.go_page(self.pin_page)

        self.call(
            lambda: gateway.check_session_document(actor, session, document, Action.CHANGE_PIN),
            checked,
        )

    def start_entry(self) -> None:
        if self.checked_number is None:
            self.go(0)
            return
        self._wipe()
        if self.window_.bridge.has_pin_pad:
            self._on_pinpad(self.checked_document or self.checked_number)
            return
        self._ask(0, getattr(self.identity, "pin_tries_left", None))

    # -- the reader's PIN pad: the digits never reach the PC ------------------------------

    def _on_pinpad(self, id_number: Any) -> None:
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
        refusal = new_pin_refusal(self.pins, step, 1)
        if refusal is not None:  # RULES P7 / two equal entries: only the new PIN is typed again
            audit_new_pin_refusal(self, Action.CHANGE_PIN, refusal)
            problem = refusal_text(refusal)
            for bad in self.pins[1:]:
                bad.wipe()
            del self.pins[1:]
            self._ask(1, None)
            self.window_.pins.show_message(problem)  # on the holder screen
            self.error(problem)
            self._refusal_shown = problem
            self.status.setText(self.tr("新密码不符合要求，持卡人正在重新输入新密码…"))
            return
        if step < 2:
            self._ask(step + 1, None)
            return
        self.status.setText(self.tr("正在修改卡密码，请勿拔卡…"))
        self._submit()

    def _submit(self) -> None:
        gateway, actor, session = self.window_.gateway, self.window_.actor, self.session
        old, new1, new2 = self.pins
        self.pins = []
        id_number = self.checked_document or self.checked_number

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

    def _holder_typing(self, _typing: bool) -> None:
        """The holder has moved on from the refused entry: its refusal leaves the banner
        (it stood in red while the holder typed a good new PIN and confirmed it)."""
        shown, self._refusal_shown = self._refusal_shown, ""
        if shown and self.banner.text() == shown:
            self.error("")

    def done(self, result: int) -> None:
        self._wipe()
        super().done(result)
