"""密码重置/解锁回执: receipt for a counter password reset or unblock (RULES P4–P6).

The receipt never shows a password: the holder typed it on the holder keypad, and no form
ever receives it (docs/ARCHITECTURE.md "PIN entry").
"""

from __future__ import annotations

from forms.data import PinAction, PinReceipt, Reprint
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

_WHAT = {
    PinAction.RESET: "密码重置（持卡人忘记密码，经核验身份后由本人设置新密码）",
    PinAction.UNBLOCK: "密码解锁（密码连续输错被锁定，经核验身份后由本人设置新密码并解锁）",
}

NOTICE = (
    "新密码由持卡人本人在持卡人密码键盘上输入两次，工作人员未接触、系统未记录该密码。"
    "新密码不得为 123456、六位相同数字或连续数字。请妥善保管密码，勿告知他人；"
    "如非本人办理，请立即拨打 12333 或到经办机构挂失。"
)


def _draw_body(form: PinReceipt) -> DrawBody:
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
            ],
        )
        doc = form.id_document
        y = sheet.section(y - 2 * mm, "二、办理事项")
        y = sheet.fields(
            y,
            [
                [Field("办理事项", _WHAT[form.action])],
                [Field("核验证件", doc.kind), Field("证件号码", copy.id_number(doc.number))],
                *check_rows(doc),
                [
                    Field(
                        "办理结果",
                        f"已完成。卡密码已重新设置，密码错误次数已清零"
                        f"（允许连续输错 {form.retry_limit} 次）。",
                    )
                ],
                *reviewer_rows(form.reviewer),
            ],
        )
        y = sheet.boxed_paragraph(y - 2 * mm, "温馨提示", NOTICE)
        return draw_signatures(sheet, y - 2 * mm, form.header)

    return draw


def render_pin_receipt(
    form: PinReceipt,
    *,
    key: bytes,
    fonts: FontSet | None = None,
    reprint: Reprint | None = None,
    watermark: str = "",
) -> bytes:
    """The two-part password reset / unblock receipt."""
    return render_copies(
        form,
        key=key,
        fonts=fonts,
        reprint=reprint,
        copies=TWO_PARTS,
        draw_body=_draw_body(form),
        watermark=watermark,
    )
