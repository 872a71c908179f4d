"""Phone loss reports about to lapse (RULES L2, S3).

A 12333 report is temporary: unless the holder makes a written report at a sub-center before
``deadline_at`` it lapses. Staff call the holders on this list, soonest deadline first,
grouped by the district of the holder's household register (the sub-center that should act,
U2). A report past its deadline has lapsed at that moment (L2), whether or not ``loss lapse``
has recorded it yet: it is not "about to lapse" (the service's list,
``phone_reports.lapsing_phone_reports``, leaves it out too) but is shown in a separate
section as 已失效, so staff know the holder's card is no longer reported lost.

Phone numbers are masked (138****5678), in the PDF and the CSV alike: one policy with the
workstation's list, where a full number is a deliberate, audited reveal for one holder
(``phone_reports.reveal_lapsing_phone``, RULES Q7). A printed sheet leaves the counter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.engine import Connection

from counter_app.models import Card, Holder, LossReport, Office
from forms.masking import mask_card_number, mask_id_number, mask_phone
from reports.lookup import OfficeRef, office_by_code
from reports.model import Cell, Progress, Rendered, ReportError, Steps, Table
from reports.timeframe import show


@dataclass(frozen=True)
class LapsingRow:
    report_id: int
    district_code: str
    subcenter: str | None
    deadline_at: dt.datetime
    reported_at: dt.datetime
    holder_name: str
    masked_ssn: str
    masked_card: str
    #: Masked (first three and last four digits); "" when none is on record.
    masked_phone: str
    address: str | None

    def hours_left(self, now: dt.datetime) -> float:
        return (self.deadline_at - now).total_seconds() / 3600


@dataclass(frozen=True)
class DistrictCount:
    district_code: str
    subcenter: str | None
    #: About to lapse (deadline still ahead).
    reports: int
    #: Lapsed at their deadline, not yet recorded by lapse processing.
    lapsed: int
    first_deadline: dt.datetime


@dataclass(frozen=True)
class LapsingReport:
    days: int
    now: dt.datetime
    office: OfficeRef | None
    districts: tuple[DistrictCount, ...]
    #: About to lapse: deadline after ``now`` and within ``days``, soonest first.
    rows: tuple[LapsingRow, ...]
    #: Past their deadline (lapsed, RULES L2) but still recorded as open.
    lapsed: tuple[LapsingRow, ...] = ()

    def _left(self, row: LapsingRow) -> str:
        hours = row.hours_left(self.now)
        if hours <= 0:
            return "已失效"
        return f"{int(hours // 24)} 天 {int(hours % 24)} 小时"

    def rendered(self) -> Rendered:
        scope = f"{self.office.name} ({self.office.code})" if self.office else "全市"
        facts = (
            ("范围", scope),
            ("期限", f"{self.days} 天内到期"),
            ("生成时间", show(self.now)),
            ("即将失效", f"{len(self.rows)} 件"),
            ("已失效 (期限已过)", f"{len(self.lapsed)} 件"),
        )
        districts = Table(
            "按区县",
            ("区县代码", "医保分中心", "即将失效", "已失效", "最早到期"),
            tuple(
                (
                    d.district_code,
                    d.subcenter or "",
                    d.reports,
                    d.lapsed,
                    show(d.first_deadline, "%Y-%m-%d %H:%M"),
                )
                for d in self.districts
            ),
            widths=(1.5, 4, 1, 1, 2.5),
        )
        columns = (
            "到期时间",
            "剩余",
            "区县代码",
            "姓名",
            "社会保障号码",
            "卡号",
            "联系电话",
            "地址",
            "电话挂失时间",
        )
        widths = (2.4, 1.6, 1.2, 1.5, 2.8, 1.8, 2.2, 4.5, 2.4)
        rows = Table(
            "待书面挂失的电话挂失 (按到期时间)",
            columns,
            tuple(self._row_cells(r) for r in self.rows),
            widths=widths,
        )
        lapsed = Table(
            "已失效的电话挂失 (期限已过，卡已恢复正常状态)",
            columns,
            tuple(self._row_cells(r) for r in self.lapsed),
            widths=widths,
        )
        return Rendered(
            "即将失效的电话挂失", facts, (districts, rows, lapsed), orientation="landscape"
        )

    def _row_cells(self, r: LapsingRow) -> tuple[Cell, ...]:
        return (
            show(r.deadline_at, "%Y-%m-%d %H:%M"),
            self._left(r),
            r.district_code,
            r.holder_name,
            r.masked_ssn,
            r.masked_card,
            r.masked_phone,
            r.address or "",
            show(r.reported_at, "%Y-%m-%d %H:%M"),
        )

    def csv_columns(self) -> Sequence[str]:
        return (
            "到期时间",
            "剩余",
            "区县代码",
            "医保分中心",
            "姓名",
            "社会保障号码",
            "卡号",
            "联系电话",
            "地址",
            "电话挂失时间",
            "挂失编号",
        )

    def csv_rows(self) -> Sequence[Sequence[Cell]]:
        return [
            (
                show(r.deadline_at),
                self._left(r),
                r.district_code,
                r.subcenter or "",
                r.holder_name,
                r.masked_ssn,
                r.masked_card,
                r.masked_phone,
                r.address or "",
                show(r.reported_at),
                r.report_id,
            )
            for r in (*self.rows, *self.lapsed)
        ]


def build_lapsing_report(
    conn: Connection,
    days: int,
    *,
    office_code: str | None = None,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
) -> LapsingReport:
    """Open phone reports whose deadline is after ``now`` and at most ``now + days``,
    soonest first — as ``phone_reports.lapsing_phone_reports`` lists them — and, apart,
    those still open past their deadline (lapsed, RULES L2).

    With ``office_code`` of a district office, only holders of that district (the card
    service center, which serves the whole city, sees all).
    """
    if days < 0:
        raise ReportError("天数不能为负数。")
    steps = Steps(2, progress)
    now = now or dt.datetime.now(dt.UTC)
    office = office_by_code(conn, office_code) if office_code else None
    horizon = now + dt.timedelta(days=days)
    subcenter = (
        select(func.min(Office.name))
        .where(
            Office.district_code == Holder.household_district, Office.kind == "district_subcenter"
        )
        .correlate(Holder)
        .scalar_subquery()
    )
    # Open temporary (phone) reports; a confirmed one is written (kind) and never lapses.
    where = [
        LossReport.kind == "temporary",
        LossReport.state == "open",
        LossReport.deadline_at <= horizon,
    ]
    if office is not None and office.district_code is not None:
        where.append(Holder.household_district == office.district_code)
    district_stmt = (
        select(
            Holder.household_district,
            subcenter,
            func.count(),
            func.sum(case((LossReport.deadline_at <= now, 1), else_=0)),
            func.min(LossReport.deadline_at),
        )
        .join(Holder, Holder.id == LossReport.holder_id)
        .where(*where)
        .group_by(Holder.household_district)
        .order_by(func.min(LossReport.deadline_at))
    )
    districts = tuple(
        DistrictCount(code, name, int(n) - int(late), int(late), _utc(first))
        for code, name, n, late, first in conn.execute(district_stmt)
    )
    steps.step("按区县")
    row_stmt = (
        select(
            LossReport.id,
            Holder.household_district,
            subcenter,
            LossReport.deadline_at,
            LossReport.reported_at,
            Holder.name,
            Holder.ssn,
            Card.card_number,
            Holder.phone,
            Holder.address,
        )
        .join(Holder, Holder.id == LossReport.holder_id)
        .join(Card, Card.id == LossReport.card_id)
        .where(*where)
        .order_by(LossReport.deadline_at, LossReport.id)
    )
    rows = tuple(
        LapsingRow(
            rid,
            district,
            sub,
            _utc(deadline),
            reported,
            name,
            mask_id_number(ssn),
            mask_card_number(card),
            mask_phone(phone) if phone else "",
            address,
        )
        for rid, district, sub, deadline, reported, name, ssn, card, phone, address in conn.execute(
            row_stmt
        )
    )
    steps.step("明细")
    return LapsingReport(
        days,
        now,
        office,
        districts,
        tuple(r for r in rows if r.deadline_at > now),
        tuple(r for r in rows if r.deadline_at <= now),
    )


def _utc(value: dt.datetime) -> dt.datetime:
    """MIN() over a timestamp comes back raw from SQLite (text) — parse it as UTC."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
