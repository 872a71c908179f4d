"""Pieces the workflow dialogs share: the ID-document fields and the form result page."""

from __future__ import annotations

from typing import Any

from PyQt6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QPushButton, QWidget

from counter_app.api import CounterServices
from counter_app.services.idcheck import ID_DOCUMENT_LABELS, IdDocument, IdDocumentKind
from counter_app.ui.document_number import number_problem
from counter_app.ui.i18n import tr
from counter_app.ui.id_chip import ChipCheck
from counter_app.ui.printing import FormPrinter
from counter_app.ui.text_guard import guard_text
from counter_app.ui.workflows.base import WorkflowDialog
from counter_app.validation import parse_id_number


class DocumentFields:
    """证件类型 + 证件号码 rows added to a form layout."""

    def __init__(self, form: QFormLayout, kinds: list[IdDocumentKind] | None = None) -> None:
        self.kinds = list(kinds or IdDocumentKind)
        self.kind = QComboBox()
        self.kind.addItems([tr("workflow", ID_DOCUMENT_LABELS[k]) for k in self.kinds])
        self.number = QLineEdit()
        self.number.setObjectName("documentNumber")
        self.number.setPlaceholderText(tr("workflow", "证件上的公民身份号码"))
        form.addRow(tr("workflow", "证件类型"), self.kind)
        form.addRow(tr("workflow", "证件号码"), self.number)
        #: 读取身份证 and the typed number's reason (IDCARD.md; ``id_chip``).
        self.chip = ChipCheck(form, self.kind, self.kinds, self.number)
        self.chip.read_ok = self._chip_read
        # Invisible characters leave the number at once; said beside the read button.
        guard_text(self.number, tr("workflow", "证件号码"), self.chip.status.setText)

    def _chip_read(self) -> None:
        """A good chip read: the workflow's red banner about the number (未输入身份证号码,
        a refusal of the last one) no longer applies (trial: it stayed up in 修改卡密码)."""
        dialog = self.number.window()
        if isinstance(dialog, WorkflowDialog):
            dialog.error("")

    def document(self) -> IdDocument:
        """The chip's document, or the one typed with its reason; ``ValidationError`` when
        the number is not valid."""
        number = parse_id_number(self.chip.full_number()).number
        return self.chip.document(number)

    def check(self) -> str:
        """Empty when the number has a valid form, else the Chinese reason (never the
        right check digit). Whether it is the holder's number, the service decides."""
        return number_problem(self.chip.full_number())


def add_print_buttons(dialog: Any, pdf: bytes, title: str) -> FormPrinter:
    """打印预览 / 打印 / 保存为 PDF on the dialog's result page."""
    printer: FormPrinter = dialog.window_.printing.form(pdf, title, dialog)
    for text, slot, name in (
        (tr("workflow", "打印预览"), printer.show_preview, "previewButton"),
        (tr("workflow", "打印"), printer.print_now, "printButton"),
        (tr("workflow", "保存为 PDF"), lambda: printer.save_as(), "savePdfButton"),
    ):
        button = QPushButton(text)
        button.setObjectName(name)
        # Once clicked, an auto-default button takes Enter: after 保存为 PDF the clerk's
        # Enter (完成) opened the save dialog again.
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        dialog.result_buttons.addWidget(button)
    dialog.printer = printer
    return printer


def form_pdf(gateway: CounterServices, result: Any) -> bytes:
    """The PDF of the registered form a service result carries (``result.form``), drawn by
    ``gateway.render_form`` — in the helper process when one runs, never in the GUI
    thread. Pool thread only."""
    return gateway.render_form(result.form)


def page_with_form() -> tuple[QWidget, QFormLayout]:
    page = QWidget()
    return page, QFormLayout(page)
