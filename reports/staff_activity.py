"""Staff activity over a date range (RULES S3): actions, refusals, failed logins.

For a supervisor: per staff member, the operations done, refused and failed, and logins
(successful and failed, from ``staff_login_events``, which also count attempts under
unknown user names); per staff member and action; and the refusals and failed logins one by
one. The CSV is the extract: every audited event done by staff (not the 12333 line or the
system) and every login attempt of the range, oldest first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal, null, or_, select, union_all
from sqlalchemy.engine import Connection

from counter_app.models import AuditEvent, Holder, Office, Staff, StaffLoginEvent
from forms.masking import mask_id_number
from reports import actions
from reports.lookup import OfficeRef, StaffRef, office_by_code, staff_by_no
from reports.model import Cell, Progress, Rendered, Steps, Table
from reports.timeframe import day_range, show


@dataclass(frozen=True)
class StaffSummary:
    staff_no: str
    name: str
    office_code: str
    events: int
    operations: int
    refused: int
    failed: int
    logins: int
    failed_logins: int


@dataclass(frozen=True)
class StaffActionCount:
    staff_no: str
    action: str
    success: int
    refused: int
    failed: int
    total: int


@dataclass(frozen=True)
class Refusal:
    at: dt.datetime
    staff_no: str | None
    action: str
    reason: str | None
    masked_ssn: str | None


@dataclass(frozen=True)
class FailedLogin:
    at: dt.datetime
    staff_no_tried: str
    workstation: str | None
    outcome: str


@dataclass(frozen=True)
class ExtractRow:
    at: dt.datetime
    kind: str
    staff_no: str | None
    office_code: str | None
    workstation: str | None
    action: str
    outcome: str
    reason: str | None
    masked_ssn: str | None


@dataclass(frozen=True)
class StaffActivityReport:
    first_day: dt.date
    last_day: dt.date
    office: OfficeRef | None
    staff: StaffRef | None
    generated_at: dt.datetime
    summary: tuple[StaffSummary, ...]
    by_action: tuple[StaffActionCount, ...]
    refusals: tuple[Refusal, ...]
    failed_logins: tuple[FailedLogin, ...]
    extract: tuple[ExtractRow, ...]

    def rendered(self) -> Rendered:
        if self.staff is not None:
            scope = f"工作人员 {self.staff.staff_no} {self.staff.name}"
        elif self.office is not None:
            scope = f"{self.office.name} ({self.office.code})"
        else:
            scope = "全市"
        facts = (
            ("范围", scope),
            ("期间", f"{self.first_day} 至 {self.last_day}"),
            ("生成时间", show(self.generated_at)),
        )
        tables = (
            Table(
                "汇总",
                ("工号", "姓名", "机构", "事件", "业务", "拒绝", "失败", "登录", "登录失败"),
                tuple(
                    (
                        s.staff_no,
                        s.name,
                        s.office_code,
                        s.events,
                        s.operations,
                        s.refused,
                        s.failed,
                        s.logins,
                        s.failed_logins,
                    )
                    for s in self.summary
                ),
                widths=(2, 1.6, 2, 1, 1, 1, 1, 1, 1.2),
            ),
            Table(
                "按业务",
                ("工号", "业务", "成功", "拒绝", "失败", "合计"),
                tuple(
                    (
                        a.staff_no,
                        actions.action_label(a.action),
                        a.success,
                        a.refused,
                        a.failed,
                        a.total,
                    )
                    for a in self.by_action
                ),
                widths=(2, 3, 1, 1, 1, 1),
            ),
            Table(
                "拒绝明细",
                ("时间", "工号", "业务", "原因", "参保人"),
                tuple(
                    (
                        show(r.at),
                        r.staff_no or "",
                        actions.action_label(r.action),
                        r.reason or "",
                        r.masked_ssn or "",
                    )
                    for r in self.refusals
                ),
                widths=(2.6, 1.8, 2.2, 4.5, 2.6),
            ),
            Table(
                "登录失败明细",
                ("时间", "输入的工号", "工作站", "结果"),
                tuple(
                    (
                        show(f.at),
                        f.staff_no_tried,
                        f.workstation or "",
                        actions.outcome_label(f.outcome),
                    )
                    for f in self.failed_logins
                ),
                widths=(2.6, 2.5, 2, 2),
            ),
        )
        return Rendered("工作人员操作情况", facts, tables)

    def csv_columns(self) -> Sequence[str]:
        return ("时间", "类型", "工号", "机构", "工作站", "事项", "结果", "原因", "参保人")

    def csv_rows(self) -> Sequence[Sequence[Cell]]:
        return [
            (
                show(e.at),
                e.kind,
                e.staff_no or "",
                e.office_code or "",
                e.workstation or "",
                actions.action_label(e.action),
                actions.outcome_label(e.outcome),
                e.reason or "",
                e.masked_ssn or "",
            )
            for e in self.extract
        ]


STEPS = 5


def build_staff_activity(
    conn: Connection,
    first_day: dt.date,
    last_day: dt.date,
    *,
    office_code: str | None = None,
    staff_no: str | None = None,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
) -> StaffActivityReport:
    """Activity in the Shanghai days ``first_day`` .. ``last_day`` of the staff of one office,
    one staff member, or everyone (failed logins under unknown names only city-wide)."""
    steps = Steps(STEPS, progress)
    start, end = day_range(first_day, last_day)
    office = office_by_code(conn, office_code) if office_code else None
    staff = staff_by_no(conn, staff_no) if staff_no else None
    ev_where: list[ColumnElement[bool]] = [
        AuditEvent.at >= start,
        AuditEvent.at < end,
        AuditEvent.staff_id.is_not(None),
    ]
    login_where: list[ColumnElement[bool]] = [StaffLoginEvent.at >= start, StaffLoginEvent.at < end]
    if staff is not None:
        ev_where.append(AuditEvent.staff_id == staff.id)
        login_where.append(StaffLoginEvent.staff_id == staff.id)
    elif office is not None:
        ev_where.append(
            AuditEvent.staff_id.in_(select(Staff.id).where(Staff.office_id == office.id))
        )
        login_where.append(
            StaffLoginEvent.staff_id.in_(select(Staff.id).where(Staff.office_id == office.id))
        )

    summary = _summary(conn, ev_where, login_where)
    steps.step("汇总")
    by_action = _by_action(conn, ev_where)
    steps.step("按业务")
    refusals = tuple(
        Refusal(at, no, action, reason, mask_id_number(ssn) if ssn else None)
        for at, no, action, reason, ssn in conn.execute(
            select(AuditEvent.at, Staff.staff_no, AuditEvent.action, AuditEvent.reason, Holder.ssn)
            .outerjoin(Staff, Staff.id == AuditEvent.staff_id)
            .outerjoin(Holder, Holder.id == AuditEvent.holder_id)
            .where(*ev_where, AuditEvent.outcome == actions.OUTCOME_REFUSED)
            .order_by(AuditEvent.seq)
        )
    )
    steps.step("拒绝明细")
    failed_logins = tuple(
        FailedLogin(*row)
        for row in conn.execute(
            select(
                StaffLoginEvent.at,
                StaffLoginEvent.staff_no_tried,
                StaffLoginEvent.workstation,
                StaffLoginEvent.outcome,
            )
            .where(*login_where, StaffLoginEvent.outcome != "success")
            .order_by(StaffLoginEvent.at, StaffLoginEvent.id)
        )
    )
    steps.step("登录失败明细")
    extract = _extract(conn, ev_where, login_where)
    steps.step("明细")
    return StaffActivityReport(
        first_day,
        last_day,
        office,
        staff,
        now or dt.datetime.now(dt.UTC),
        summary,
        by_action,
        refusals,
        failed_logins,
        extract,
    )


def _summary(
    conn: Connection, ev_where: list[ColumnElement[bool]], login_where: list[ColumnElement[bool]]
) -> tuple[StaffSummary, ...]:
    success = AuditEvent.outcome == actions.OUTCOME_SUCCESS
    is_op = AuditEvent.action.in_(actions.OPERATION_ACTIONS)
    ev = (
        select(
            AuditEvent.staff_id.label("staff_id"),
            func.count().label("events"),
            func.sum(case((and_(is_op, success), 1), else_=0)).label("operations"),
            func.sum(case((AuditEvent.outcome == actions.OUTCOME_REFUSED, 1), else_=0)).label(
                "refused"
            ),
            func.sum(case((AuditEvent.outcome == actions.OUTCOME_FAILED, 1), else_=0)).label(
                "failed"
            ),
        )
        .where(*ev_where)
        .group_by(AuditEvent.staff_id)
        .subquery("ev")
    )
    ok = StaffLoginEvent.outcome == "success"
    lg = (
        select(
            StaffLoginEvent.staff_id.label("staff_id"),
            func.sum(case((ok, 1), else_=0)).label("logins"),
            func.sum(case((ok, 0), else_=1)).label("failed_logins"),
        )
        .where(*login_where, StaffLoginEvent.staff_id.is_not(None))
        .group_by(StaffLoginEvent.staff_id)
        .subquery("lg")
    )
    zero = literal(0)
    stmt = (
        select(
            Staff.staff_no,
            Staff.name,
            Office.code,
            func.coalesce(ev.c.events, zero),
            func.coalesce(ev.c.operations, zero),
            func.coalesce(ev.c.refused, zero),
            func.coalesce(ev.c.failed, zero),
            func.coalesce(lg.c.logins, zero),
            func.coalesce(lg.c.failed_logins, zero),
        )
        .join(Office, Office.id == Staff.office_id)
        .outerjoin(ev, ev.c.staff_id == Staff.id)
        .outerjoin(lg, lg.c.staff_id == Staff.id)
        .where(or_(ev.c.staff_id.is_not(None), lg.c.staff_id.is_not(None)))
        .order_by(Office.code, Staff.staff_no)
    )
    return tuple(StaffSummary(*row[:3], *(int(v) for v in row[3:])) for row in conn.execute(stmt))


def _by_action(conn: Connection, where: list[ColumnElement[bool]]) -> tuple[StaffActionCount, ...]:
    def n(outcome: str) -> Any:
        return func.sum(case((AuditEvent.outcome == outcome, 1), else_=0))

    stmt = (
        select(
            Staff.staff_no,
            AuditEvent.action,
            n(actions.OUTCOME_SUCCESS),
            n(actions.OUTCOME_REFUSED),
            n(actions.OUTCOME_FAILED),
            func.count(),
        )
        .join(Staff, Staff.id == AuditEvent.staff_id)
        .where(*where)
        .group_by(Staff.staff_no, AuditEvent.action)
        .order_by(Staff.staff_no, AuditEvent.action)
    )
    return tuple(
        StaffActionCount(no, a, int(s), int(r), int(f), int(t))
        for no, a, s, r, f, t in conn.execute(stmt)
    )


def _extract(
    conn: Connection, ev_where: list[ColumnElement[bool]], login_where: list[ColumnElement[bool]]
) -> tuple[ExtractRow, ...]:
    events = (
        select(
            AuditEvent.at.label("at"),
            literal("业务").label("kind"),
            Staff.staff_no.label("staff_no"),
            Office.code.label("office_code"),
            AuditEvent.workstation.label("workstation"),
            AuditEvent.action.label("action"),
            AuditEvent.outcome.label("outcome"),
            AuditEvent.reason.label("reason"),
            Holder.ssn.label("ssn"),
            literal(0).label("src"),
            AuditEvent.seq.label("ord"),
        )
        .outerjoin(Staff, Staff.id == AuditEvent.staff_id)
        .outerjoin(Office, Office.id == AuditEvent.office_id)
        .outerjoin(Holder, Holder.id == AuditEvent.holder_id)
        .where(*ev_where)
    )
    logins = (
        select(
            StaffLoginEvent.at,
            literal("登录"),
            StaffLoginEvent.staff_no_tried,
            Office.code,
            StaffLoginEvent.workstation,
            literal(actions.STAFF_LOGIN),
            StaffLoginEvent.outcome,
            null(),
            null(),
            literal(1),
            StaffLoginEvent.id,
        )
        .outerjoin(Staff, Staff.id == StaffLoginEvent.staff_id)
        .outerjoin(Office, Office.id == Staff.office_id)
        .where(*login_where)
    )
    both = union_all(events, logins).subquery("x")
    stmt = select(both).order_by(both.c.at, both.c.src, both.c.ord)
    return tuple(
        ExtractRow(
            _aware(at),
            kind,
            no,
            code,
            ws,
            action,
            outcome,
            reason,
            mask_id_number(ssn) if ssn else None,
        )
        for at, kind, no, code, ws, action, outcome, reason, ssn, _src, _ord in conn.execute(stmt)
    )


def _aware(value: dt.datetime | str) -> dt.datetime:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
