"""查阅告知单: the holder-facing summary of a counter session (RULES Q7).

The person whose records were read learns which categories were viewed, what was done, by
which staff number, at which office and when. One holder copy; numbers are masked.
"""

from __future__ import annotations

from forms.data import AccessSlip, Reprint, format_datetime
from forms.document import HOLDER_ONLY, Copy, DrawBody, render_copies
from forms.fonts import FontSet
from forms.layout import Field, Sheet, mm
from forms.localtime import format_local

NOTICE = (
    "根据个人信息保护的要求，经办机构查阅您的社会保障信息均须您本人在场并核验身份，"
    "每次查阅均有记录（查阅人、地点、时间、查阅内容及原因）。"
    "如对本次查阅有疑问，请凭本告知单向经办机构或拨打 12333 咨询。"
)


def _draw_body(form: AccessSlip) -> DrawBody:
    def draw(sheet: Sheet, copy: Copy, top: float) -> float:
        header = form.header
        y = sheet.section(top, "一、本次业务")
        rows = [
            [Field("办件编号", form.case_no or "—")],
            [Field("姓名", form.holder_name, weight=2.6, fit=True)],
            [
                Field("证件号码", copy.id_number(form.id_number)),
                Field(
                    "社保卡卡号", copy.card_number(form.card_number) if form.card_number else "—"
                ),
            ],
            [Field("身份核验", form.identified_by), Field("查阅原因", form.purpose)],
            [
                Field("开始时间", format_datetime(form.session_started)),
                Field("结束时间", format_datetime(form.session_ended)),
            ],
            [Field("经办机构", f"{header.office.name}（{header.office.code}）")],
            [
                Field("经办人工号", header.handler.staff_number),
                Field("经办人", header.handler.name),
            ],
        ]
        y = sheet.fields(y, rows)
        y = sheet.section(y - 2 * mm, "二、查阅的信息类别")
        viewed = "、".join(form.viewed) if form.viewed else "无（未查阅个人记录）"
        y = sheet.fields(y, [[Field("查阅类别", viewed, min_lines=2)]])
        y = sheet.section(y - 2 * mm, "三、办理的业务")
        actions = [
            [
                Field(
                    format_local(a.at, "%H:%M:%S"),
                    a.description + (f"（表单编号 {a.serial}）" if a.serial else ""),
                )
            ]
            for a in form.actions
        ] or [[Field("—", "无（仅查询）")]]
        y = sheet.fields(y, actions)
        return sheet.boxed_paragraph(y - 2 * mm, "告知", NOTICE)

    return draw


def render_access_slip(
    form: AccessSlip,
    *,
    key: bytes,
    fonts: FontSet | None = None,
    reprint: Reprint | None = None,
    watermark: str = "",
) -> bytes:
    """The one-page access slip for the holder (numbers masked)."""
    return render_copies(
        form,
        key=key,
        fonts=fonts,
        reprint=reprint,
        copies=(HOLDER_ONLY,),
        draw_body=_draw_body(form),
        watermark=watermark,
    )
