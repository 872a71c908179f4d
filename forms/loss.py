"""挂失登记表: the written loss report (RULES L3), archive copy and holder copy."""

from __future__ import annotations

from forms.data import LossForm, Reprint, format_date, format_datetime
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
    "本人声明：以上信息属实，本人的社会保障卡已遗失，现申请书面挂失。本人知悉：挂失后该卡暂停使用；"
    "如在申请补卡前找回原卡，须本人持居民身份证或户籍证明及原卡，到所属区县医疗保险分中心办理"
    "解除挂失，解除挂失不能通过电话办理；申请补卡后，原卡不能再解除挂失。"
)


def phone_report_text(form: LossForm) -> str:
    report = form.phone_report
    if report is None:
        return "无（本次为直接书面挂失）"
    ref = f"（受理号 {report.reference}）" if report.reference else ""
    return (
        f"已于 {format_datetime(report.reported_at)} 通过 12333 电话临时挂失{ref}，本表为其书面确认"
    )


def holder_rows(sheet: Sheet, form: LossForm, copy: Copy) -> list[list[Field]]:
    h = form.holder
    return [
        [Field("姓名", h.name, weight=2.6, fit=True), Field("性别", h.gender, weight=0.7)],
        [Field("社会保障号码", copy.id_number(h.id_number))],
        [
            Field("社会保障卡卡号", copy.card_number(form.card_number)),
            Field("联系电话", copy.phone(h.phone)),
        ],
        [Field("参保区县", h.district_name), Field("挂失方式", "书面挂失")],
        [Field("常住地址", h.address, max_lines=4)],
    ]


def _draw_body(form: LossForm) -> DrawBody:
    def draw(sheet: Sheet, copy: Copy, top: float) -> float:
        y = sheet.section(top, "一、持卡人信息")
        y = sheet.fields(y, holder_rows(sheet, form, copy))
        y = sheet.section(y - 2 * mm, "二、遗失情况")
        y = sheet.fields(
            y,
            [
                [
                    Field("遗失日期", format_date(form.lost_on)),
                    Field("遗失地点", form.lost_place, max_lines=3),
                ],
                [Field("遗失经过", form.circumstances, min_lines=3, max_lines=8)],
                [Field("电话挂失", phone_report_text(form))],
            ],
        )
        y = sheet.section(y - 2 * mm, "三、身份核验")
        doc = form.id_document
        y = sheet.fields(
            y,
            [
                [Field("核验证件", doc.kind), Field("证件号码", copy.id_number(doc.number))],
                *check_rows(doc),
            ],
        )
        y = sheet.boxed_paragraph(y - 2 * mm, "持卡人声明", DECLARATION)
        return draw_signatures(sheet, y - 2 * mm, form.header)

    return draw


def render_loss_form(
    form: LossForm,
    *,
    key: bytes,
    fonts: FontSet | None = None,
    reprint: Reprint | None = None,
    watermark: str = "",
) -> bytes:
    """The two-part loss registration form (archive copy: full numbers; holder copy: masked)."""
    return render_copies(
        form,
        key=key,
        fonts=fonts,
        reprint=reprint,
        copies=TWO_PARTS,
        draw_body=_draw_body(form),
        watermark=watermark,
    )
