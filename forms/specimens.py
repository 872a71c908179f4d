"""Filled specimens of every form, for training and printer alignment.

Specimens are signed with :data:`~forms.verification.DEMO_FORM_KEY` only (never the deployment
key, so a specimen never verifies as genuine in production) and carry a 样本 watermark. The data
is fixed, so a specimen's bytes are the same on every run on the same machine.
"""

from __future__ import annotations

from datetime import date, datetime

from forms.data import (
    CHINA_TZ,
    AccessSlip,
    Form,
    FormHeader,
    FormKind,
    Holder,
    IdDocument,
    LiftForm,
    LossForm,
    LossReportRef,
    Office,
    PhoneReport,
    PinAction,
    PinReceipt,
    ReplacementForm,
    SessionAction,
    Staff,
)
from forms.fonts import FontSet
from forms.render import render_form
from forms.verification import DEMO_FORM_KEY

SPECIMEN_WATERMARK = "样本 仅供培训与打印校准"

OFFICE = Office("500103-YB", "重庆市渝中区医疗保险分中心", "渝中区")
HANDLER = Staff("李娜", "YB0317")
HOLDER = Holder(
    name="王晓明",
    gender="男",
    id_number="500103198805126512",
    phone="13883251234",
    address="重庆市渝中区解放碑街道民族路188号3单元12-4",
    district_name="渝中区",
)
ID_CARD = IdDocument("居民身份证", HOLDER.id_number)
CARD_NUMBER = "C50012345"


def _at(day: int, hour: int, minute: int) -> datetime:
    return datetime(2024, 5, day, hour, minute, tzinfo=CHINA_TZ)


def _header(kind: FormKind, number: int, day: int = 6) -> FormHeader:
    prefix = {
        FormKind.LOSS: "GS",
        FormKind.LIFT: "JG",
        FormKind.PIN_RESET: "MM",
        FormKind.UNBLOCK: "JS",
        FormKind.REPLACEMENT: "BK",
        FormKind.ACCESS_SLIP: "CY",
    }
    return FormHeader(
        f"{prefix[kind]}-500103-202405{day:02d}-{number:06d}", _at(day, 10, 15), OFFICE, HANDLER
    )


LOSS_REF = LossReportRef("GS-500103-20240506-000123", _at(6, 10, 15), written=True)


def specimen(kind: FormKind) -> Form:
    """A filled example of ``kind``."""
    if kind is FormKind.LOSS:
        return LossForm(
            header=_header(kind, 123),
            holder=HOLDER,
            card_number=CARD_NUMBER,
            lost_on=date(2024, 5, 4),
            lost_place="轨道交通2号线较场口站",
            circumstances="5月4日晚乘坐轨道交通时钱包被盗，内有社会保障卡和银行卡，"
            "当晚已拨打 12333 电话临时挂失。",
            id_document=ID_CARD,
            phone_report=PhoneReport(_at(4, 20, 31), "12333-20240504-0088"),
        )
    if kind is FormKind.LIFT:
        return LiftForm(
            header=_header(kind, 45, day=20),
            holder=HOLDER,
            card_number=CARD_NUMBER,
            loss_report=LOSS_REF,
            id_document=ID_CARD,
        )
    if kind in (FormKind.PIN_RESET, FormKind.UNBLOCK):
        action = PinAction.RESET if kind is FormKind.PIN_RESET else PinAction.UNBLOCK
        return PinReceipt(
            header=_header(kind, 77),
            holder=HOLDER,
            card_number=CARD_NUMBER,
            action=action,
            id_document=ID_CARD,
        )
    if kind is FormKind.REPLACEMENT:
        return ReplacementForm(
            header=_header(kind, 9, day=8),
            holder=HOLDER,
            old_card_number=CARD_NUMBER,
            reason="遗失",
            id_document=ID_CARD,
            loss_report=LOSS_REF,
            collection="邮寄",
            mailing_address=HOLDER.address,
        )
    return AccessSlip(
        header=_header(FormKind.ACCESS_SLIP, 301),
        holder_name=HOLDER.name,
        id_number=HOLDER.id_number,
        card_number=CARD_NUMBER,
        identified_by="居民身份证核验（社保卡不在身边）",
        purpose="办理书面挂失",
        session_started=_at(6, 10, 2),
        session_ended=_at(6, 10, 18),
        viewed=("卡基本信息", "社会保险", "医疗保险"),
        actions=(SessionAction(_at(6, 10, 15), "书面挂失", "GS-500103-20240506-000123"),),
        case_no="500103-YB-20240506-0012",
    )


def render_specimen(kind: FormKind, *, fonts: FontSet | None = None) -> bytes:
    """The PDF of a filled, watermarked specimen of ``kind``, signed with the demo key."""
    return render_form(specimen(kind), key=DEMO_FORM_KEY, fonts=fonts, watermark=SPECIMEN_WATERMARK)
