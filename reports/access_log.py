"""Who saw a holder's data (RULES Q7, S3): the supervisor's answer to a holder.

Every audit event about the holder — sessions opened and closed, each record view with its
category, and every operation — with who (staff number and name), where (office,
workstation), when (Shanghai time), which category, why (the recorded reason, a system
code such as ``recovered`` in Chinese: ``actions.reason_label``) and the outcome. The
holder's ID number is printed masked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.engine import Connection

from counter_app.models import AuditEvent, Office, Staff
from reports import actions
from reports.lookup import HolderRef, holder_by_ssn
from reports.model import Cell, Progress, Rendered, Steps, Table
from reports.timeframe import day_range, show


@dataclass(frozen=True)
class AccessRow:
    seq: int
    at: dt.datetime
    staff_no: str | None
    staff_name: str | None
    office_code: str | None
    office_name: str | None
    workstation: str | None
    action: str
    category: str | None
    reason: str | None
    outcome: str


@dataclass(frozen=True)
class AccessSummary:
    action: str
    category: str | None
    count: int


@dataclass(frozen=True)
class AccessReport:
    holder: HolderRef
    first_day: dt.date | None
    last_day: dt.date | None
    generated_at: dt.datetime
    summary: tuple[AccessSummary, ...]
    rows: tuple[AccessRow, ...]

    @property
    def period(self) -> str:
        if self.first_day is None and self.last_day is None:
            return "全部记录"
        return f"{self.first_day or '最早'} 至 {self.last_day or '今日'}"

    def rendered(self) -> Rendered:
        facts = (
            ("参保人", self.holder.name),
            ("社会保障号码", self.holder.masked_ssn),
            ("期间", self.period),
            ("生成时间", show(self.generated_at)),
            ("记录数", str(len(self.rows))),
        )
        summary = Table(
            "汇总",
            ("事项", "查询类别", "次数"),
            tuple((actions.action_label(s.action), _category(s), s.count) for s in self.summary),
            widths=(3, 3, 1),
        )
        rows = Table(
            "查询与办理记录",
            ("时间", "工号", "姓名", "经办机构", "工作站", "事项", "查询类别", "事由", "结果"),
            tuple(self._cells(r) for r in self.rows),
            widths=(2.6, 1.8, 1.3, 3.2, 1.4, 2.6, 2, 3, 1),
            empty="期间内无记录",
        )
        return Rendered("参保人信息查询记录", facts, (summary, rows), orientation="landscape")

    @staticmethod
    def _cells(r: AccessRow) -> tuple[Cell, ...]:
        office = r.office_name or ("电话/系统" if r.office_code is None else r.office_code)
        return (
            show(r.at),
            r.staff_no or "",
            r.staff_name or "",
            office,
            r.workstation or "",
            actions.action_label(r.action),
            actions.category_label(r.category) if r.category else "",
            actions.reason_label(r.reason),  # a system code in Chinese (not "recovered")
            actions.outcome_label(r.outcome),
        )

    def csv_columns(self) -> Sequence[str]:
        return (
            "时间",
            "工号",
            "姓名",
            "经办机构",
            "工作站",
            "事项",
            "查询类别",
            "事由",
            "结果",
            "审计序号",
        )

    def csv_rows(self) -> Sequence[Sequence[Cell]]:
        return [(*self._cells(r), r.seq) for r in self.rows]


def _category(s: AccessSummary) -> str:
    return actions.category_label(s.category) if s.category else ""


def build_access_report(
    conn: Connection,
    ssn: str,
    *,
    first_day: dt.date | None = None,
    last_day: dt.date | None = None,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
) -> AccessReport:
    """Every audited access to the holder with ID number ``ssn`` in the Shanghai days
    ``first_day`` .. ``last_day`` (either open-ended), oldest first. Raises
    :class:`reports.model.ReportError` when no holder has that number."""
    steps = Steps(2, progress)
    holder = holder_by_ssn(conn, ssn)
    where: list[ColumnElement[bool]] = [AuditEvent.holder_id == holder.id]
    if first_day is not None:
        where.append(AuditEvent.at >= day_range(first_day)[0])
    if last_day is not None:
        where.append(AuditEvent.at < day_range(last_day)[1])
    n = func.count().label("n")
    summary = tuple(
        AccessSummary(a, c, int(k))
        for a, c, k in conn.execute(
            select(AuditEvent.action, AuditEvent.category, n)
            .where(*where)
            .group_by(AuditEvent.action, AuditEvent.category)
            .order_by(n.desc(), AuditEvent.action, AuditEvent.category)
        )
    )
    steps.step("汇总")
    stmt = (
        select(
            AuditEvent.seq,
            AuditEvent.at,
            Staff.staff_no,
            Staff.name,
            Office.code,
            Office.name,
            AuditEvent.workstation,
            AuditEvent.action,
            AuditEvent.category,
            AuditEvent.reason,
            AuditEvent.outcome,
        )
        .outerjoin(Staff, Staff.id == AuditEvent.staff_id)
        .outerjoin(Office, Office.id == AuditEvent.office_id)
        .where(*where)
        .order_by(AuditEvent.seq)
    )
    rows = tuple(AccessRow(*row) for row in conn.execute(stmt))
    steps.step("明细")
    return AccessReport(holder, first_day, last_day, now or dt.datetime.now(dt.UTC), summary, rows)
