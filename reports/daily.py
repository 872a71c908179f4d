"""The daily business report (issue 7 item 1): the day at one office, one staff member, or
the whole city.

Every figure is one aggregate statement over the audit trail or the form documents of one
Shanghai day (``start <= at < end`` in UTC): counts by operation and outcome (record views by
category), refusals by reason, per staff member and per office, operations per hour, service
times (holder session opened → closed: median and p90), forms issued and reprinted with their
serial ranges and a gap check, and the audit chain head of the day (checkpoint) printed so a
later ``audit verify`` can be compared with paper.

Builds plain data; renders nothing; imports no Qt.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
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
    FormDocument,
    HolderSessionRow,
    Office,
    Staff,
)
from reports import actions
from reports.lookup import OfficeRef, StaffRef, office_by_code, staff_by_no
from reports.model import Cell, Chart, Progress, Rendered, Steps, Table
from reports.sqlparts import epoch_seconds, hour_bucket, percentiles
from reports.timeframe import day_range, hour_edges, show

MEDIAN = Fraction(1, 2)
P90 = Fraction(9, 10)


@dataclass(frozen=True)
class OperationCount:
    action: str
    label: str
    #: Query category for record views (RULES Q2), else None.
    category: str | None
    success: int
    refused: int
    failed: int
    other: int

    @property
    def total(self) -> int:
        return self.success + self.refused + self.failed + self.other


@dataclass(frozen=True)
class RefusalCount:
    action: str
    reason: str
    count: int


@dataclass(frozen=True)
class ActorCount:
    """Per staff member (code = staff number) or per office (code = office code)."""

    code: str
    name: str
    operations: int
    record_views: int
    refused: int
    failed: int
    events: int


@dataclass(frozen=True)
class ServiceTimes:
    sessions: int
    median_s: float | None
    p90_s: float | None


@dataclass(frozen=True)
class FormKindCount:
    kind: str
    issued: int
    reprinted: int


@dataclass(frozen=True)
class SerialRange:
    office_code: str
    year: int
    first_serial: str
    last_serial: str
    first_sequence: int
    last_sequence: int
    issued: int

    @property
    def missing_inside(self) -> int:
        return self.last_sequence - self.first_sequence + 1 - self.issued


@dataclass(frozen=True)
class SerialGap:
    """Sequences ``after + 1 .. before - 1`` of one office and year were never issued."""

    office_code: str
    year: int
    after: int
    before: int

    @property
    def missing(self) -> int:
        return self.before - self.after - 1


@dataclass(frozen=True)
class Reprint:
    serial: str
    kind: str
    office_code: str
    reprint_count: int
    last_printed_at: dt.datetime | None


@dataclass(frozen=True)
class ChainHead:
    """The stored checkpoint of the day (None if not written yet) and the last event."""

    checkpoint_seq: int | None
    checkpoint_hash: str | None
    checkpoint_at: dt.datetime | None
    last_seq: int | None
    last_hash: str | None


@dataclass(frozen=True)
class DailyReport:
    day: dt.date
    office: OfficeRef | None
    staff: StaffRef | None
    generated_at: dt.datetime
    operations: tuple[OperationCount, ...]
    refusals: tuple[RefusalCount, ...]
    by_staff: tuple[ActorCount, ...]
    by_office: tuple[ActorCount, ...]
    service: ServiceTimes
    form_kinds: tuple[FormKindCount, ...]
    serial_ranges: tuple[SerialRange, ...]
    serial_gaps: tuple[SerialGap, ...]
    reprints: tuple[Reprint, ...]
    hourly: tuple[int, ...]
    chain: ChainHead

    # --- figures derived from the aggregates -------------------------------------------
    def count(self, action: str, outcome: str = actions.OUTCOME_SUCCESS,
              category: str | None = None) -> int:
        """Events of ``action`` (and ``category``, for record views) with ``outcome``."""
        rows = [op for op in self.operations if op.action == action
                and (category is None or op.category == category)]
        return sum(getattr(op, outcome) if outcome in ("success", "refused", "failed")
                   else op.other for op in rows)

    @property
    def scope_label(self) -> str:
        if self.staff is not None:
            return f"工作人员 {self.staff.staff_no} {self.staff.name}"
        if self.office is not None:
            return f"{self.office.name} ({self.office.code})"
        return "全市"

    # --- rendering ---------------------------------------------------------------------
    def rendered(self) -> Rendered:
        facts = (
            ("报表日期", self.day.isoformat()),
            ("范围", self.scope_label),
            ("生成时间", show(self.generated_at)),
            ("审计链检查点", _checkpoint_text(self.chain)),
            ("当日最后审计事件", _last_event_text(self.chain)),
        )
        tables = [
            Table("业务量", ("业务", "明细", "成功", "拒绝", "失败", "其他", "合计"),
                  tuple(_operation_row(op) for op in self.operations),
                  widths=(3, 3, 1.2, 1.2, 1.2, 1.2, 1.2)),
            Table("拒绝原因", ("业务", "原因", "次数"),
                  tuple((actions.action_label(r.action), r.reason, r.count)
                        for r in self.refusals), widths=(3, 6, 1.2)),
            Table("办理时长 (参保人打开至关闭)", ("办理人次", "中位数", "90% 分位"),
                  ((self.service.sessions, _duration(self.service.median_s),
                    _duration(self.service.p90_s)),)),
            Table("表单签发与补打", ("表单", "签发份数", "补打份数"),
                  tuple((actions.form_kind_label(k.kind), k.issued, k.reprinted)
                        for k in self.form_kinds), widths=(4, 1.5, 1.5)),
            Table("表单编号范围", ("机构", "年度", "起始编号", "结束编号", "份数", "区间内缺号"),
                  tuple((s.office_code, s.year, s.first_serial, s.last_serial, s.issued,
                         s.missing_inside) for s in self.serial_ranges),
                  widths=(2.2, 1, 3.5, 3.5, 1, 1.4)),
            Table("编号缺号检查", ("机构", "年度", "缺失编号", "缺失份数"),
                  tuple((g.office_code, g.year, _gap_text(g), g.missing)
                        for g in self.serial_gaps),
                  widths=(2.2, 1, 4, 1.5), empty="无缺号 (编号连续)"),
            Table("补打明细", ("编号", "表单", "机构", "累计补打次数", "最近打印"),
                  tuple((r.serial, actions.form_kind_label(r.kind), r.office_code,
                         r.reprint_count, show(r.last_printed_at)) for r in self.reprints),
                  widths=(3.5, 2.5, 2, 1.5, 3)),
        ]
        if self.staff is None:
            tables.append(_actor_table("按工作人员", ("工号", "姓名"), self.by_staff))
        if self.office is None and self.staff is None:
            tables.append(_actor_table("按经办机构", ("机构编码", "机构名称"), self.by_office))
        chart = Chart("每小时业务量 (北京时间)", tuple(f"{h:02d}" for h in range(24)),
                      self.hourly)
        return Rendered(f"社会保障卡业务日报 {self.day.isoformat()}", facts, tuple(tables),
                        (chart,))

    def csv_columns(self) -> Sequence[str]:
        return ("区块", "项目", "明细", "指标", "数值")

    def csv_rows(self) -> Sequence[Sequence[Cell]]:
        """Long format: one figure per line, so a spreadsheet can filter and pivot it."""
        rows: list[tuple[Cell, ...]] = [
            ("报表", "日期", "", "", self.day.isoformat()),
            ("报表", "范围", "", "", self.scope_label),
            ("审计链", "检查点", "", "序号", self.chain.checkpoint_seq),
            ("审计链", "检查点", "", "哈希", self.chain.checkpoint_hash),
            ("审计链", "当日最后事件", "", "序号", self.chain.last_seq),
            ("审计链", "当日最后事件", "", "哈希", self.chain.last_hash),
        ]
        for op in self.operations:
            detail = actions.category_label(op.category) if op.category else ""
            for name, value in (("成功", op.success), ("拒绝", op.refused),
                                ("失败", op.failed), ("其他", op.other), ("合计", op.total)):
                rows.append(("业务量", op.label, detail, name, value))
        for r in self.refusals:
            rows.append(("拒绝原因", actions.action_label(r.action), r.reason, "次数", r.count))
        rows.append(("办理时长", "办理人次", "", "人次", self.service.sessions))
        rows.append(("办理时长", "中位数", "", "秒", _seconds(self.service.median_s)))
        rows.append(("办理时长", "90% 分位", "", "秒", _seconds(self.service.p90_s)))
        for k in self.form_kinds:
            rows.append(("表单", actions.form_kind_label(k.kind), "", "签发", k.issued))
            rows.append(("表单", actions.form_kind_label(k.kind), "", "补打", k.reprinted))
        for s in self.serial_ranges:
            key = f"{s.office_code} {s.year}"
            rows.append(("表单编号", key, "", "起始编号", s.first_serial))
            rows.append(("表单编号", key, "", "结束编号", s.last_serial))
            rows.append(("表单编号", key, "", "份数", s.issued))
        for g in self.serial_gaps:
            rows.append(("编号缺号", f"{g.office_code} {g.year}", _gap_text(g), "缺失份数",
                         g.missing))
        for rp in self.reprints:
            rows.append(("补打", rp.serial, actions.form_kind_label(rp.kind), "累计补打次数",
                         rp.reprint_count))
        for section, actors in (("按工作人员", self.by_staff), ("按经办机构", self.by_office)):
            for a in actors:
                for name, value in (("业务", a.operations), ("查询", a.record_views),
                                    ("拒绝", a.refused), ("失败", a.failed),
                                    ("事件合计", a.events)):
                    rows.append((section, a.code, a.name, name, value))
        for hour, value in enumerate(self.hourly):
            rows.append(("每小时业务量", f"{hour:02d}:00", "", "业务", value))
        return rows


def _operation_row(op: OperationCount) -> tuple[Cell, ...]:
    detail = actions.category_label(op.category) if op.category else ""
    return (op.label, detail, op.success, op.refused, op.failed, op.other, op.total)


def _actor_table(title: str, keys: tuple[str, str], actors: Sequence[ActorCount]) -> Table:
    return Table(title, (*keys, "业务", "查询", "拒绝", "失败", "事件合计"),
                 tuple((a.code, a.name, a.operations, a.record_views, a.refused, a.failed,
                        a.events) for a in actors), widths=(2.2, 3.5, 1, 1, 1, 1, 1.3))


def _checkpoint_text(chain: ChainHead) -> str:
    if chain.checkpoint_seq is None:
        return "尚未生成 (当日检查点在日终写入)"
    return f"序号 {chain.checkpoint_seq}  哈希 {chain.checkpoint_hash}"


def _last_event_text(chain: ChainHead) -> str:
    if chain.last_seq is None:
        return "无"
    return f"序号 {chain.last_seq}  哈希 {chain.last_hash}"


def _gap_text(gap: SerialGap) -> str:
    first, last = gap.after + 1, gap.before - 1
    return f"{first:06d}" if first == last else f"{first:06d}–{last:06d}"


def _seconds(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _duration(value: float | None) -> str:
    if value is None:
        return "—"
    minutes, seconds = divmod(int(round(value)), 60)
    return f"{minutes} 分 {seconds:02d} 秒"


# --------------------------------------------------------------------------- queries

STEPS = 7


def build_daily_report(conn: Connection, day: dt.date, *, office_code: str | None = None,
                       staff_no: str | None = None, progress: Progress | None = None,
                       now: dt.datetime | None = None) -> DailyReport:
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
    grouped = _grouped(conn, events, staff=staff is None,
                       office=office is None and staff is None)
    operations, refusals = grouped.operations, grouped.refusals
    by_staff, by_office = grouped.by_staff, grouped.by_office
    steps.step("业务量、拒绝原因、按工作人员和机构")
    hourly = _hourly(conn, events)
    steps.step("每小时业务量")
    service = _service_times(conn, start, end, office, staff)
    steps.step("办理时长")
    form_where = _form_scope(office, staff)
    form_kinds = _form_kinds(conn, start, end, form_where)
    serial_ranges = _serial_ranges(conn, start, end, form_where)
    steps.step("表单编号")
    serial_gaps = _serial_gaps(conn, start, end, form_where)
    steps.step("编号缺号检查")
    reprints = _reprints(conn, start, end, form_where)
    steps.step("补打明细")
    chain = _chain_head(conn, day, end)
    steps.step("审计链检查点")
    return DailyReport(
        day=day, office=office, staff=staff, generated_at=now or dt.datetime.now(dt.UTC),
        operations=operations, refusals=refusals, by_staff=by_staff, by_office=by_office,
        service=service, form_kinds=form_kinds, serial_ranges=serial_ranges,
        serial_gaps=serial_gaps, reprints=reprints, hourly=hourly, chain=chain,
    )


def _event_scope(start: dt.datetime, end: dt.datetime, office: OfficeRef | None,
                 staff: StaffRef | None) -> list[ColumnElement[bool]]:
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
            case((AuditEvent.outcome == actions.OUTCOME_REFUSED,
                  func.coalesce(AuditEvent.reason, "(未记录原因)")), else_=None).label("reason"),
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
        select(e.office_id, e.staff_id, e.action, e.category, e.confirmed, e.outcome,
               e.reason, func.count().label("n"))
        .group_by(e.office_id, e.staff_id, e.action, e.category, e.confirmed, e.outcome,
                  e.reason)
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
        select(literal("op").label("level"), null_int.label("id"), g.c.action, g.c.category,
               g.c.confirmed, null_text.label("reason"), when(success), when(refused),
               when(failed), func.sum(g.c.n), null_int)
        .group_by(g.c.action, g.c.category, g.c.confirmed),
        select(literal("refusal"), null_int, g.c.action, null_text, null_int, g.c.reason,
               func.sum(g.c.n), null_int, null_int, null_int, null_int)
        .where(refused)
        .group_by(g.c.action, g.c.reason),
    ]
    for level, key, wanted in (("staff", g.c.staff_id, staff), ("office", g.c.office_id, office)):
        if wanted:
            parts.append(
                select(literal(level), key, null_text, null_text, null_int, null_text,
                       when(and_(is_op, success)),
                       when(and_(g.c.action == actions.RECORD_VIEW, success)),
                       when(refused), when(failed), func.sum(g.c.n))
                .group_by(key))
    ops: dict[tuple[str, str | None], list[int]] = {}
    refusals: list[RefusalCount] = []
    sums: dict[str, dict[int | None, tuple[int, ...]]] = {"staff": {}, "office": {}}
    for level, key, action, category, confirmed, reason, c1, c2, c3, c4, c5 in conn.execute(
            union_all(*parts)):
        if level == "op":
            _add_operation(ops, action, category, confirmed,
                           (int(c1), int(c2), int(c3), int(c4) - int(c1) - int(c2) - int(c3)))
        elif level == "refusal":
            refusals.append(RefusalCount(action, reason, int(c1)))
        else:
            sums[level][key] = (int(c1), int(c2), int(c3), int(c4), int(c5))
    refusals.sort(key=lambda r: (-r.count, r.action, r.reason))
    return _Grouped(_operation_list(ops), tuple(refusals),
                    _actors(conn, Staff, Staff.staff_no, "(系统)", "", sums["staff"]),
                    _actors(conn, Office, Office.code, "(无机构)", "电话/系统", sums["office"]))


def _add_operation(ops: dict[tuple[str, str | None], list[int]], action: str,
                   category: str | None, confirmed: int | None,
                   counts: tuple[int, int, int, int]) -> None:
    """Map one stored (action, category) group onto its operation line (aliases, refused
    variants, a written report that confirmed a phone report)."""
    key = actions.operation_of(action) or action
    if key == actions.LOSS_WRITTEN and confirmed:
        key = actions.LOSS_PHONE_CONFIRMED
    cat = category if key == actions.RECORD_VIEW else None
    line = ops.setdefault((key, cat), [0, 0, 0, 0])
    for i, n in enumerate(counts):
        line[i] += n


def _operation_list(ops: dict[tuple[str, str | None], list[int]]
                    ) -> tuple[OperationCount, ...]:
    """Every operation of :data:`actions.OPERATIONS` in order (zero when none), then any
    other action seen except the session and login bookkeeping."""
    found = dict(ops)
    result: list[OperationCount] = []
    for op in actions.OPERATIONS:
        cats = sorted((c for k, c in found if k == op.key), key=lambda c: (c is None, c or ""))
        if not cats:
            result.append(OperationCount(op.key, op.label, None, 0, 0, 0, 0))
        for cat in cats:
            result.append(OperationCount(op.key, op.label, cat, *found.pop((op.key, cat))))
    bookkeeping = {*actions.SESSION_ACTIONS, actions.STAFF_LOGIN}
    for (key, cat), counts in sorted(found.items(), key=lambda kv: kv[0][0]):
        if key not in bookkeeping:
            result.append(OperationCount(key, actions.action_label(key), cat, *counts))
    return tuple(result)


def _actors(conn: Connection, model: type[Staff] | type[Office], code: Any, no_code: str,
            no_name: str, sums: dict[int | None, tuple[int, ...]]) -> tuple[ActorCount, ...]:
    """Name the per-staff / per-office sums (one look-up of the ids seen)."""
    if not sums:
        return ()
    ids = [k for k in sums if k is not None]
    names = {i: (c, n) for i, c, n in conn.execute(
        select(model.id, code, model.name).where(model.id.in_(ids)))} if ids else {}
    rows = [ActorCount(*names.get(k, (no_code, no_name)) if k is not None
                       else (no_code, no_name), *v) for k, v in sums.items()]
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


def _service_times(conn: Connection, start: dt.datetime, end: dt.datetime,
                   office: OfficeRef | None, staff: StaffRef | None) -> ServiceTimes:
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


def _form_scope(office: OfficeRef | None, staff: StaffRef | None) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if office is not None:
        where.append(FormDocument.office_id == office.id)
    if staff is not None:
        where.append(FormDocument.staff_id == staff.id)
    return where


def _form_kinds(conn: Connection, start: dt.datetime, end: dt.datetime,
                where: list[ColumnElement[bool]]) -> tuple[FormKindCount, ...]:
    issued = and_(FormDocument.issued_at >= start, FormDocument.issued_at < end)
    reprinted = and_(FormDocument.reprint_count > 0, FormDocument.last_printed_at >= start,
                     FormDocument.last_printed_at < end)
    stmt = (
        select(FormDocument.kind, func.sum(case((issued, 1), else_=0)),
               func.sum(case((reprinted, 1), else_=0)))
        .where(*where, issued | reprinted)
        .group_by(FormDocument.kind)
        .order_by(FormDocument.kind)
    )
    return tuple(FormKindCount(k, int(i), int(r)) for k, i, r in conn.execute(stmt))


def _serial_ranges(conn: Connection, start: dt.datetime, end: dt.datetime,
                   where: list[ColumnElement[bool]]) -> tuple[SerialRange, ...]:
    # Serials are '<office>-<year>-<6-digit sequence>': within one office and year the
    # text order is the sequence order, so MIN/MAX(serial) are the first and last.
    stmt = (
        select(Office.code, FormDocument.year, func.min(FormDocument.serial),
               func.max(FormDocument.serial), func.min(FormDocument.sequence),
               func.max(FormDocument.sequence), func.count())
        .join(Office, Office.id == FormDocument.office_id)
        .where(*where, FormDocument.issued_at >= start, FormDocument.issued_at < end)
        .group_by(Office.code, FormDocument.year)
        .order_by(Office.code, FormDocument.year)
    )
    return tuple(SerialRange(*row) for row in conn.execute(stmt))


def _serial_gaps(conn: Connection, start: dt.datetime, end: dt.datetime,
                 where: list[ColumnElement[bool]]) -> tuple[SerialGap, ...]:
    """Numbers skipped before a form issued in the day: ``LAG(sequence)`` over each
    (office, year) that issued forms in the day, compared with the sequence (gap-free
    serials, issue 4 item 4). A gap before the day's first form (yesterday's last + 1 is
    missing) is found too; sequence 1 is the first of a year."""
    today = (
        select(FormDocument.office_id, FormDocument.year)
        .where(*where, FormDocument.issued_at >= start, FormDocument.issued_at < end)
        .distinct()
        .subquery("today")
    )
    prev = func.lag(FormDocument.sequence).over(
        partition_by=(FormDocument.office_id, FormDocument.year),
        order_by=FormDocument.sequence)
    seqs = (
        select(FormDocument.office_id, FormDocument.year, FormDocument.sequence,
               FormDocument.issued_at, func.coalesce(prev, 0).label("prev"))
        .join(today, and_(today.c.office_id == FormDocument.office_id,
                          today.c.year == FormDocument.year))
        .subquery("seqs")
    )
    stmt = (
        select(Office.code, seqs.c.year, seqs.c.prev, seqs.c.sequence)
        .join(Office, Office.id == seqs.c.office_id)
        .where(seqs.c.issued_at >= start, seqs.c.issued_at < end,
               seqs.c.sequence - seqs.c.prev > 1)
        .order_by(Office.code, seqs.c.year, seqs.c.sequence)
    )
    return tuple(SerialGap(code, year, int(p), int(s)) for code, year, p, s in conn.execute(stmt))


def _reprints(conn: Connection, start: dt.datetime, end: dt.datetime,
              where: list[ColumnElement[bool]]) -> tuple[Reprint, ...]:
    stmt = (
        select(FormDocument.serial, FormDocument.kind, Office.code, FormDocument.reprint_count,
               FormDocument.last_printed_at)
        .join(Office, Office.id == FormDocument.office_id)
        .where(*where, FormDocument.reprint_count > 0, FormDocument.last_printed_at >= start,
               FormDocument.last_printed_at < end)
        .order_by(FormDocument.serial)
    )
    return tuple(Reprint(*row) for row in conn.execute(stmt))


def _chain_head(conn: Connection, day: dt.date, end: dt.datetime) -> ChainHead:
    cp = conn.execute(
        select(AuditCheckpoint.seq, AuditCheckpoint.hash, AuditCheckpoint.at)
        .where(AuditCheckpoint.day == day)
    ).one_or_none()
    last_seq = select(func.max(AuditEvent.seq)).where(AuditEvent.at < end).scalar_subquery()
    last = conn.execute(
        select(AuditEvent.seq, AuditEvent.hash).where(AuditEvent.seq == last_seq)
    ).one_or_none()
    return ChainHead(
        checkpoint_seq=cp[0] if cp else None, checkpoint_hash=cp[1] if cp else None,
        checkpoint_at=cp[2] if cp else None,
        last_seq=last[0] if last else None, last_hash=last[1] if last else None,
    )
