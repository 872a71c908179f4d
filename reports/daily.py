"""The daily business report (RULES S3): the day at one office, one staff member, or
the whole city — its queries.

Every figure is one aggregate statement over the audit trail or the form documents of one
Shanghai day (``start <= at < end`` in UTC): counts by operation and outcome (record views by
category), refusals by reason, per staff member and per office, operations per hour, service
times (holder session opened → closed: median and p90), forms issued and reprinted with their
serial ranges and a gap check, and the audit chain head of the day (checkpoint) printed so a
later ``audit verify`` can be compared with paper.

:func:`build_daily_report` returns a :class:`reports.daily_rows.DailyReport` (plain data,
which lays itself out as PDF tables and CSV rows); the form-document figures are queried by
``reports.daily_forms``. This module renders nothing and imports no Qt.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    String,
    and_,
    case,
    func,
    literal,
    select,
    true,
    union_all,
)
from sqlalchemy.engine import Connection

from counter_app.models import (
    AuditCheckpoint,
    AuditEvent,
    HolderSessionRow,
    Office,
    Staff,
)
from reports import actions, daily_forms
from reports.daily_rows import (
    ActorCount,
    ChainHead,
    DailyReport,
    OperationCount,
    RefusalCount,
    ServiceTimes,
)
from reports.lookup import OfficeRef, StaffRef, office_by_code, staff_by_no
from reports.model import Progress, Steps
from reports.rating_daily import day_rating
from reports.sqlparts import epoch_seconds, hour_bucket, percentiles
from reports.timeframe import day_range, hour_edges

MEDIAN = Fraction(1, 2)
P90 = Fraction(9, 10)

STEPS = 7


def build_daily_report(
    conn: Connection,
    day: dt.date,
    *,
    office_code: str | None = None,
    staff_no: str | None = None,
    progress: Progress | None = None,
    now: dt.datetime | None = None,
) -> DailyReport:
    """The daily report of ``day`` (a Shanghai date) for one office, one staff member, or
    the city (neither given). Raises :class:`reports.model.ReportError` for an unknown code.

    ``conn`` should hold one transaction for the whole build so every figure is of the same
    moment (:func:`reports.runner.read_only_connection`).
    """
    steps = Steps(STEPS, progress)
    office = office_by_code(conn, office_code) if office_code else None
    staff = staff_by_no(conn, staff_no) if staff_no else None
    start, end = day_range(day)
    where = _event_scope(start, end, office, staff)
    events = _day_events(where, day)
    grouped = _grouped(conn, events, staff=staff is None, office=office is None and staff is None)
    operations, refusals = grouped.operations, grouped.refusals
    by_staff, by_office = grouped.by_staff, grouped.by_office
    steps.step("业务量、拒绝原因、按工作人员和机构")
    hourly = _hourly(conn, events)
    steps.step("每小时业务量")
    service = _service_times(conn, start, end, office, staff)
    steps.step("办理时长")
    form_where = daily_forms.form_scope(office, staff)
    form_kinds = daily_forms.form_kinds(conn, start, end, form_where)
    serial_ranges = daily_forms.serial_ranges(conn, start, end, form_where)
    steps.step("表单编号")
    serial_gaps = daily_forms.serial_gaps(conn, start, end, form_where)
    steps.step("编号缺号检查")
    reprints = daily_forms.reprints(conn, start, end, form_where)
    steps.step("补打明细")
    chain = _chain_head(conn, day, end)
    steps.step("审计链检查点")
    rating = day_rating(
        conn,
        day,
        office_id=office.id if office else None,
        staff_id=staff.id if staff else None,
        now=now,
    )
    return DailyReport(
        day=day,
        office=office,
        staff=staff,
        generated_at=now or dt.datetime.now(dt.UTC),
        operations=operations,
        refusals=refusals,
        by_staff=by_staff,
        by_office=by_office,
        service=service,
        form_kinds=form_kinds,
        serial_ranges=serial_ranges,
        serial_gaps=serial_gaps,
        reprints=reprints,
        hourly=hourly,
        chain=chain,
        rating=rating,
    )


def _event_scope(
    start: dt.datetime, end: dt.datetime, office: OfficeRef | None, staff: StaffRef | None
) -> list[ColumnElement[bool]]:
    where = [AuditEvent.at >= start, AuditEvent.at < end]
    if office is not None:
        where.append(AuditEvent.office_id == office.id)
    if staff is not None:
        where.append(AuditEvent.staff_id == staff.id)
    return where


def _day_events(where: list[ColumnElement[bool]], day: dt.date) -> Any:
    """The day's events with the derived columns the aggregates group by.

    Expressions with bound values (CASE, JSON paths) are computed once here, in a subquery,
    and grouped by name outside: PostgreSQL does not see ``CASE … $1`` in the select list
    and ``CASE … $5`` in GROUP BY as the same expression.
    """
    written = AuditEvent.action.in_(actions.WRITTEN_ACTIONS)
    confirmed = AuditEvent.details[actions.CONFIRMED_PHONE_KEY].as_boolean()
    return (
        select(
            AuditEvent.action.label("action"),
            AuditEvent.category.label("category"),
            case((written & (confirmed == true()), 1), else_=0).label("confirmed"),
            AuditEvent.outcome.label("outcome"),
            AuditEvent.staff_id.label("staff_id"),
            AuditEvent.office_id.label("office_id"),
            case(
                (
                    AuditEvent.outcome == actions.OUTCOME_REFUSED,
                    func.coalesce(AuditEvent.reason, "(未记录原因)"),
                ),
                else_=None,
            ).label("reason"),
            hour_bucket(AuditEvent.at, hour_edges(day)).label("hour"),
        )
        .where(*where)
        .subquery("day_events")
    )


@dataclass(frozen=True)
class _Grouped:
    operations: tuple[OperationCount, ...]
    refusals: tuple[RefusalCount, ...]
    by_staff: tuple[ActorCount, ...]
    by_office: tuple[ActorCount, ...]


def _grouped(conn: Connection, events: Any, *, staff: bool, office: bool) -> _Grouped:
    """Operations, refusals, per staff and per office from ONE scan of the day's events.

    A CTE groups the events by (office, staff, action, category, confirmed, outcome,
    refusal reason) — at most a few rows per staff member and action; four re-aggregations
    of that CTE, joined by ``UNION ALL`` in one statement, give the four tables (the CTE is
    materialized once: PostgreSQL ≥ 12 and SQLite ≥ 3.35 do so for a CTE used more than
    once). ``level`` tells the rows apart.
    """
    e = events.c
    g = (
        select(
            e.office_id,
            e.staff_id,
            e.action,
            e.category,
            e.confirmed,
            e.outcome,
            e.reason,
            func.count().label("n"),
        )
        .group_by(e.office_id, e.staff_id, e.action, e.category, e.confirmed, e.outcome, e.reason)
        .cte("g")
    )

    def when(cond: ColumnElement[bool]) -> Any:
        return func.sum(case((cond, g.c.n), else_=0))

    null_text = literal(None, String())
    null_int = literal(None, Integer())
    is_op = g.c.action.in_(actions.OPERATION_ACTIONS)
    success = g.c.outcome == actions.OUTCOME_SUCCESS
    refused = g.c.outcome == actions.OUTCOME_REFUSED
    failed = g.c.outcome == actions.OUTCOME_FAILED
    parts = [
        select(
            literal("op").label("level"),
            null_int.label("id"),
            g.c.action,
            g.c.category,
            g.c.confirmed,
            null_text.label("reason"),
            when(success),
            when(refused),
            when(failed),
            func.sum(g.c.n),
            null_int,
        ).group_by(g.c.action, g.c.category, g.c.confirmed),
        select(
            literal("refusal"),
            null_int,
            g.c.action,
            null_text,
            null_int,
            g.c.reason,
            func.sum(g.c.n),
            null_int,
            null_int,
            null_int,
            null_int,
        )
        .where(refused)
        .group_by(g.c.action, g.c.reason),
    ]
    for level, key, wanted in (("staff", g.c.staff_id, staff), ("office", g.c.office_id, office)):
        if wanted:
            parts.append(
                select(
                    literal(level),
                    key,
                    null_text,
                    null_text,
                    null_int,
                    null_text,
                    when(and_(is_op, success)),
                    when(and_(g.c.action == actions.RECORD_VIEW, success)),
                    when(refused),
                    when(failed),
                    func.sum(g.c.n),
                ).group_by(key)
            )
    ops: dict[tuple[str, str | None], list[int]] = {}
    refusals: list[RefusalCount] = []
    sums: dict[str, dict[int | None, tuple[int, ...]]] = {"staff": {}, "office": {}}
    for level, key, action, category, confirmed, reason, c1, c2, c3, c4, c5 in conn.execute(
        union_all(*parts)
    ):
        if level == "op":
            _add_operation(
                ops,
                action,
                category,
                confirmed,
                (int(c1), int(c2), int(c3), int(c4) - int(c1) - int(c2) - int(c3)),
            )
        elif level == "refusal":
            refusals.append(RefusalCount(action, reason, int(c1)))
        else:
            sums[level][key] = (int(c1), int(c2), int(c3), int(c4), int(c5))
    refusals.sort(key=lambda r: (-r.count, r.action, r.reason))
    return _Grouped(
        _operation_list(ops),
        tuple(refusals),
        _actors(conn, Staff, Staff.staff_no, "(系统)", "", sums["staff"]),
        _actors(conn, Office, Office.code, "(无机构)", "电话/系统", sums["office"]),
    )


def _add_operation(
    ops: dict[tuple[str, str | None], list[int]],
    action: str,
    category: str | None,
    confirmed: int | None,
    counts: tuple[int, int, int, int],
) -> None:
    """Map one stored (action, category) group onto its operation line (aliases, refused
    variants, a written report that confirmed a phone report)."""
    key = actions.line_of(action)
    if key == actions.LOSS_WRITTEN and confirmed:
        key = actions.LOSS_PHONE_CONFIRMED
    cat = category if key == actions.RECORD_VIEW else None
    line = ops.setdefault((key, cat), [0, 0, 0, 0])
    for i, n in enumerate(counts):
        line[i] += n


def _operation_list(ops: dict[tuple[str, str | None], list[int]]) -> tuple[OperationCount, ...]:
    """Every operation of :data:`actions.OPERATIONS` in order (zero when none), then any
    other action seen (its refusals on its line) except the bookkeeping of
    :data:`actions.NOT_LISTED`."""
    found = dict(ops)
    result: list[OperationCount] = []
    for op in actions.OPERATIONS:
        # 查询记录 by category in the fixed order of RULES Q2 (actions.CATEGORY_ORDER).
        cats = sorted((c for k, c in found if k == op.key), key=actions.category_sort_key)
        if not cats:
            result.append(OperationCount(op.key, op.label, None, 0, 0, 0, 0))
        for cat in cats:
            result.append(OperationCount(op.key, op.label, cat, *found.pop((op.key, cat))))
    for (key, cat), counts in sorted(found.items(), key=lambda kv: kv[0][0]):
        if key not in actions.NOT_LISTED:
            result.append(OperationCount(key, actions.action_label(key), cat, *counts))
    return tuple(result)


def _actors(
    conn: Connection,
    model: type[Staff] | type[Office],
    code: Any,
    no_code: str,
    no_name: str,
    sums: dict[int | None, tuple[int, ...]],
) -> tuple[ActorCount, ...]:
    """Name the per-staff / per-office sums (one look-up of the ids seen)."""
    if not sums:
        return ()
    ids = [k for k in sums if k is not None]
    names = (
        {
            i: (c, n)
            for i, c, n in conn.execute(select(model.id, code, model.name).where(model.id.in_(ids)))
        }
        if ids
        else {}
    )
    rows = [
        ActorCount(*names.get(k, (no_code, no_name)) if k is not None else (no_code, no_name), *v)
        for k, v in sums.items()
    ]
    return tuple(sorted(rows, key=lambda a: a.code))


def _hourly(conn: Connection, events: Any) -> tuple[int, ...]:
    stmt = (
        select(events.c.hour, func.count())
        .where(events.c.action.in_(actions.OPERATION_ACTIONS_ALL))
        .group_by(events.c.hour)
    )
    counts = [0] * 24
    for hour, n in conn.execute(stmt):
        if hour is not None:
            counts[int(hour)] = int(n)
    return tuple(counts)


def _service_times(
    conn: Connection,
    start: dt.datetime,
    end: dt.datetime,
    office: OfficeRef | None,
    staff: StaffRef | None,
) -> ServiceTimes:
    """Holder sessions (``holder_sessions``) closed in the day: closed − opened, in seconds,
    median and p90 by ranks (:func:`reports.sqlparts.percentiles`)."""
    hs = HolderSessionRow
    where = [hs.closed_at >= start, hs.closed_at < end]
    if office is not None:
        where.append(hs.office_id == office.id)
    if staff is not None:
        where.append(hs.staff_id == staff.id)
    durations = select(
        (epoch_seconds(hs.closed_at) - epoch_seconds(hs.opened_at)).label("seconds")
    ).where(*where)
    dist = percentiles(conn, durations, (MEDIAN, P90))
    return ServiceTimes(dist.count, dist.at(MEDIAN), dist.at(P90))


def _chain_head(conn: Connection, day: dt.date, end: dt.datetime) -> ChainHead:
    cp = conn.execute(
        select(
            AuditCheckpoint.seq, AuditCheckpoint.hash, AuditCheckpoint.at, AuditCheckpoint.kind
        ).where(AuditCheckpoint.day == day)
    ).one_or_none()
    last_seq = select(func.max(AuditEvent.seq)).where(AuditEvent.at < end).scalar_subquery()
    last = conn.execute(
        select(AuditEvent.seq, AuditEvent.hash).where(AuditEvent.seq == last_seq)
    ).one_or_none()
    return ChainHead(
        checkpoint_seq=cp[0] if cp else None,
        checkpoint_hash=cp[1] if cp else None,
        checkpoint_at=cp[2] if cp else None,
        checkpoint_kind=cp[3] if cp else None,
        last_seq=last[0] if last else None,
        last_hash=last[1] if last else None,
    )
