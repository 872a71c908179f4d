"""What the helper process (``tasks.HelperProcess``) runs: page images and report PDFs.

Why a process: QtPdf's ``QPdfDocument.render`` keeps the GIL for the whole page (50–90 ms
at 200 dpi), and reportlab's font tables (~150,000 containers per CJK TrueType face) make
every full garbage collection of the process that holds them walk them with the GIL held —
both stalled the GUI thread for 100–250 ms when they ran on a pool thread of the GUI
process (``scripts/bench_gui.py``). Here they stall nobody.

Only plain data crosses the process boundary: PDF bytes in, raw pixels or file bytes out.
This module imports no widget module (the child has no ``QApplication``); PyQt6 and
reportlab are imported inside the functions so that importing it costs nothing.
"""

from __future__ import annotations

from typing import Any

#: (width, height, bytes per line, RGB32 pixels) of one rendered page.
RawPage = tuple[int, int, int, bytes]


def warm() -> int:
    """Run once when the helper process starts: imports and the forms' CJK fonts, so the
    first preview or report does not pay for them. Returns the process id."""
    import os

    from PyQt6.QtPdf import QPdfDocument  # noqa: F401 - loads QtPdf (pdfium)

    try:
        from forms.fonts import default_fontset

        default_fontset()
    except Exception:  # no font: the job that needs one reports it
        pass
    return os.getpid()


def render_images(pdf: bytes, dpi: int) -> list[Any]:
    """Every page of ``pdf`` as a ``QImage`` (RGB32, on white). No widgets: safe on any
    thread and in a process without a ``QApplication``."""
    from PyQt6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt
    from PyQt6.QtGui import QImage, QPainter
    from PyQt6.QtPdf import QPdfDocument

    data = QByteArray(pdf)
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument(None)
    document.load(buffer)
    if document.status() != QPdfDocument.Status.Ready:
        raise ValueError("无法读取生成的 PDF 表单。")
    images = []
    for page in range(document.pageCount()):
        points = document.pagePointSize(page)
        size = QSize(int(points.width() * dpi / 72), int(points.height() * dpi / 72))
        rendered = document.render(page, size)  # transparent where the page has no ink
        image = QImage(size, QImage.Format.Format_RGB32)
        image.fill(Qt.GlobalColor.white)
        painter = QPainter(image)
        painter.drawImage(0, 0, rendered)
        painter.end()
        images.append(image)
    document.close()
    buffer.close()
    return images


def images_from_pixels(pages: list[RawPage]) -> list[Any]:
    """The ``QImage`` of each :data:`RawPage` (a deep copy: the bytes may go)."""
    from PyQt6.QtGui import QImage

    return [
        QImage(data, width, height, stride, QImage.Format.Format_RGB32).copy()
        for width, height, stride, data in pages
    ]


def render_page_pixels(pdf: bytes, dpi: int) -> list[RawPage]:
    """Every page of ``pdf`` as raw RGB32 pixels (:func:`render_images`, picklable)."""
    pages = []
    for image in render_images(pdf, dpi):
        bits = image.constBits()
        assert bits is not None
        data = bits.asstring(image.sizeInBytes())
        pages.append((image.width(), image.height(), image.bytesPerLine(), data))
    return pages


def modules_loaded(prefixes: tuple[str, ...]) -> list[str]:
    """Which modules starting with ``prefixes`` this process has imported (tests)."""
    import sys

    return sorted(name for name in sys.modules if name.startswith(prefixes))
