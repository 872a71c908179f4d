"""The ID-document check before a holder's records are opened without the card (RULES Q7,
P5, U2): which document, its number, and why the look-up is made.

The dialog checks only the number's form (``document_number``); whether it is this
holder's number is decided by the service against the database
(``open_id_session``). A refusal is shown in the dialog with everything typed kept, so the
clerk can correct one digit. The search hit shows a masked number and is never compared
with anything. ``set_document`` fills the fields from elsewhere (a chip reader).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PyQt6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from counter_app.services.errors import IdDocumentMismatch
from counter_app.services.idcheck import ID_DOCUMENT_LABELS, IdDocument, IdDocumentKind
from counter_app.services.queries.holder import HolderHit
from counter_app.ui.document_number import normalised, number_problem
from counter_app.ui.fit import follow_content, grow_to_fit
from counter_app.ui.id_chip import ChipCheck
from counter_app.ui.id_chip_view import find_on_window
from counter_app.ui.item_models import display
from counter_app.ui.text_guard import guard_text

#: Document kinds staff may accept (RULES L3, P5, U2).
DOCUMENT_KINDS = list(IdDocumentKind)
REASONS = ["持卡人本人到窗口查询", "办理密码业务", "办理挂失/解挂/补卡", "其他（请在备注说明）"]

#: Opens the session for the document: (document, reason, done(result), failed(error)).
Submit = Callable[[IdDocument, str, Callable[[Any], None], Callable[[BaseException], None]], None]


class IdCheckDialog(QDialog):
    """Asks for the document and hands it to ``submit`` (the service decides). Accepted
    once the service opened the session (``result_value``); on a refusal the service's
    message stays in the dialog with the fields as typed."""

    def __init__(
        self,
        hit: HolderHit | None,
        parent: QWidget | None = None,
        kinds: list[IdDocumentKind] | None = None,
        submit: Submit | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("核验身份证件"))
        self._submit = submit
        self.result_value: Any = None
        masked = hit.ssn if hit is not None else ""
        name = hit.name if hit is not None else ""
        self.kind = QComboBox()
        self._kinds = list(kinds or DOCUMENT_KINDS)
        self.kind.addItems([self.tr(ID_DOCUMENT_LABELS[k]) for k in self._kinds])
        self.number = QLineEdit()
        self.number.setObjectName("documentNumber")
        self.number.setPlaceholderText(self.tr("证件上的公民身份号码"))
        self.reason_box = QComboBox()
        self.reason_box.setEditable(True)
        self.reason_box.addItems([self.tr(r) for r in REASONS])
        # Enter in the editable list is the dialog's 确定, not "add this text to the list".
        self.reason_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.error = QLabel()
        self.error.setObjectName("idCheckError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        #: Room for other ways to fill the document (a chip reader's button).
        self.sources = QHBoxLayout()
        form = QFormLayout(self)
        form.addRow(QLabel(self.tr("参保人：") + f"{name}  {display(masked, 'ssn')}"))
        form.addRow(self.tr("证件类型"), self.kind)
        form.addRow(self.tr("证件号码"), self.number)
        form.addRow(self.sources)
        #: 读取身份证 and the typed number's reason (IDCARD.md; ``id_chip``).
        self.chip = ChipCheck(form, self.kind, self._kinds, self.number)
        self.finished.connect(lambda _code: self.chip.release())
        self.chip.read_ok = self._chip_read
        self._hit = hit
        #: The ID number ``hit`` was found by (a search by the card on the reader): that
        #: card is known to be the holder's, no search again (``id_card_search``).
        self.found_by: str | None = None
        form.addRow(self.tr("查询原因"), self.reason_box)
        form.addRow(self.error)
        # Rows with nothing to show take no room (each still took its spacing, the empty
        # error line a text line's height too): the dialog opens at what it shows.
        form.setRowVisible(self.error, False)
        form.setRowVisible(self.sources, False)
        self.form = form
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.check)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if ok is not None:
            ok.setDefault(True)  # Enter is 确定 wherever the focus is (not 读取身份证 again)
        edit = self.reason_box.lineEdit()
        if edit is not None:
            # An editable list keeps Enter to itself under X11 (the dialog's default
            # button never saw the first one after a chip read): it confirms here too.
            edit.returnPressed.connect(self.check)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        follow_content(form)  # the photo row shown later pushes the dialog taller
        # Invisible characters leave the typed fields at once, and the clerk is told.
        guard_text(self.number, self.tr("证件号码"), self.say)
        guard_text(self.reason_box, self.tr("查询原因"), self.say)
        self.number.setFocus()
        station = find_on_window(parent, "id_station")
        if station is not None:
            # A new holder's check: the last service's accepted ID card is not offered.
            station.forget_recent()

    def say(self, text: str) -> None:
        """The error line, word-wrapped; the dialog grows so no line is cut off."""
        self.error.setText(text)
        self.form.setRowVisible(self.error, bool(text))
        grow_to_fit(self)

    def _chip_read(self) -> None:
        self.say("")
        self._check_chip_holder()

    def _check_chip_holder(self) -> None:
        """Another person's ID card is said at once, as in the workflows' ID step
        (此身份证不能用于当前参保人, RULES Q7): the service is asked which holders the chip's
        number is (``find_holders``, audited as a search) and this dialog's holder is not
        among them. The screen compares no numbers, only the service's holder ids; a match
        says nothing — 确定 has the service check the document in full."""
        reading, hit = self.chip.reading, self._hit
        if reading is None or hit is None:
            return
        number = reading.document.number
        if number == self.found_by:
            return
        gateway, actor, runner = (
            find_on_window(self.parentWidget(), name) for name in ("gateway", "actor", "runner")
        )
        if gateway is None or actor is None or runner is None:
            return
        holder_id = hit.holder_id

        def found(hits: list[Any]) -> None:
            if self.chip.reading is not reading:
                return  # typed over or read again meanwhile
            if not any(getattr(h, "holder_id", None) == holder_id for h in hits):
                self.chip.say_refused(IdDocumentMismatch())

        runner.run(
            lambda: gateway.find_holders(actor, number),
            found,
            lambda _error: None,  # no answer, no word: 确定 asks the service again
            quiet=True,
            name="find_holders",
        )

    def set_document(self, kind: IdDocumentKind, number: str) -> None:
        """Fill the fields (e.g. from the ID card's chip); the service still decides."""
        self.chip.forget()
        if kind in self._kinds:
            self.kind.setCurrentIndex(self._kinds.index(kind))
        self.number.setText(number)

    def check(self) -> None:
        if self.result_value is not None or not self.buttons.isEnabled():
            return  # one Enter, one check (the list's own Enter and 确定 can both fire)
        problem = number_problem(self.chip.full_number())
        if problem:
            self.say(problem)
            return
        if not self.reason():
            self.say(self.tr("请填写查询原因。"))
            return
        if self._submit is None:
            self.accept()
            return
        self.say(self.tr("正在核验…"))
        self.buttons.setEnabled(False)
        self._submit(self.document(), self.reason(), self._opened, self._refused)

    def _opened(self, result: Any) -> None:
        self.buttons.setEnabled(True)
        self.say("")
        self.result_value = result
        station = find_on_window(self, "id_station")
        reading, session_id = self.chip.reading, getattr(result, "session_id", None)
        if station is not None and reading is not None and isinstance(session_id, int):
            # The service accepted this chip read for the new session: this service's
            # actions may offer it instead of a new read (the clerk confirms).
            station.remember(session_id, reading)
        self.accept()

    def _refused(self, error: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.say(str(error))

    def document(self) -> IdDocument:
        return self.chip.document(normalised(self.chip.full_number()))

    def reason(self) -> str:
        return self.reason_box.currentText().strip()
