"""Steps several workflows share: the ID-document page and the holder's PIN entries.

:class:`IdDocumentStep` is the ID check of ``id_check.py`` as a workflow page: the document
kinds it offers and the number's form validated as typed; whether it is the holder's is
asked of the service (``check_session_document``, against the records) before a
supervisor is called or the holder types anything, and the use case checks it again
(RULES P5, P6, U2, R1, P8).

:class:`HolderPins` asks the holder for one or more PINs on the holder keypad, one after
another, and hands the filled ``PinBuffer``\\ s over; whoever receives them wipes them (the
service does, in ``finally``). Staff never see a digit or a digit count.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PyQt6.QtWidgets import QLabel, QWidget

from counter_app.services.idcheck import IdDocument, IdDocumentKind
from counter_app.services.new_pin_refusal import NewPinRefusal
from counter_app.services.permissions import Action
from counter_app.ui.card_session import purpose_text
from counter_app.ui.holder_view import holder_facts
from counter_app.ui.i18n import tr
from counter_app.ui.id_check import DOCUMENT_KINDS
from counter_app.ui.item_models import display
from counter_app.ui.keypad import PIN_DIGITS, PinRequest
from counter_app.ui.workflows.base import WorkflowDialog
from counter_app.ui.workflows.form_parts import DocumentFields, page_with_form
from reader.pinbuffer import PinBuffer


def holder_line(dialog: WorkflowDialog) -> str:
    """持卡人：姓名 500***********0016　卡号：… (masked; from the open holder overview)."""
    shown = holder_facts(dialog.window_.holder.overview)
    name, ssn, card, state = shown.name, shown.ssn, shown.card_number, shown.state_label
    text = tr("workflow", "持卡人：") + f"{name}　{display(ssn, 'ssn')}"
    if card:
        masked = display(card, "card_number")
        text += "　" + tr("workflow", "卡号：") + f"{masked}　{tr('workflow', '卡状态：')}{state}"
    return text


class IdDocumentStep:
    """The ID-document page: the number's form here, the match in the service."""

    def __init__(
        self,
        intro: str,
        *,
        kinds: list[IdDocumentKind] | None = None,
        holder: str = "",
    ) -> None:
        self.page, form = page_with_form()
        if holder:
            form.addRow(QLabel(holder))
        note = QLabel(intro)
        note.setWordWrap(True)
        form.addRow(note)
        self.fields = DocumentFields(form, kinds or DOCUMENT_KINDS)

    def check(self) -> str:
        """Empty when the number has the form of a citizen ID number, else the reason."""
        return self.fields.check()

    def verify(self, dialog: WorkflowDialog, purpose: Action, then: Callable[[], None]) -> None:
        """The form here, then the service's check against the session holder's record
        (its refusal goes to the dialog's banner, the fields kept); ``then()`` on a match."""
        problem = self.check()
        if problem:
            dialog.error(problem)
            return
        window = dialog.window_
        gateway, actor, session = window.gateway, window.actor, window.holder.session
        document = self.document()
        chip = self.fields.chip

        def accepted(_none: object) -> None:
            chip.release()  # the face was compared: the portrait goes
            then()

        dialog.call(
            lambda: gateway.check_session_document(actor, session, document, purpose),
            accepted,
        )

    def document(self) -> IdDocument:
        return self.fields.document()

    def kind_text(self) -> str:
        return self.fields.kind.currentText()


class HolderPins:
    """Asks the holder for ``prompts`` on the keypad, one entry after another.

    ``done(buffers)`` receives every buffer (the receiver wipes them); a cancelled entry, or
    the card leaving, wipes what was typed so far and calls ``cancelled()``."""

    def __init__(self, dialog: WorkflowDialog, action_label: str, status: QLabel) -> None:
        self.dialog = dialog
        self.action_label = action_label
        self.status = status
        self.buffers: list[PinBuffer] = []

    def wipe(self) -> None:
        for pin in self.buffers:
            pin.wipe()
        self.buffers = []

    def ask(
        self,
        prompts: Sequence[str],
        done: Callable[[list[PinBuffer]], None],
        *,
        tries_left: int | None = None,
        cancelled: Callable[[], None] | None = None,
        new_pin: int | None = None,
        purpose: Action | None = None,
    ) -> None:
        """``new_pin``: the index of the first of the two new-PIN prompts. RULES P7 is then
        checked as soon as the holder confirms that entry (and the two entries compared
        after the second): the holder is told on the holder screen and types the new PIN
        again; what was typed before it is kept. Each such refusal is audited as a refusal
        of ``purpose`` (:func:`audit_new_pin_refusal`)."""
        self.wipe()
        self.new_pin = new_pin
        self.purpose = purpose
        self._next(list(prompts), 0, done, tries_left, cancelled)

    def _next(
        self,
        prompts: list[str],
        step: int,
        done: Callable[[list[PinBuffer]], None],
        tries_left: int | None,
        cancelled: Callable[[], None] | None,
    ) -> None:
        identity = getattr(self.dialog, "identity", None)
        request = PinRequest(
            purpose_text(self.action_label, identity),
            prompts[step],
            tries_left if step == 0 else None,
        )
        self.status.setText(tr("workflow", "持卡人正在输入密码…"))
        self.dialog.set_busy(True)

        def got(pin: PinBuffer | None) -> None:
            if pin is None:
                self.wipe()
                self.dialog.set_busy(False)
                self.status.setText("")
                if not self.dialog.cancelled_reason:
                    self.dialog.error(tr("workflow", "持卡人取消了密码输入，本业务未办理。"))
                if cancelled is not None:
                    cancelled()
                return
            self.buffers.append(pin)
            refusal = new_pin_refusal(self.buffers, step, self.new_pin)
            if refusal is not None and self.new_pin is not None:
                problem = refusal_text(refusal)
                if self.purpose is not None:
                    audit_new_pin_refusal(self.dialog, self.purpose, refusal)
                for bad in self.buffers[self.new_pin :]:
                    bad.wipe()  # only the new PIN's entries: the old PIN stays
                del self.buffers[self.new_pin :]
                self._next(prompts, self.new_pin, done, None, cancelled)
                self.dialog.window_.pins.show_message(problem)  # on the holder screen
                self.dialog.error(problem)
                self.status.setText(tr("workflow", "新密码不符合要求，持卡人正在重新输入新密码…"))
                return
            if step + 1 < len(prompts):
                self._next(prompts, step + 1, done, None, cancelled)
                return
            buffers, self.buffers = self.buffers, []
            self.status.setText(tr("workflow", "正在办理，请勿拔卡…"))
            done(buffers)

        self.dialog.window_.pins.ask(request, got)


def new_pin_refusal(
    buffers: Sequence[PinBuffer], step: int, new_pin: int | None
) -> NewPinRefusal | None:
    """The rule the new PIN just typed breaks, or None: after the first new entry
    (``step == new_pin``) RULES P7 (six digits, not weak); after the second, that both
    entries are equal. The digits are only compared, never copied."""
    if new_pin is None or step not in (new_pin, new_pin + 1):
        return None
    if step == new_pin:
        first = buffers[new_pin]
        if len(first) != PIN_DIGITS or first.is_weak():
            return NewPinRefusal.TOO_SIMPLE
        return None
    if not buffers[new_pin].matches(buffers[new_pin + 1]):
        return NewPinRefusal.ENTRIES_DIFFER
    return None


def refusal_text(refusal: NewPinRefusal) -> str:
    """What the holder screen and the clerk are told of ``refusal``."""
    if refusal is NewPinRefusal.ENTRIES_DIFFER:
        return tr("workflow", NEW_PINS_DIFFER)
    return tr("workflow", WEAK_NEW_PIN)


def new_pin_problem(buffers: Sequence[PinBuffer], step: int, new_pin: int | None) -> str:
    """:func:`new_pin_refusal` as the holder is told it, or ""."""
    refusal = new_pin_refusal(buffers, step, new_pin)
    return "" if refusal is None else refusal_text(refusal)


def audit_new_pin_refusal(dialog: WorkflowDialog, purpose: Action, refusal: NewPinRefusal) -> None:
    """Every refusal of a password step is audited (RULES S3), this one too though it
    happened on the counter before any service call: which rule, never a digit
    (``pin_refusals``). In the background: the holder is already typing again, and a
    database that is down must not stop them (the use case refuses then anyway)."""
    window = dialog.window_
    gateway, actor = window.gateway, window.actor
    session = getattr(dialog, "session", None)
    if session is None:
        return
    window.runner.run(
        lambda: gateway.record_new_pin_refused(actor, session, purpose, refusal),
        name="record_new_pin_refused",
    )


#: Told to the holder on the holder screen (RULES P7, and P2/P3's two equal entries).
WEAK_NEW_PIN = "新密码过于简单（不能为 123456、六位相同数字或连续数字）。请重新输入新密码。"
NEW_PINS_DIFFER = "两次输入的新密码不一致。请重新输入新密码。"


def pin_page(text: str) -> tuple[QWidget, QLabel]:
    """A page that explains what the holder will type, with a status line."""
    page, form = page_with_form()
    label = QLabel(text)
    label.setWordWrap(True)
    form.addRow(label)
    status = QLabel()
    status.setObjectName("pinStatus")
    form.addRow(status)
    return page, status


def wipe_all(*pins: Any) -> None:
    for pin in pins:
        if pin is not None:
            pin.wipe()
