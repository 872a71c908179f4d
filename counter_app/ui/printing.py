"""Print preview, print dialog and "save as PDF" for the forms' PDF bytes.

The PDF never touches the disk unless the clerk saves it: QtPdf reads it from memory
(``QBuffer``), pages are rendered to images in the helper process (``drawing_process``; QtPdf
keeps the GIL while it draws a page, so a pool thread would stall the GUI), and the
``QPrintPreviewDialog`` paints those images on the printer — the counter printer, or a PDF
file when the clerk chooses one in the print dialog. No temporary PDF is left behind.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PyQt6 import sip
from PyQt6.QtCore import (
    QDir,
    QEvent,
    QFileInfo,
    QIdentityProxyModel,
    QObject,
    QRect,
    QRectF,
    QStandardPaths,
    Qt,
    QTimer,
)
from PyQt6.QtGui import QImage, QPageSize, QPainter
from PyQt6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog, QPrintPreviewWidget
from PyQt6.QtWidgets import QFileDialog, QFileIconProvider, QWidget

from counter_app.ui import fit
from counter_app.ui.drawing_process import images_from_pixels, render_images, render_page_pixels
from counter_app.ui.i18n import tr
from counter_app.ui.side_docks import keep_clear_of_holder_dock
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
        runner.run(lambda: page_images(runner, pdf), done, local=True, name="render_pdf")

    def make_preview(self) -> QPrintPreviewDialog:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.title)
        # The dialog does not own the printer: keep it alive as long as the preview (a
        # collected QPrinter under an open preview crashes the next repaint).
        self.preview_printer = printer
        dialog = QPrintPreviewDialog(printer, self._parent)
        dialog.setWindowTitle(self.title)
        dialog.paintRequested.connect(lambda p: paint_pages(p, self.images or []))
        view = dialog.findChild(QPrintPreviewWidget)
        if view is not None:
            view.fitToWidth()  # a readable page, not the whole page at a third of its size
        self.preview = dialog
        return dialog

    def show_preview(self) -> None:
        """The preview, drawn first if need be (a button's slot: takes nothing)."""
        self.open_preview(None)

    def open_preview(self, shown: Callable[[QPrintPreviewDialog], None] | None) -> None:
        """The preview, drawn first if need be; ``shown(dialog)`` once it is on screen."""
        if self.images is None:
            self.prepare(lambda: self.open_preview(shown))
            return
        opened = self.preview
        if opened is not None and opened.isVisible():  # one preview of the document
            opened.raise_()
            opened.activateWindow()
            return
        dialog = self.make_preview()
        # Not modal: on one screen the holder rates in a dock of the main window while the
        # clerk prints (RULES E2), and a window-modal preview blocked the holder's taps (a
        # preview left open ran the rating into 未评价). It opens on the clerk's screen,
        # title bar and all (the 挂失登记表's opened with it above the screen's top), and
        # clear of that dock.
        size_for_screen(dialog, self._parent)
        dialog.setWindowModality(Qt.WindowModality.NonModal)
        _PlaceOnceFramed(dialog, self._place)
        dialog.show()
        self._place(dialog)
        QTimer.singleShot(0, lambda: self._place(dialog))
        if shown is not None:
            shown(dialog)

    def _place(self, dialog: QWidget) -> None:
        """On the clerk's screen, then clear of the holder's dock (which keeps it there).
        Again once the window manager has framed it: the frame's size is known only then."""
        if sip.isdeleted(dialog):  # closed with the slip before the deferred placement
            return
        keep_on_screen(dialog, self._parent)
        self._clear_of_holder(dialog)

    def _clear_of_holder(self, dialog: QWidget) -> None:
        window = self._parent
        while window is not None and getattr(window, "holder_dock", None) is None:
            window = window.parentWidget()
        if window is not None and dialog.isVisible():
            keep_clear_of_holder_dock(dialog, window)

    def print_now(self) -> None:
        if self.images is None:
            self.prepare(self.print_now)
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.title)
        dialog = QPrintDialog(printer, self._parent)
        holder_keeps_their_screen(dialog)
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


def _screen_area(dialog: QWidget, anchor: QWidget | None) -> QRect | None:
    """The available geometry (no panels) of the screen of the clerk's window ``anchor``
    (its top-level), else of the dialog's own screen."""
    top = anchor.window() if anchor is not None else None
    screen = (top.screen() if top is not None else None) or dialog.screen()
    return screen.availableGeometry() if screen is not None else None


def size_for_screen(dialog: QWidget, anchor: QWidget | None) -> None:
    """A preview tall enough to read a page, never taller or wider than the clerk's screen
    leaves room for (its frame included: ~40 px for a title bar until the frame is known)."""
    area = _screen_area(dialog, anchor)
    if area is None:
        return
    width = min(max(dialog.sizeHint().width(), 900), area.width() - 20)
    height = area.height() - 60
    dialog.resize(width, height)


#: A title bar's height, for a window the window manager has not framed yet.
TITLE_BAR_GUESS = 32


def keep_on_screen(dialog: QWidget, anchor: QWidget | None) -> None:
    """Move (and if need be shrink) the top-level ``dialog`` so that its whole frame, title
    bar first, lies within the available geometry of the clerk's window's screen. Before
    the window manager has framed it, room for a title bar is kept above it all the same."""
    top = anchor.window() if anchor is not None else None
    fit.keep_on_screen(dialog, top, shrink=True, title_bar=TITLE_BAR_GUESS)


class _PlaceOnceFramed(QObject):
    """Calls ``place(dialog)`` once more when the window manager has framed ``dialog``
    (its frame's size is known only then: placed before, its title bar could be left above
    the screen), then stops watching: a clerk may move the window where they like."""

    def __init__(self, dialog: QWidget, place: Callable[[QWidget], None]) -> None:
        super().__init__(dialog)
        self._place = place
        dialog.installEventFilter(self)

    def eventFilter(self, watched: QObject | None, event: QEvent | None) -> bool:
        if (
            isinstance(watched, QWidget)
            and event is not None
            and event.type() in (QEvent.Type.Move, QEvent.Type.Resize)
            and watched.frameGeometry() != watched.geometry()
        ):
            watched.removeEventFilter(self)
            QTimer.singleShot(0, lambda: self._place(watched))  # not inside Qt's own event
        return False


class Printing:
    """The workstation's printing, built once by the composition (``ui.app``) and passed to
    the windows: one :class:`FormPrinter` per document, its pages drawn by the workstation's
    task runner (in the helper process when it runs)."""

    def __init__(self, runner: TaskRunner) -> None:
        self._runner = runner

    def form(self, pdf: bytes, title: str, parent: QWidget | None) -> FormPrinter:
        return FormPrinter(pdf, title, self._runner, parent)


#: The file list's column headers (QFileSystemModel's; ``qtbase_zh_CN`` may lack them).
FILE_COLUMNS = ("名称", "大小", "类型", "修改日期")


class ChineseFileTypes(QFileIconProvider):
    """The 类型 column in words of the UI ("Folder" is not in ``qtbase_zh_CN``)."""

    def type(self, info: QFileInfo) -> str:
        if info.isDir():
            return tr("printing", "文件夹")
        suffix = info.suffix().upper()
        if not suffix:
            return tr("printing", "文件")
        return tr("printing", "%1 文件").replace("%1", suffix)


class ChineseHeaders(QIdentityProxyModel):
    """The file list with the column headers of ``FILE_COLUMNS``."""

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(FILE_COLUMNS)
        ):
            return tr("printing", FILE_COLUMNS[section])
        return super().headerData(section, orientation, role)


def documents_folder() -> str:
    """Where a saved PDF goes first: the user's documents folder, else home (never the
    program's folder, the working directory)."""
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if documents and Path(documents).is_dir():
        return documents
    return QDir.homePath()


def save_dialog(parent: QWidget | None, suggested: str) -> QFileDialog:
    """Qt's own (non-native) save dialog with every label in the UI's language:
    ``qtbase_zh_CN`` leaves "Look in:", "Files of type:" and the 类型 column's "Folder" in
    English, so they are set here. It opens in the user's documents folder."""
    folder = documents_folder()
    dialog = QFileDialog(parent, tr("printing", "保存为 PDF"), folder, "PDF (*.pdf)")
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setDefaultSuffix("pdf")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    types = ChineseFileTypes()
    dialog.setIconProvider(types)
    dialog.file_types = types  # type: ignore[attr-defined]  # the dialog does not own it
    dialog.setProxyModel(ChineseHeaders(dialog))
    dialog.setDirectory(folder)
    dialog.selectFile(suggested)
    for label, text in (
        (QFileDialog.DialogLabel.LookIn, "查找范围："),
        (QFileDialog.DialogLabel.FileName, "文件名："),
        (QFileDialog.DialogLabel.FileType, "文件类型："),
        (QFileDialog.DialogLabel.Accept, "保存"),
        (QFileDialog.DialogLabel.Reject, "取消"),
    ):
        dialog.setLabelText(label, tr("printing", text))
    return dialog


def holder_keeps_their_screen(dialog: QWidget) -> None:
    """Modal to the clerk's window only: ``exec()`` makes a dialog application-modal, which
    froze the holder's own window on the second screen too — a slip printed while the holder
    rates (RULES E2) left their taps unheard until the clerk closed the print dialog."""
    dialog.setWindowModality(Qt.WindowModality.WindowModal)


def ask_save_path(parent: QWidget | None, suggested: str) -> str:
    """Where the clerk saves the PDF ("" when cancelled)."""
    dialog = save_dialog(parent, suggested)
    holder_keeps_their_screen(dialog)
    if not dialog.exec():
        return ""
    files = dialog.selectedFiles()
    return files[0] if files else ""
