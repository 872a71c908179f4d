"""解除挂失登记表: lifting a loss report when the holder has found the card (RULES U1–U5)."""

from __future__ import annotations

from forms.data import LiftForm, Reprint, format_datetime
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
from forms.reviewer import reviewer_rows

DECLARATION = (
    "本人声明：本人已找回上述社会保障卡，现持本人有效身份证件及原卡，到所属区县医疗保险分中心"
    "申请解除挂失。原卡已由读卡器读取核对，并由本人输入卡密码验证。本人尚未申请补卡；"
    "解除挂失后，该卡恢复正常使用。"
)

#: Printed when the lift unblocked the chip's application (CARD.md APPLICATION UNBLOCK):
#: a terminal had blocked the card while it was reported lost.
APP_UNBLOCKED = "挂失期间卡片应用已被锁定，本次解除挂失时已同时解锁，卡片可正常使用"


def _draw_body(form: LiftForm) -> DrawBody:
    def draw(sheet: Sheet, copy: Copy, top: float) -> float:
        h = form.holder
        y = sheet.section(top, "一、持卡人信息")
        y = sheet.fields(
            y,
            [
                [Field("姓名", h.name, weight=2.6, fit=True), Field("性别", h.gender, weight=0.7)],
                [Field("社会保障号码", copy.id_number(h.id_number))],
                [
                    Field("社会保障卡卡号", copy.card_number(form.card_number)),
                    Field("联系电话", copy.phone(h.phone)),
                ],
                [Field("所属区县", h.district_name), Field("办理机构", form.header.office.name)],
            ],
        )
        report = form.loss_report
        y = sheet.section(y - 2 * mm, "二、解除的挂失")
        y = sheet.fields(
            y,
            [
                [
                    Field("挂失编号", report.serial),
                    Field("挂失方式", "书面挂失" if report.written else "电话临时挂失"),
                ],
                [Field("挂失时间", format_datetime(report.reported_at))],
                [Field("解挂原因", form.reason, min_lines=2)],
            ],
        )
        doc = form.id_document
        y = sheet.section(y - 2 * mm, "三、身份与原卡核验")
        y = sheet.fields(
            y,
            [
                [Field("核验证件", doc.kind), Field("证件号码", copy.id_number(doc.number))],
                *check_rows(doc),
                [
                    Field(
                        "原卡核验", "原卡芯片读取的卡号与挂失记录一致；持卡人本人输入卡密码验证通过"
                    )
                ],
                *([[Field("卡片应用", APP_UNBLOCKED)]] if form.app_unblocked else []),
                *reviewer_rows(form.reviewer),
            ],
        )
        y = sheet.boxed_paragraph(y - 2 * mm, "持卡人声明", DECLARATION)
        return draw_signatures(sheet, y - 2 * mm, form.header)

    return draw


def render_lift_form(
    form: LiftForm,
    *,
    key: bytes,
    fonts: FontSet | None = None,
    reprint: Reprint | None = None,
    watermark: str = "",
) -> bytes:
    """The two-part lift-of-loss-report form (archive copy: full numbers; holder copy: masked)."""
    return render_copies(
        form,
        key=key,
        fonts=fonts,
        reprint=reprint,
        copies=TWO_PARTS,
        draw_body=_draw_body(form),
        watermark=watermark,
    )
