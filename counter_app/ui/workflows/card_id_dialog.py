"""The shared shape of the PIN workflows on the card in the reader that start with the
holder's ID document (RULES P5 reset, P6 unblock) and end with a receipt the service issued:
the ID step (its number compared with the chip's), sending a refused document back to that
step, printing the receipt (drawn off the GUI thread), and wiping the holder's PIN buffers
when the dialog closes. Subclasses add their own pages and set ``self.pins``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from counter_app.ui.id_chip_view import DOCUMENT_REFUSALS
from counter_app.ui.workflows.base import WorkflowDialog
from counter_app.ui.workflows.form_parts import add_print_buttons, form_pdf
from counter_app.ui.workflows.steps import HolderPins, IdDocumentStep, holder_line

if TYPE_CHECKING:
    from counter_app.ui.workflows.host import WorkflowHost


class CardIdDialog(WorkflowDialog):
    needs_card = True
    pins: HolderPins

    def __init__(self, window: WorkflowHost, title: str, id_intro: str) -> None:
        super().__init__(window, title)
        self.session = window.holder.session
        self.identity = window.bridge.identity
        self.printer: Any = None
        self.result: Any = None
        self.id_step = IdDocumentStep(id_intro, holder=holder_line(self))
        self.add_page(self.id_step.page, self._check_document)

    def _check_document(self) -> None:
        raise NotImplementedError

    def document_refused(self, error: BaseException) -> bool:
        """The service refused the ID document: back to that step with the reason."""
        if isinstance(error, DOCUMENT_REFUSALS):
            self.error(str(error))
            self.go_page(self.id_step.page)
            return True
        return False

    def print_receipt(self, result: Any, title: str) -> None:
        """Draw the service's receipt off the GUI thread, then offer preview/print/save."""
        self.result = result
        gateway = self.window_.gateway
        serial = str(getattr(result, "serial", "") or "")

        def offer(pdf: bytes) -> None:
            add_print_buttons(self, pdf, f"{title} {serial}".strip())

        self.call(lambda: form_pdf(gateway, result), offer)

    def done(self, result: int) -> None:
        self.pins.wipe()
        super().done(result)
