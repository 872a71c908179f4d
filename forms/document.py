"""The frame every form shares: one page per copy, head with QR and serial, foot, signatures.

:func:`render_copies` turns a form into PDF bytes: for each copy (archive, holder) one A4 page
with the same head, the body the form draws, and the same foot. The PDF is deterministic:
reportlab's invariant mode fixes the creation date and the document ID, and the metadata holds
only values taken from the form, so the same form (and reprint) gives the same bytes and any
form can be regenerated from the database.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportlab.pdfgen.canvas import Canvas

from forms.data import Form, FormHeader, IdDocument, Reprint, format_datetime
from forms.fonts import FontSet, default_fontset
from forms.layout import (
    BOTTOM,
    CELL_PAD,
    CONTENT_WIDTH,
    LEFT,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    RIGHT,
    TOP,
    Field,
    QrModules,
    Sheet,
    draw_qr,
    mm,
    qr_modules,
)
from forms.masking import mask_card_number, mask_id_number, mask_phone
from forms.verification import payload_for, split_code

QR_SIZE = 22 * mm
PRODUCER = "counter-app forms"


@dataclass(frozen=True)
class Copy:
    """One part of a form: its label, the note in its foot, whether numbers are masked."""

    label: str
    note: str
    masked: bool

    def id_number(self, value: str) -> str:
        return mask_id_number(value) if self.masked else value

    def card_number(self, value: str) -> str:
        return mask_card_number(value) if self.masked else value

    def phone(self, value: str) -> str:
        return mask_phone(value) if self.masked and value else value


ARCHIVE = Copy("第一联 存档联", "第一联 存档联：经办机构留存，持卡人签名后归档。", masked=False)
HOLDER = Copy(
    "第二联 持卡人联", "第二联 持卡人联：交持卡人留存，证件号码已隐去部分数字。", masked=True
)
HOLDER_ONLY = Copy("持卡人留存", "本告知单交持卡人留存，证件号码已隐去部分数字。", masked=True)
TWO_PARTS = (ARCHIVE, HOLDER)

DrawBody = Callable[[Sheet, Copy, float], float]


def new_canvas(buffer: io.BytesIO, title: str, header: FormHeader, fonts: FontSet) -> Canvas:
    """An A4 canvas with fixed metadata: same input, same bytes.

    Its initial font is the form font, so the PDF names no non-embedded standard font.
    """
    c = Canvas(
        buffer,
        pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
        invariant=1,
        pageCompression=1,
        initialFontName=fonts.primary,
        initialFontSize=10.5,
    )
    c.setTitle(f"{title} {header.serial}")
    c.setAuthor(header.office.name)
    c.setSubject(title)
    c.setCreator(PRODUCER)
    c.setProducer(PRODUCER)
    c.setKeywords(header.serial)
    return c


def draw_head(
    sheet: Sheet,
    title: str,
    header: FormHeader,
    copy: Copy,
    qr: QrModules,
    code: str,
    reprint: Reprint | None,
) -> float:
    """Title, office, copy label, QR with its code, serial and time. Returns the body top."""
    c = sheet
    draw_qr(c, qr, LEFT, TOP - QR_SIZE)
    # Below the QR's quiet zone (4 modules, about 2.4 mm).
    c.text(LEFT, TOP - QR_SIZE - 5.0 * mm, f"校验码 {split_code(code)}", 7)
    c.text(LEFT, TOP - QR_SIZE - 8.0 * mm, "扫码核验表单真伪", 7)

    label_size = 10.5
    label_w = c.width(copy.label, label_size) + 4 * mm
    c.rect(RIGHT - label_w, TOP - 8 * mm, label_w, 8 * mm, line_width=1.2)
    c.text_right(RIGHT - 2 * mm, TOP - 5.6 * mm, copy.label, label_size, bold=True)

    center = PAGE_WIDTH / 2
    c.text_center(center, TOP - 11 * mm, title, 18, bold=True)
    c.text_center(center, TOP - 18.5 * mm, f"经办机构：{header.office.name}", 10.5)
    if reprint is not None:
        stamp = f"补打（第{reprint.count}次）"
        stamp_w = c.width(stamp, 11) + 4 * mm
        c.rect(RIGHT - stamp_w, TOP - 20 * mm, stamp_w, 8 * mm, line_width=1.6)
        c.text_right(RIGHT - 2 * mm, TOP - 17.4 * mm, stamp, 11, bold=True)

    y = TOP - QR_SIZE - 11 * mm
    c.text(LEFT, y - 3.5 * mm, f"表单编号：{header.serial}", 10.5, bold=True)
    c.text_right(RIGHT, y - 3.5 * mm, f"受理时间：{format_datetime(header.issued_at)}", 10.5)
    y -= 6 * mm
    if reprint is not None:
        y = draw_reprint_banner(c, y - 1 * mm, reprint)
    return y - 1.5 * mm


def draw_reprint_banner(sheet: Sheet, top: float, reprint: Reprint) -> float:
    by = f"  补打经办人：{reprint.by.name}（工号 {reprint.by.staff_number}）" if reprint.by else ""
    text = (
        f"补打 第{reprint.count}次　补打时间：{format_datetime(reprint.reprinted_at)}{by}"
        f"　补打原因：{reprint.reason}。表单编号与原件相同。"
    )
    size = 9.5
    lines = sheet.wrap(text, CONTENT_WIDTH - 2 * CELL_PAD, size)
    height = len(lines) * size * 1.45 + 2 * CELL_PAD
    sheet.rect(LEFT, top - height, CONTENT_WIDTH, height, fill_gray=0.88, line_width=1.4)
    sheet.paragraph(
        LEFT + CELL_PAD, top - CELL_PAD, CONTENT_WIDTH - 2 * CELL_PAD, text, size, bold=False
    )
    return top - height


def draw_foot(sheet: Sheet, copy: Copy, header: FormHeader, page: int, pages: int) -> None:
    y = BOTTOM + 4 * mm
    sheet.line(LEFT, y + 3.5 * mm, RIGHT, y + 3.5 * mm, width=0.4)
    sheet.text(LEFT, y, copy.note, 8)
    sheet.text_right(RIGHT, y, f"{header.serial}　第{page}页 共{pages}页", 8)


def check_rows(doc: IdDocument) -> list[list[Field]]:
    """The row saying how the ID document was checked (芯片核验 / 人工录入（原因）), if known."""
    return [[Field("核验方式", doc.check)]] if doc.check else []


def draw_signatures(
    sheet: Sheet, top: float, header: FormHeader, signer: str = "持卡人签名"
) -> float:
    """Holder signature and date, handler with staff number, and the office seal box."""
    height = 34 * mm
    bottom = top - height
    widths = (CONTENT_WIDTH * 0.36, CONTENT_WIDTH * 0.34, CONTENT_WIDTH * 0.30)
    x = LEFT
    for w in widths:
        sheet.rect(x, bottom, w, height)
        x += w
    pad = CELL_PAD
    x0 = LEFT + pad
    sheet.text(x0, top - 6 * mm, f"{signer}：", 10.5)
    sheet.line(x0, bottom + 14 * mm, LEFT + widths[0] - pad, bottom + 14 * mm, width=0.4)
    sheet.text(x0, bottom + 5 * mm, "日期：　　　年　　月　　日", 10.5)

    x1 = LEFT + widths[0] + pad
    sheet.text(x1, top - 6 * mm, f"经办人：{header.handler.name}", 10.5)
    sheet.text(x1, top - 12 * mm, f"工号：{header.handler.staff_number}", 10.5)
    sheet.text(x1, bottom + 14 * mm, "经办人签名：", 10.5)
    sheet.text(x1, bottom + 5 * mm, f"日期：{format_datetime(header.issued_at)[:11]}", 10.5)

    x2 = LEFT + widths[0] + widths[1]
    sheet.text_center(x2 + widths[2] / 2, top - 6 * mm, "经办机构（盖章）", 10.5)
    lines, size = sheet.fit(header.office.name, widths[2] - 2 * pad, 8)
    for i, line in enumerate(lines[:2]):
        sheet.text_center(x2 + widths[2] / 2, bottom + 5 * mm - i * size * 1.3, line, size)
    return bottom


def draw_watermark(sheet: Sheet, text: str) -> None:
    c = sheet.canvas
    c.saveState()
    c.setFillGray(0.86)
    c.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
    c.rotate(35)
    # cos 35° ≈ 0.82: the rotated line stays inside the margins.
    size = min(90.0, (CONTENT_WIDTH - 20) / 0.82 / max(sheet.width(text, 1.0), 1.0))
    sheet.text_center(0, -size / 3, text, size)
    c.restoreState()


def render_copies(
    form: Form,
    *,
    key: bytes,
    fonts: FontSet | None,
    reprint: Reprint | None,
    copies: Sequence[Copy],
    draw_body: DrawBody,
    watermark: str = "",
) -> bytes:
    """The PDF bytes of ``form``: one page per copy, each framed the same way.

    ``watermark`` (e.g. 样本 on specimens) is drawn large and light behind every page.
    """
    fonts = fonts or default_fontset()
    header = form.header
    payload = payload_for(form, key)
    code = payload.rsplit("|", 1)[1]
    qr = qr_modules(payload, QR_SIZE)
    title = form.kind.heading
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, title, header, fonts)
    sheet = Sheet(canvas, fonts)
    for page, copy in enumerate(copies, start=1):
        if watermark:
            draw_watermark(sheet, watermark)
        top = draw_head(sheet, title, header, copy, qr, code, reprint)
        draw_body(sheet, copy, top)
        draw_foot(sheet, copy, header, page, len(copies))
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
