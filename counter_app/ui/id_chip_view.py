"""Pieces of the 读取身份证 rows (``id_chip``) that hold no state of the check: finding the
window's reader and a workflow's services, the service's refusals of a document, the
portrait as a pixmap (its decoded bytes wiped), the chip's data as the clerk reads it, and
a show watcher. The portrait is never written anywhere."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PyQt6.QtCore import QEvent, QObject
from PyQt6.QtGui import QImage, QPalette, QPixmap
from PyQt6.QtWidgets import QComboBox, QWidget

from counter_app.services.errors import (
    IdCheckIncomplete,
    IdDocumentExpired,
    IdDocumentMismatch,
    IdDocumentNotAccepted,
    IdNameMismatch,
    ManualIdCheckForbidden,
)
from counter_app.ui.i18n import tr
from reader.idcard.photo import Portrait

#: The service's refusals of a document (not of the clerk or the card): said on the ID step.
DOCUMENT_REFUSALS = (
    IdDocumentMismatch,
    IdDocumentNotAccepted,
    IdNameMismatch,
    IdDocumentExpired,
    ManualIdCheckForbidden,
    IdCheckIncomplete,
)


def find_on_window(widget: QWidget | None, name: str) -> Any:
    """The attribute ``name`` of the first of ``widget``'s ancestors that has one (the main
    window's ``id_station`` and ``runner``)."""
    while widget is not None:
        value = getattr(widget, name, None)
        if value is not None:
            return value
        widget = widget.parentWidget()
    return None


def workflow_services(widget: QWidget) -> tuple[Any, Any, Any, Any, Any] | None:
    """(gateway, actor, holder session, purpose, runner) when ``widget`` is in the ID step
    of a workflow for an open holder session (``open_workflow`` names the dialog's action
    ``id_check_purpose``), else None (the 核验证件 check opens the session itself)."""
    purpose = find_on_window(widget, "id_check_purpose")
    session = getattr(find_on_window(widget, "holder"), "session", None)
    found = (
        find_on_window(widget, "gateway"),
        find_on_window(widget, "actor"),
        session,
        purpose,
        find_on_window(widget, "runner"),
    )
    return None if any(part is None for part in found) else found


def portrait_pixmap(portrait: Portrait) -> QPixmap:
    """The portrait as a pixmap; the decoded bytes are wiped before this returns."""
    image = QImage(portrait.width, portrait.height, QImage.Format.Format_RGB888)
    stride, row = image.bytesPerLine(), portrait.width * 3
    bits = image.bits()
    assert bits is not None
    bits.setsize(image.sizeInBytes())
    chunk = bytearray(row)  # one reused row buffer, wiped after: no immutable copies
    with memoryview(portrait.rgb) as view:
        for y in range(portrait.height):
            chunk[:] = view[y * row : (y + 1) * row]
            bits[y * stride : y * stride + row] = chunk
    chunk[:] = bytes(row)
    portrait.wipe()
    pixmap = QPixmap.fromImage(image)
    image.fill(0)
    return pixmap


def _label(key: str) -> str:
    """The screen label of one of ``id_reader.chip_lines``' keys."""
    labels = {
        "姓名": tr("idcard", "姓名"),
        "性别": tr("idcard", "性别"),
        "出生": tr("idcard", "出生"),
        "证件号码": tr("idcard", "证件号码"),
        "有效期至": tr("idcard", "有效期至"),
        "签发机关": tr("idcard", "签发机关"),
    }
    return labels.get(key, key)


def prompt_in_plain_text(combo: QComboBox) -> None:
    """The placeholder of ``combo`` drawn like its chosen text while it is enabled: Qt draws
    it in the dimmed placeholder colour, which a new clerk took for a disabled list. A
    disabled list keeps the dimmed look (the disabled colour group is left alone)."""
    palette = combo.palette()
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        text = palette.color(group, QPalette.ColorRole.ButtonText)
        palette.setColor(group, QPalette.ColorRole.PlaceholderText, text)
    combo.setPalette(palette)


def chip_text(lines: Sequence[tuple[str, str]]) -> str:
    """The chip's data lines (``id_reader.chip_lines``) as the clerk reads them."""
    return "\n".join(f"{_label(key)}：{value}" for key, value in lines)


class ShownWatcher(QObject):
    """Calls ``shown()`` whenever the watched widget is shown, and ``hidden()`` (when given)
    whenever the program hides it or a window it lies in (another page, the dialog
    closed) — not when the window system does (the window minimised)."""

    def __init__(
        self,
        shown: Callable[[], None],
        parent: QObject,
        hidden: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self._shown = shown
        self._hidden = hidden

    def eventFilter(self, watched: QObject | None, event: QEvent | None) -> bool:  # Qt's name
        if event is not None and event.type() == QEvent.Type.Show:
            self._shown()
        elif (
            event is not None
            and self._hidden is not None
            and event.type() == QEvent.Type.Hide
            and not event.spontaneous()
        ):
            self._hidden()
        return False
