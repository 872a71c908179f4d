"""The form-document figures of the daily report (RULES S3; gap-free serials,
SCALING.md §0.3): forms issued and reprinted by kind, the serial range of each office and
year, the numbers skipped, and the reprints one by one — of one Shanghai day
(``start <= at < end`` in UTC), each one aggregate statement over ``form_documents``.

Called by ``reports.daily.build_daily_report`` in its one read transaction; returns the
plain figures of ``reports.daily_rows``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.engine import Connection

from counter_app.models import FormDocument, Office
from reports.daily_rows import FormKindCount, Reprint, SerialGap, SerialRange
from reports.lookup import OfficeRef, StaffRef


def form_scope(office: OfficeRef | None, staff: StaffRef | None) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if office is not None:
        where.append(FormDocument.office_id == office.id)
    if staff is not None:
        where.append(FormDocument.staff_id == staff.id)
    return where


def form_kinds(
    conn: Connection, start: dt.datetime, end: dt.datetime, where: list[ColumnElement[bool]]
) -> tuple[FormKindCount, ...]:
    issued = and_(FormDocument.issued_at >= start, FormDocument.issued_at < end)
    reprinted = and_(
        FormDocument.reprint_count > 0,
        FormDocument.last_printed_at >= start,
        FormDocument.last_printed_at < end,
    )
    stmt = (
        select(
            FormDocument.kind,
            func.sum(case((issued, 1), else_=0)),
            func.sum(case((reprinted, 1), else_=0)),
        )
        .where(*where, issued | reprinted)
        .group_by(FormDocument.kind)
        .order_by(FormDocument.kind)
    )
    return tuple(FormKindCount(k, int(i), int(r)) for k, i, r in conn.execute(stmt))


def serial_ranges(
    conn: Connection, start: dt.datetime, end: dt.datetime, where: list[ColumnElement[bool]]
) -> tuple[SerialRange, ...]:
    # Serials are '<office>-<year>-<6-digit sequence>': within one office and year the
    # text order is the sequence order, so MIN/MAX(serial) are the first and last.
    stmt = (
        select(
            Office.code,
            FormDocument.year,
            func.min(FormDocument.serial),
            func.max(FormDocument.serial),
            func.min(FormDocument.sequence),
            func.max(FormDocument.sequence),
            func.count(),
        )
        .join(Office, Office.id == FormDocument.office_id)
        .where(*where, FormDocument.issued_at >= start, FormDocument.issued_at < end)
        .group_by(Office.code, FormDocument.year)
        .order_by(Office.code, FormDocument.year)
    )
    return tuple(SerialRange(*row) for row in conn.execute(stmt))


def serial_gaps(
    conn: Connection, start: dt.datetime, end: dt.datetime, where: list[ColumnElement[bool]]
) -> tuple[SerialGap, ...]:
    """Numbers skipped before a form issued in the day: ``LAG(sequence)`` over each
    (office, year) that issued forms in the day, compared with the sequence (gap-free
    serials, SCALING.md §0.3). A gap before the day's first form (yesterday's last + 1 is
    missing) is found too; sequence 1 is the first of a year."""
    today = (
        select(FormDocument.office_id, FormDocument.year)
        .where(*where, FormDocument.issued_at >= start, FormDocument.issued_at < end)
        .distinct()
        .subquery("today")
    )
    prev = func.lag(FormDocument.sequence).over(
        partition_by=(FormDocument.office_id, FormDocument.year), order_by=FormDocument.sequence
    )
    seqs = (
        select(
            FormDocument.office_id,
            FormDocument.year,
            FormDocument.sequence,
            FormDocument.issued_at,
            func.coalesce(prev, 0).label("prev"),
        )
        .join(
            today,
            and_(today.c.office_id == FormDocument.office_id, today.c.year == FormDocument.year),
        )
        .subquery("seqs")
    )
    stmt = (
        select(Office.code, seqs.c.year, seqs.c.prev, seqs.c.sequence)
        .join(Office, Office.id == seqs.c.office_id)
        .where(seqs.c.issued_at >= start, seqs.c.issued_at < end, seqs.c.sequence - seqs.c.prev > 1)
        .order_by(Office.code, seqs.c.year, seqs.c.sequence)
    )
    return tuple(SerialGap(code, year, int(p), int(s)) for code, year, p, s in conn.execute(stmt))


def reprints(
    conn: Connection, start: dt.datetime, end: dt.datetime, where: list[ColumnElement[bool]]
) -> tuple[Reprint, ...]:
    stmt = (
        select(
            FormDocument.serial,
            FormDocument.kind,
            Office.code,
            FormDocument.reprint_count,
            FormDocument.last_printed_at,
        )
        .join(Office, Office.id == FormDocument.office_id)
        .where(
            *where,
            FormDocument.reprint_count > 0,
            FormDocument.last_printed_at >= start,
            FormDocument.last_printed_at < end,
        )
        .order_by(FormDocument.serial)
    )
    return tuple(Reprint(*row) for row in conn.execute(stmt))
