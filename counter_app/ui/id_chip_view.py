"""Pieces of the 读取身份证 rows (``id_chip``) that hold no state of the check: finding the
window's reader and services, the portrait as a pixmap (its decoded bytes wiped), the chip's
data as the clerk reads it. The portrait is never written anywhere."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PyQt6.QtGui import QImage, QPalette, QPixmap
from PyQt6.QtWidgets import QComboBox, QWidget

from counter_app.ui.i18n import tr
from reader.idcard.photo import Portrait


def find_on_window(widget: QWidget | None, name: str) -> Any:
    """The attribute ``name`` of the first of ``widget``'s ancestors that has one (the main
    window's ``id_station`` and ``runner``)."""
    while widget is not None:
        value = getattr(widget, name, None)
        if value is not None:
            return value
        widget = widget.parentWidget()
    return None


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
