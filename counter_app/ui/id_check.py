"""The ID-document check before a holder's records are opened without the card (RULES Q7,
P5, U2): which document, its number (must match the holder), and why the look-up is made.
"""

from __future__ import annotations

from typing import Any

from PyQt6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from counter_app.services.idcheck import ID_DOCUMENT_LABELS, IdDocument, IdDocumentKind
from counter_app.ui.holder_view import find_value
from counter_app.ui.models import display
from counter_app.validation import ValidationError, parse_id_number

#: Document kinds staff may accept (issue 4 item 1).
DOCUMENT_KINDS = list(IdDocumentKind)
REASONS = ["持卡人本人到窗口查询", "办理密码业务", "办理挂失/解挂/补卡", "其他（请在备注说明）"]


class IdCheckDialog(QDialog):
    """Asks for the document; ``document()`` and ``reason()`` after ``exec()``."""

    def __init__(
        self, hit: Any, parent: QWidget | None = None, kinds: list[IdDocumentKind] | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("核验身份证件"))
        self._expected = str(find_value(hit, "ssn", "id_number", "social_security_number") or "")
        name = find_value(hit, "name") or ""
        self.kind = QComboBox()
        self._kinds = list(kinds or DOCUMENT_KINDS)
        self.kind.addItems([self.tr(ID_DOCUMENT_LABELS[k]) for k in self._kinds])
        self.number = QLineEdit()
        self.number.setObjectName("documentNumber")
        self.number.setPlaceholderText(self.tr("证件上的公民身份号码"))
        self.reason_box = QComboBox()
        self.reason_box.setEditable(True)
        self.reason_box.addItems([self.tr(r) for r in REASONS])
        self.error = QLabel()
        self.error.setObjectName("idCheckError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        form = QFormLayout(self)
        form.addRow(QLabel(self.tr("参保人：") + f"{name}  {display(self._expected, 'ssn')}"))
        form.addRow(self.tr("证件类型"), self.kind)
        form.addRow(self.tr("证件号码"), self.number)
        form.addRow(self.tr("查询原因"), self.reason_box)
        form.addRow(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.check)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self.number.setFocus()

    def check(self) -> None:
        try:
            number = parse_id_number(self.number.text()).number
        except ValidationError as error:
            self.error.setText(str(error))
            return
        if self._expected and number != self._expected.upper():
            self.error.setText(
                self.tr("所出示证件的号码与该参保人不一致。请核对证件；证件不符时不能办理。")
            )
            return
        self.accept()

    def document(self) -> IdDocument:
        number = self.number.text().strip().upper()
        return IdDocument(kind=self._kinds[self.kind.currentIndex()], number=number)

    def reason(self) -> str:
        return self.reason_box.currentText().strip()
