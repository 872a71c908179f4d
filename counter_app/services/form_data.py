"""What forms print, as plain data: offices, staff, holders and documents (RULES L3).

``form_office``/``form_staff``/``form_holder``/``form_document`` turn what the services read
(an ORM row or a precompiled row — the ``*Fields`` protocols) into ``forms.data`` values; the
codes are decoded here (gender, document kind, district). :func:`form_to_json` and
:func:`form_from_json` store a form's data as JSON and give it back, for a resubmission's
answer and a reprint (``registered_forms.stored_form``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from typing import Any, Protocol

from counter_app.services.context import Actor
from counter_app.validation.regions import district_name
from forms import data as fd

GENDER_TEXT = {"1": "男", "2": "女", "9": "未说明"}
DOCUMENT_TEXT = {
    "resident_id": "居民身份证",
    "temporary_id": "临时居民身份证",
    "household_register": "户籍证明",
}


class OfficeFields(Protocol):
    """What a form prints of an office: an ``Office``, or its columns read with a serial."""

    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def district_code(self) -> str | None: ...


def form_office(office: OfficeFields) -> fd.Office:
    district = district_name(office.district_code) if office.district_code else None
    return fd.Office(office.code, office.name, district or "重庆市")


def form_staff(actor: Actor) -> fd.Staff:
    return fd.Staff(actor.name, actor.staff_no)


class HolderFields(Protocol):
    """What a form prints of a holder: a ``Holder``, or its row read precompiled."""

    @property
    def name(self) -> str: ...
    @property
    def gender(self) -> str: ...
    @property
    def ssn(self) -> str: ...
    @property
    def phone(self) -> str | None: ...
    @property
    def address(self) -> str | None: ...
    @property
    def household_district(self) -> str: ...


def form_holder(holder: HolderFields, phone: str | None = None) -> fd.Holder:
    return fd.Holder(
        name=holder.name,
        gender=GENDER_TEXT.get(holder.gender, holder.gender),
        id_number=holder.ssn,
        phone=phone if phone is not None else holder.phone or "",
        address=holder.address or "",
        district_name=district_name(holder.household_district) or holder.household_district,
    )


def form_document(kind: str, number: str, check: str = "") -> fd.IdDocument:
    """The document as a form prints it; ``check`` is ``idcheck.id_check_text``."""
    return fd.IdDocument(DOCUMENT_TEXT.get(kind, kind), number, check)


_PLAIN = {str, int, float, bool}
#: The field names of each ``forms.data`` dataclass, looked up once per class.
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def form_to_json(value: Any) -> Any:
    """A ``forms.data`` value as JSON: dataclasses tagged with their type name."""
    if value is None or type(value) in _PLAIN:
        return value
    kind = type(value)
    names = _FIELD_NAMES.get(kind)
    if names is None and dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _FIELD_NAMES[kind] = tuple(f.name for f in dataclasses.fields(value))
    if names is not None:
        out: dict[str, Any] = {"$type": kind.__name__}
        for name in names:
            out[name] = form_to_json(getattr(value, name))
        return out
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, enum.Enum):
        return {"$enum": type(value).__name__, "value": value.value}
    if isinstance(value, tuple):
        return [form_to_json(v) for v in value]
    return value


_TYPES: dict[str, Any] = {
    name: getattr(fd, name)
    for name in (
        "LossForm",
        "LiftForm",
        "PinReceipt",
        "ReplacementForm",
        "AccessSlip",
        "FormHeader",
        "Office",
        "Staff",
        "Holder",
        "IdDocument",
        "PhoneReport",
        "LossReportRef",
        "SessionAction",
        "PinAction",
    )
}


def form_from_json(value: Any) -> Any:
    """The inverse of :func:`form_to_json`."""
    if isinstance(value, list):
        return tuple(form_from_json(v) for v in value)
    if not isinstance(value, dict):
        return value
    if "$datetime" in value:
        return dt.datetime.fromisoformat(value["$datetime"])
    if "$date" in value:
        return dt.date.fromisoformat(value["$date"])
    if "$enum" in value:
        return _TYPES[value["$enum"]](value["value"])
    cls = _TYPES[value["$type"]]
    return cls(**{k: form_from_json(v) for k, v in value.items() if k != "$type"})
