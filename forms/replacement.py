"""补卡申请表: application for a replacement card (RULES R1, R2)."""

from __future__ import annotations

from forms.data import ReplacementForm, Reprint, format_datetime
from forms.document import (
    TWO_PARTS,
    Copy,
    DrawBody,
    check_rows,
    draw_signatures,
    render_copies,
)
from forms.fonts import FontSet
from forms.layout import Field, Sheet, mm

DECLARATION = (
    "本人声明：以上信息属实，现申请补领社会保障卡。本人知悉：申请补卡后，原卡保持挂失状态、"
    "永久停止使用，即使找回也不能再解除挂失；新卡启用前，请勿丢弃本申请表持卡人联。"
)


def _draw_body(form: ReplacementForm) -> DrawBody:
    def draw(sheet: Sheet, copy: Copy, top: float) -> float:
        h = form.holder
        y = sheet.section(top, "一、申请人信息")
        y = sheet.fields(
            y,
            [
                [Field("姓名", h.name, weight=2.6, fit=True), Field("性别", h.gender, weight=0.7)],
                [Field("社会保障号码", copy.id_number(h.id_number))],
                [Field("联系电话", copy.phone(h.phone)), Field("参保区县", h.district_name)],
                [Field("常住地址", h.address)],
            ],
        )
        report = form.loss_report
        lost = (
            f"{report.serial}（{format_datetime(report.reported_at)}，"
            f"{'书面挂失' if report.written else '电话临时挂失'}）"
            if report
            else "无"
        )
        y = sheet.section(y - 2 * mm, "二、原卡与补卡")
        y = sheet.fields(
            y,
            [
                [
                    Field("原卡卡号", copy.card_number(form.old_card_number)),
                    Field("补卡原因", form.reason),
                ],
                [Field("原卡挂失", lost)],
                [
                    Field("领卡方式", form.collection),
                    Field("邮寄地址", form.mailing_address or "—", weight=1.6),
                ],
            ],
        )
        doc = form.id_document
        y = sheet.section(y - 2 * mm, "三、身份核验")
        y = sheet.fields(
            y,
            [
                [Field("核验证件", doc.kind), Field("证件号码", copy.id_number(doc.number))],
                *check_rows(doc),
            ],
        )
        y = sheet.boxed_paragraph(y - 2 * mm, "申请人声明", DECLARATION)
        return draw_signatures(sheet, y - 2 * mm, form.header, signer="申请人签名")

    return draw


def render_replacement_form(
    form: ReplacementForm,
    *,
    key: bytes,
    fonts: FontSet | None = None,
    reprint: Reprint | None = None,
    watermark: str = "",
) -> bytes:
    """The two-part replacement application (archive copy: full numbers; holder copy: masked)."""
    return render_copies(
        form,
        key=key,
        fonts=fonts,
        reprint=reprint,
        copies=TWO_PARTS,
        draw_body=_draw_body(form),
        watermark=watermark,
    )
