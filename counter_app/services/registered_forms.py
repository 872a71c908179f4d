"""Issuing forms: gap-free serials, the stored form data (RULES L3, L4).

- :func:`allocate_serial` takes the next number of one office and year from
  ``form_serial_counters`` with a single upsert that row-locks the counter until the end of
  the caller's transaction, so serials are gap-free (a rolled-back transaction gives its
  number back) and never duplicated (SCALING.md §0.2). Serial: ``<office code>-<year>-<6
  digits>``, e.g. ``500103-YB-2026-000123``; the year is the China Standard Time year.
  :func:`allocate_office_serial` is the same upsert answering the office's code, name and
  district as well (the form's header), so a form needs no separate read of its office.
- :func:`issue_form` / :func:`issue_office_form` write the form document and the plain form
  data in the caller's transaction with two precompiled inserts; the form data passes the
  same stored-text check as an ORM flush (``counter_app.db.guard_stored_text``) first. The
  PDF is drawn afterwards from that data (``forms.render``).
- :func:`stored_form` gives an issued form's data back (a resubmission's answer; the
  reprints of ``form_reprints``).

Forms never carry a PIN or password (forms/data.py), so neither does anything stored here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from sqlalchemy import Table, bindparam, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from counter_app.models.form_content import FormContent
from counter_app.models.forms import FormDocument, FormSerialCounter
from counter_app.models.office import Office
from counter_app.services.errors import FormNotFound
from counter_app.services.form_data import form_from_json, form_office, form_to_json
from counter_app.services.precompiled import Precompiled
from counter_app.settings import Settings, SettingsError
from counter_app.validation.chars import describe_char
from counter_app.validation.text_policy import (
    COLUMN_LABELS,
    TextRefused,
    storage_forbidden,
)
from forms import data as fd
from forms.localtime import to_local

#: ``form_documents.kind`` of each printable form.
KIND_LOSS = "loss_registration"
KIND_LIFT = "lift"
KIND_REPLACEMENT = "replacement_application"
KIND_PIN_RESET = "password_reset"
KIND_UNBLOCK = "pin_unblock"
KIND_ACCESS_SLIP = "access_slip"

_F = TypeVar("_F")

#: The ``form_documents.kind`` stored for each printed kind (QR codes carry the latter).
STORED_KINDS: dict[fd.FormKind, str] = {
    fd.FormKind.LOSS: KIND_LOSS,
    fd.FormKind.LIFT: KIND_LIFT,
    fd.FormKind.REPLACEMENT: KIND_REPLACEMENT,
    fd.FormKind.PIN_RESET: KIND_PIN_RESET,
    fd.FormKind.UNBLOCK: KIND_UNBLOCK,
    fd.FormKind.ACCESS_SLIP: KIND_ACCESS_SLIP,
}

# --------------------------------------------------------------------------- serials


def china_year(at: dt.datetime) -> int:
    return to_local(at).year


def format_serial(office_code: str, year: int, sequence: int) -> str:
    return f"{office_code}-{year}-{sequence:06d}"


def _serial_upsert(insert: Callable[..., Any], *returning: Any) -> Any:
    table = FormSerialCounter.__table__
    return (
        insert(table)
        .values(office_id=bindparam("office_id"), year=bindparam("year"), last_sequence=1)
        .on_conflict_do_update(
            index_elements=["office_id", "year"],
            set_={"last_sequence": table.c.last_sequence + 1},
        )
        .returning(table.c.last_sequence, *returning)
    )


def _office_column(column: Any) -> Any:
    """``column`` of the counter's office (the same ``office_id``), read in the upsert's
    ``RETURNING``."""
    offices = Office.__table__.c
    return select(column).where(offices.id == bindparam("office_id")).scalar_subquery()


_OFFICE_HEADER = (
    _office_column(Office.__table__.c.code).label("code"),
    _office_column(Office.__table__.c.name).label("name"),
    _office_column(Office.__table__.c.district_code).label("district_code"),
)

#: Built once per dialect, run precompiled (``services/precompiled.py``).
_SERIAL_UPSERT = {
    "postgresql": Precompiled(_serial_upsert(postgresql.insert)),
    "sqlite": Precompiled(_serial_upsert(sqlite.insert)),
}
_SERIAL_AND_OFFICE = {
    "postgresql": Precompiled(_serial_upsert(postgresql.insert, *_OFFICE_HEADER)),
    "sqlite": Precompiled(_serial_upsert(sqlite.insert, *_OFFICE_HEADER)),
}


def allocate_serial(session: Session, office_id: int, year: int) -> int:
    """The next sequence number of ``office_id`` in ``year``; the counter row stays locked
    (and the number reserved) until the caller's transaction ends.

    Gap-free and contention-local: the only row locked is this office's counter for this
    year, so a window waits only on windows of its own office (docs/SCALING.md §0.3)."""
    statement = _SERIAL_UPSERT[session.get_bind().dialect.name]
    return int(statement.scalar(session, {"office_id": office_id, "year": year}))


def allocate_office_serial(session: Session, office_id: int, year: int) -> tuple[int, fd.Office]:
    """:func:`allocate_serial`, with the office as its forms print it (``form_data.form_office``)
    read in the same statement."""
    statement = _SERIAL_AND_OFFICE[session.get_bind().dialect.name]
    row = statement.first(session, {"office_id": office_id, "year": year})
    assert row is not None  # an upsert answers one row
    return int(row.last_sequence), form_office(row)


@dataclass(frozen=True)
class IssuedForm:
    """The ``form_documents`` row an issued form was written as."""

    id: int
    serial: str
    kind: str
    office_id: int
    year: int
    sequence: int


_documents = cast(Table, FormDocument.__table__)
_INSERT_DOCUMENT = Precompiled(  # every column but the id, which the database assigns
    insert(_documents).returning(_documents.c.id),
    column_keys=[c.key for c in _documents.c if not c.primary_key],
)
_INSERT_CONTENT = Precompiled(
    insert(cast(Table, FormContent.__table__)), column_keys=("form_document_id", "data")
)


def issue_form(
    session: Session,
    *,
    kind: str,
    office: Office,
    staff_id: int | None,
    holder_id: int | None,
    card_id: int | None,
    at: dt.datetime,
    build: Callable[[fd.FormHeader], fd.Form],
    handler: fd.Staff,
) -> tuple[IssuedForm, fd.Form]:
    """Allocate a serial, write the form document and its data; return both."""
    year = china_year(at)
    sequence = allocate_serial(session, office.id, year)
    return _write_form(
        session,
        kind=kind,
        office_id=office.id,
        printed_office=form_office(office),
        year=year,
        sequence=sequence,
        staff_id=staff_id,
        holder_id=holder_id,
        card_id=card_id,
        at=at,
        build=build,
        handler=handler,
    )


def issue_office_form(
    session: Session,
    *,
    kind: str,
    office_id: int,
    staff_id: int | None,
    holder_id: int | None,
    card_id: int | None,
    at: dt.datetime,
    build: Callable[[fd.FormHeader], fd.Form],
    handler: fd.Staff,
) -> tuple[IssuedForm, fd.Form]:
    """:func:`issue_form` at office ``office_id``, its header read with the serial
    (:func:`allocate_office_serial`)."""
    year = china_year(at)
    sequence, printed_office = allocate_office_serial(session, office_id, year)
    return _write_form(
        session,
        kind=kind,
        office_id=office_id,
        printed_office=printed_office,
        year=year,
        sequence=sequence,
        staff_id=staff_id,
        holder_id=holder_id,
        card_id=card_id,
        at=at,
        build=build,
        handler=handler,
    )


def _write_form(
    session: Session,
    *,
    kind: str,
    office_id: int,
    printed_office: fd.Office,
    year: int,
    sequence: int,
    staff_id: int | None,
    holder_id: int | None,
    card_id: int | None,
    at: dt.datetime,
    build: Callable[[fd.FormHeader], fd.Form],
    handler: fd.Staff,
) -> tuple[IssuedForm, fd.Form]:
    serial = format_serial(printed_office.code, year, sequence)
    form = build(fd.FormHeader(serial, at, printed_office, handler))
    document_id = _INSERT_DOCUMENT.scalar(
        session,
        {
            "serial": serial,
            "kind": kind,
            "office_id": office_id,
            "year": year,
            "sequence": sequence,
            "holder_id": holder_id,
            "card_id": card_id,
            "staff_id": staff_id,
            "issued_at": at,
            "reprint_count": 0,
            "last_printed_at": at,
        },
    )
    data = form_to_json(form)
    refuse_unstorable(data)
    _INSERT_CONTENT.run(session, {"form_document_id": document_id, "data": data})
    return IssuedForm(int(document_id), serial, kind, office_id, year, sequence), form


_CONTENT_COLUMN = f"{FormContent.__tablename__}.data"  # as ``COLUMN_LABELS`` names it


def refuse_unstorable(data: Any) -> None:
    """The guard an ORM flush runs (``counter_app.db.guard_stored_text``), for the form
    data written without one: no character that must never be stored, in any key or value.
    The services check what is typed first (``text_policy.clean_text``); this is the guard
    behind them for a field one forgot. The demo's seeded forms pass it too."""
    texts: list[str] = []
    _strings_of(data, texts)
    if storage_forbidden("\n".join(texts)) is None:  # one scan; a line break may be stored
        return
    for text in texts:
        index = storage_forbidden(text)
        if index is not None:
            raise TextRefused(
                f"「{COLUMN_LABELS[_CONTENT_COLUMN]}」第{index + 1}个字符是"
                f"{describe_char(text[index])}，不能保存，未保存。"
                "请删除看不见的字符或精简内容后重试。",
                field=_CONTENT_COLUMN,
                code="stored_text",
            )


def _strings_of(value: Any, into: list[str]) -> None:
    """Every key and string value of a JSON value, in order."""
    if isinstance(value, str):
        into.append(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            into.append(key)
            _strings_of(item, into)
    elif isinstance(value, list):
        for item in value:
            _strings_of(item, into)


# --------------------------------------------------------------------------- reprint


def stored_form(session: Session, document: FormDocument, kind: type[_F]) -> _F:
    """The plain form data kept with an issued document (so the form can be drawn again:
    a resubmission's answer, a reprint), checked to be of ``kind``."""
    content = session.get(FormContent, document.id)
    if content is None:
        raise FormNotFound()
    form = form_from_json(content.data)
    if not isinstance(form, kind):
        raise FormNotFound()
    return form


def stored_form_by_serial(session: Session, serial: str, kind: type[_F]) -> _F:
    """:func:`stored_form` of the document with ``serial``."""
    document = session.scalars(select(FormDocument).where(FormDocument.serial == serial)).one()
    return stored_form(session, document, kind)


def form_key(settings: Settings) -> bytes:
    """The HMAC key of the forms' verification code (settings ``form_hmac_key``, hex);
    demo/test mode without one uses the demo key, production refuses (``SettingsError``)."""
    from forms.verification import DEMO_FORM_KEY

    text = settings.form_hmac_key.strip()
    if not text:
        if settings.mode in ("demo", "test"):
            return DEMO_FORM_KEY
        raise SettingsError(
            "设置项 form_hmac_key 为空: 生产模式下必须配置表单校验密钥 (十六进制，"
            "至少 16 字节)。请在设置文件中填写后重试。"
        )
    try:
        key = bytes.fromhex(text)
    except ValueError as exc:
        raise SettingsError("设置项 form_hmac_key 不是有效的十六进制文本。") from exc
    if len(key) < 16:
        raise SettingsError("设置项 form_hmac_key 太短: 至少需要 16 字节。")
    return key


def render(form: fd.Form, settings: Settings, reprint: fd.Reprint | None = None) -> bytes:
    from forms.render import render_form

    return render_form(form, key=form_key(settings), reprint=reprint)
