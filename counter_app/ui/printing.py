"""Print preview, print dialog and "save as PDF" for the forms' PDF bytes.

The PDF never touches the disk unless the clerk saves it: QtPdf reads it from memory
(``QBuffer``), pages are rendered to images in the helper process (``offprocess``; QtPdf
keeps the GIL while it draws a page, so a pool thread would stall the GUI), and the
``QPrintPreviewDialog`` paints those images on the printer — the counter printer, or a PDF
file when the clerk chooses one in the print dialog. No temporary PDF is left behind.
"""

from __future__ import annotations

from PyQt6.QtCore import QRectF, Qt
from PyQt6.QtGui import QImage, QPageSize, QPainter
from PyQt6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PyQt6.QtWidgets import QFileDialog, QWidget

from counter_app.ui.i18n import tr
from counter_app.ui.offprocess import images_from_pixels, render_images, render_page_pixels
from counter_app.ui.tasks import TaskRunner

RENDER_DPI = 200


def render_pages(pdf: bytes, dpi: int = RENDER_DPI) -> list[QImage]:
    """Every page of ``pdf`` as an image, in this process (safe off the GUI thread: no
    widgets; but QtPdf keeps the GIL while it renders — prefer :func:`page_images`)."""
    return list(render_images(pdf, dpi))


def page_images(runner: TaskRunner, pdf: bytes, dpi: int = RENDER_DPI) -> list[QImage]:
    """Inside a job (pool thread): the pages rendered in the helper process when there is
    one (``TaskRunner.call_in_process``), turned into images here."""
    if runner.process is None:
        return render_pages(pdf, dpi)
    return list(images_from_pixels(runner.call_in_process(render_page_pixels, pdf, dpi)))


def paint_pages(printer: QPrinter, images: list[QImage]) -> None:
    """Draw ``images`` one per page, scaled to the printable area, aspect kept."""
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    painter = QPainter()
    if not painter.begin(printer):
        return
    try:
        for index, image in enumerate(images):
            if index:
                printer.newPage()
            area = painter.viewport()
            scaled = image.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.drawImage(QRectF(0, 0, scaled.width(), scaled.height()), image)
    finally:
        painter.end()


class FormPrinter:
    """Preview/print/save one generated form."""

    def __init__(self, pdf: bytes, title: str, runner: TaskRunner, parent: QWidget | None) -> None:
        self.pdf = pdf
        self.title = title
        self.images: list[QImage] | None = None
        self._runner = runner
        self._parent = parent
        self.preview: QPrintPreviewDialog | None = None
        self.preview_printer: QPrinter | None = None

    def prepare(self, then: object) -> None:
        """Render the pages off the GUI thread, then call ``then()``."""

        def done(images: list[QImage]) -> None:
            self.images = images
            if callable(then):
                then()

        runner, pdf = self._runner, self.pdf
        runner.run(lambda: page_images(runner, pdf), done, name="render_pdf")

    def make_preview(self) -> QPrintPreviewDialog:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.title)
        # The dialog does not own the printer: keep it alive as long as the preview (a
        # collected QPrinter under an open preview crashes the next repaint).
        self.preview_printer = printer
        dialog = QPrintPreviewDialog(printer, self._parent)
        dialog.setWindowTitle(self.title)
        dialog.paintRequested.connect(lambda p: paint_pages(p, self.images or []))
        self.preview = dialog
        return dialog

    def show_preview(self) -> None:
        if self.images is None:
            self.prepare(self.show_preview)
            return
        self.make_preview().open()

    def print_now(self) -> None:
        if self.images is None:
            self.prepare(self.print_now)
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.title)
        dialog = QPrintDialog(printer, self._parent)
        if dialog.exec():
            paint_pages(printer, self.images)

    def save_as(self, path: str | None = None) -> str | None:
        """Write the PDF exactly as generated (not a re-rendering) where the clerk says."""
        if path is None:
            path = ask_save_path(self._parent, f"{self.title}.pdf")
        if not path:
            return None
        with open(path, "wb") as out:
            out.write(self.pdf)
        return path


def save_dialog(parent: QWidget | None, suggested: str) -> QFileDialog:
    """Qt's save dialog with every label in the UI's language: ``qtbase_zh_CN`` leaves
    "Look in:" and "Files of type:" in English, so the dialog's labels are set here."""
    dialog = QFileDialog(parent, tr("printing", "保存为 PDF"), suggested, "PDF (*.pdf)")
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setDefaultSuffix("pdf")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    for label, text in (
        (QFileDialog.DialogLabel.LookIn, "查找范围："),
        (QFileDialog.DialogLabel.FileName, "文件名："),
        (QFileDialog.DialogLabel.FileType, "文件类型："),
        (QFileDialog.DialogLabel.Accept, "保存"),
        (QFileDialog.DialogLabel.Reject, "取消"),
    ):
        dialog.setLabelText(label, tr("printing", text))
    return dialog


def ask_save_path(parent: QWidget | None, suggested: str) -> str:
    """Where the clerk saves the PDF ("" when cancelled)."""
    dialog = save_dialog(parent, suggested)
    if not dialog.exec():
        return ""
    files = dialog.selectedFiles()
    return files[0] if files else ""
