"""The city's offices (RULES S1–S2): register one, list them.

A fresh city database has no offices, and every staff account belongs to one (RULES S3), so
this is the first thing done after ``db upgrade`` (docs/DEPLOYMENT.md "First
installation"). The command line on the server does it (``counter-admin office``), trusted
like the staff commands and audited the same way: workstation ``cli``, action
``office.add``, in the transaction that writes the office.

What an office is (``counter_app.models.office``): a kind, a name, and — for every kind but
the city card service center — the Chongqing district it belongs to (RULES S2; forms print
that district's name). Its code follows the pattern the staff numbers use
(``YB500103-01`` works at ``500103-YB``):

- district medical insurance sub-center (区县医疗保险分中心): ``<district>-YB``;
- service window (经办机构窗口): ``<district>-CK<two digits>``, e.g. ``500103-CK01``;
- city card service center (社会保障卡服务中心): ``500000-KZX`` (the city's code).

Every field is checked before anything is written (:func:`check_office`); a refusal is a
:class:`~counter_app.validation.ValidationError` whose Chinese message names the field.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from sqlalchemy import func, select

from counter_app.models.audit_actions import AuditAction
from counter_app.models.office import Office, OfficeKind, Staff
from counter_app.services import audit
from counter_app.services.context import ServiceContext
from counter_app.services.errors import ServiceError
from counter_app.validation import ValidationError
from counter_app.validation.regions import CHONGQING_CITY_CODE, district_name
from counter_app.validation.text_policy import ADDRESS, OFFICE_CODE, TextField, clean_text

#: What the staff call each kind of office (RULES "Channels").
KIND_LABELS: Final[dict[OfficeKind, str]] = {
    OfficeKind.SERVICE_WINDOW: "经办机构窗口",
    OfficeKind.DISTRICT_SUBCENTER: "区县医疗保险分中心",
    OfficeKind.CARD_CENTER: "社会保障卡服务中心",
}

OFFICE_NAME: Final = TextField("office_name", "机构名称", 30, gbk=True)
OFFICE_PHONE: Final = TextField("office_phone", "机构电话", 20, required=False)
DISTRICT: Final = TextField("district_code", "区县代码", 6, required=False)

_WINDOW_SUFFIX: Final = re.compile(r"CK(0[1-9]|[1-9][0-9])")
_PHONE: Final = re.compile(r"[0-9][0-9-]{2,19}")


class OfficeExists(ServiceError):
    """The office code is registered already (codes are stable and unique)."""

    reason = "office_exists"
    message = "该机构代码已登记。请核对机构代码。"


class OfficeRefused(ValidationError):
    """One field of a new office refused; the message names the field and the fix."""


@dataclass(frozen=True)
class OfficeSpec:
    """A new office, checked: what :func:`add_office` writes."""

    code: str
    name: str
    kind: OfficeKind
    district_code: str | None
    address: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class OfficeInfo:
    code: str
    name: str
    kind: str
    district_code: str | None
    active: bool
    staff: int

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[OfficeKind(self.kind)]

    @property
    def district_label(self) -> str:
        if self.district_code is None:
            return "全市"
        return district_name(self.district_code) or self.district_code


def _refuse(field: str, message: str, code: str) -> OfficeRefused:
    return OfficeRefused(message, field=field, code=code)


def expected_code(kind: OfficeKind, district: str | None) -> str:
    """The code (or, for a window, its pattern) an office of ``kind`` must have."""
    if kind is OfficeKind.CARD_CENTER:
        return f"{CHONGQING_CITY_CODE}-KZX"
    if kind is OfficeKind.DISTRICT_SUBCENTER:
        return f"{district or '区县代码'}-YB"
    return f"{district or '区县代码'}-CK01（CK 后为两位序号 01–99）"


def check_office(
    code: object,
    name: object,
    kind: object,
    district: object = None,
    address: object = None,
    phone: object = None,
) -> OfficeSpec:
    """The office these fields describe, or :class:`OfficeRefused` (a Chinese message that
    names the field and says what to write). Never raises anything else."""
    try:
        office_kind = OfficeKind(str(kind).strip())
    except ValueError:
        kinds = "、".join(f"{k.value}（{label}）" for k, label in KIND_LABELS.items())
        raise _refuse("kind", f"机构类型只能是 {kinds}。", "kind") from None
    clean_code = clean_text(code, OFFICE_CODE).upper()
    clean_name = clean_text(name, OFFICE_NAME)
    district_code = clean_text(district, DISTRICT) or None
    if office_kind is OfficeKind.CARD_CENTER:
        if district_code is not None:
            raise _refuse(
                "district_code",
                "社会保障卡服务中心属于全市，不填区县代码。请去掉 --district 后重试。",
                "district",
            )
    elif district_code is None:
        raise _refuse(
            "district_code",
            f"{KIND_LABELS[office_kind]}须填写所属区县代码（6 位数字，如渝中区 500103）。",
            "district",
        )
    elif district_name(district_code) is None:
        raise _refuse(
            "district_code",
            f"区县代码 {district_code} 不是重庆市现行的区县代码（应为 6 位数字，如渝中区 "
            "500103）。请核对后重试。",
            "district",
        )
    if not _code_fits(clean_code, office_kind, district_code):
        raise _refuse(
            "office_code",
            f"机构代码 {clean_code} 与机构类型、区县不符：{KIND_LABELS[office_kind]}的机构代码"
            f"应为 {expected_code(office_kind, district_code)}。请核对后重试。",
            "code",
        )
    clean_phone = clean_text(phone, OFFICE_PHONE) or None
    if clean_phone is not None and _PHONE.fullmatch(clean_phone) is None:
        raise _refuse(
            "office_phone",
            "「机构电话」只能填数字和横线，如 023-12333。请核对后重试。",
            "phone",
        )
    return OfficeSpec(
        code=clean_code,
        name=clean_name,
        kind=office_kind,
        district_code=district_code,
        address=clean_text(address, ADDRESS) or None,
        phone=clean_phone,
    )


def _code_fits(code: str, kind: OfficeKind, district: str | None) -> bool:
    prefix, _, suffix = code.partition("-")
    if kind is OfficeKind.CARD_CENTER:
        return prefix == CHONGQING_CITY_CODE and suffix == "KZX"
    if prefix != district:
        return False
    if kind is OfficeKind.DISTRICT_SUBCENTER:
        return suffix == "YB"
    return _WINDOW_SUFFIX.fullmatch(suffix) is not None


def add_office(ctx: ServiceContext, spec: OfficeSpec) -> OfficeInfo:
    """Register one office (the command line: trusted, audited as workstation ``cli``)."""
    return add_offices(ctx, [spec])[0]


def add_offices(ctx: ServiceContext, specs: Sequence[OfficeSpec]) -> list[OfficeInfo]:
    """Register ``specs`` all together or none: one transaction, one ``office.add`` audit
    event per office. :class:`OfficeExists` when a code is registered already (or given
    twice)."""
    now = ctx.now()
    codes = [s.code for s in specs]
    repeated = sorted({c for c in codes if codes.count(c) > 1})
    if repeated:
        raise OfficeExists(f"机构代码 {'、'.join(repeated)} 出现了不止一次。请删去重复的行。")
    with ctx.uow() as uow:
        db = uow.session
        taken = db.scalars(select(Office.code).where(Office.code.in_(codes))).all()
        if taken:
            raise OfficeExists(
                f"机构代码 {'、'.join(sorted(taken))} 已登记，本次未新增任何机构。"
                "请核对机构代码（counter-admin office list 列出已登记的机构）。"
            )
        added = []
        for spec in specs:
            office = Office(
                code=spec.code,
                name=spec.name,
                kind=spec.kind.value,
                district_code=spec.district_code,
                address=spec.address,
                phone=spec.phone,
                active=True,
            )
            db.add(office)
            db.flush()
            details = {
                "office_code": spec.code,
                "kind": spec.kind.value,
                "district_code": spec.district_code,
            }
            audit.record(
                uow, None, AuditAction.OFFICE_ADD, at=now, workstation="cli", details=details
            )
            added.append(
                OfficeInfo(spec.code, spec.name, spec.kind.value, spec.district_code, True, 0)
            )
        uow.commit()
    return added


def list_offices(ctx: ServiceContext) -> list[OfficeInfo]:
    """Every office, by code, with its number of staff accounts."""
    with ctx.uow() as uow:
        staff = (
            select(Staff.office_id, func.count(Staff.id).label("n"))
            .group_by(Staff.office_id)
            .subquery()
        )
        rows = uow.session.execute(
            select(Office, staff.c.n)
            .outerjoin(staff, staff.c.office_id == Office.id)
            .order_by(Office.code)
        ).all()
        return [
            OfficeInfo(o.code, o.name, o.kind, o.district_code, o.active, int(n or 0))
            for o, n in rows
        ]
