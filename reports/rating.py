"""The holders' ratings of services (好差评, RULES E4) over a range of days.

Per office, per staff member and per day: closed cases, the count of each level, the rating
rate (评价率 = rated cases / closed cases, 未评价 not rated), the satisfaction rate
(满意率 = (非常满意 + 满意 + 基本满意) / rated), and the follow-ups of those cases still
open and overdue. Plus the list of open follow-ups with their deadlines.

Counted in the database: one ``GROUP BY`` per grouping over ``service_cases`` left-joined
to ``case_ratings`` and ``case_followups`` with ``SUM(CASE …)`` per level — the same
statement on SQLite and PostgreSQL. Only the two ratios are divided here. A case's day is
the Shanghai day it opened (the date in its number). The CSV has one row per group, its
first column naming the grouping (机构 / 工作人员 / 日期 / 合计).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.engine import Connection

from counter_app.models import Office, Staff
from counter_app.models.case import (
    RATING_LABELS,
    REASON_LABELS,
    SATISFIED_LEVELS,
    CaseFollowUp,
    CaseRating,
    RatingLevel,
    RatingReason,
    ServiceCase,
)
from reports.lookup import OfficeRef, office_by_code
from reports.model import Cell, Progress, Rendered, ReportError, Steps, Table
from reports.timeframe import shanghai_today, show

#: The five levels in the order printed (RULES E2).
LEVELS: tuple[RatingLevel, ...] = tuple(lv for lv in RatingLevel if lv is not RatingLevel.UNRATED)
#: Follow-ups listed at most (the counts cover all).
FOLLOWUP_LIST_LIMIT = 500


@dataclass(frozen=True)
class RatingRow:
    """The counts of one group (an office, a staff member, a day, or all)."""

    grouping: str
    office_code: str
    office_name: str
    staff_no: str
    staff_name: str
    day: dt.date | None
    closed: int
    levels: tuple[int, ...]
    open_followups: int
    overdue_followups: int

    @property
    def rated(self) -> int:
        return sum(self.levels)

    @property
    def unrated(self) -> int:
        return self.closed - self.rated

    @property
    def satisfied(self) -> int:
        return sum(n for lv, n in zip(LEVELS, self.levels, strict=True) if lv in SATISFIED_LEVELS)

    @property
    def rating_rate(self) -> float | None:
        """评价率 in percent, None when no case closed."""
        return round(100.0 * self.rated / self.closed, 2) if self.closed else None

    @property
    def satisfaction_rate(self) -> float | None:
        """满意率 in percent, None when nothing was rated."""
        return round(100.0 * self.satisfied / self.rated, 2) if self.rated else None


@dataclass(frozen=True)
class OpenFollowUp:
    case_no: str
    staff_no: str
    level: str
    reasons: str
    rated_at: dt.datetime
    due_date: dt.date
    overdue: bool


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}%"


@dataclass(frozen=True)
class RatingReport:
    first_day: dt.date
    last_day: dt.date
    office: OfficeRef | None
    generated_at: dt.datetime
    total: RatingRow
    by_office: tuple[RatingRow, ...]
    by_staff: tuple[RatingRow, ...]
    by_day: tuple[RatingRow, ...]
    followups: tuple[OpenFollowUp, ...]

    def rendered(self) -> Rendered:
        scope = f"{self.office.name} ({self.office.code})" if self.office else "全市"
        t = self.total
        facts = (
            ("范围", scope),
            ("期间", f"{self.first_day} 至 {self.last_day}"),
            ("生成时间", show(self.generated_at)),
            ("办结件数", str(t.closed)),
            ("评价率", _percent(t.rating_rate)),
            ("满意率", _percent(t.satisfaction_rate)),
            ("未办结整改", f"{t.open_followups} (逾期 {t.overdue_followups})"),
        )
        level_heads = tuple(RATING_LABELS[lv] for lv in LEVELS)

        def table(
            title: str, heads: tuple[str, ...], rows: Sequence[RatingRow], keys: Any
        ) -> Table:
            return Table(
                title,
                (*heads, "办结", *level_heads, "未评价", "评价率", "满意率", "整改", "逾期"),
                tuple(
                    (
                        *keys(r),
                        r.closed,
                        *r.levels,
                        r.unrated,
                        _percent(r.rating_rate),
                        _percent(r.satisfaction_rate),
                        r.open_followups,
                        r.overdue_followups,
                    )
                    for r in rows
                ),
                widths=(*([2.2] * len(heads)), 1, 1.1, 1, 1.1, 1, 1.3, 1, 1.3, 1.3, 1, 1),
                empty="无记录",
            )

        tables = (
            table("按机构", ("机构",), self.by_office, lambda r: (r.office_name,)),
            table(
                "按工作人员", ("工号", "姓名"), self.by_staff, lambda r: (r.staff_no, r.staff_name)
            ),
            table("按日期", ("日期",), self.by_day, lambda r: (str(r.day),)),
            Table(
                "未办结的整改",
                ("办件编号", "工号", "评价", "原因", "评价时间", "到期日", "状态"),
                tuple(
                    (
                        f.case_no,
                        f.staff_no,
                        f.level,
                        f.reasons,
                        show(f.rated_at, "%Y-%m-%d"),
                        str(f.due_date),
                        "逾期" if f.overdue else "办理中",
                    )
                    for f in self.followups
                ),
                widths=(3.4, 1.8, 1.4, 2, 1.6, 1.6, 1),
                empty="无记录",
            ),
        )
        return Rendered("服务好差评统计", facts, tables, orientation="landscape")

    def csv_columns(self) -> Sequence[str]:
        return (
            "分组",
            "机构编码",
            "机构",
            "工号",
            "姓名",
            "日期",
            "办结件数",
            *(RATING_LABELS[lv] for lv in LEVELS),
            "未评价",
            "已评价",
            "评价率(%)",
            "满意率(%)",
            "未办结整改",
            "逾期整改",
        )

    def csv_rows(self) -> Sequence[Sequence[Cell]]:
        rows = (*self.by_office, *self.by_staff, *self.by_day, self.total)
        return [
            (
                r.grouping,
                r.office_code,
                r.office_name,
                r.staff_no,
                r.staff_name,
                str(r.day) if r.day else "",
                r.closed,
                *r.levels,
                r.unrated,
                r.rated,
                r.rating_rate,
                r.satisfaction_rate,
                r.open_followups,
                r.overdue_followups,
            )
            for r in rows
        ]


STEPS = 5


def _count_columns(today: dt.date) -> list[ColumnElement[Any]]:
    followup_open = and_(CaseFollowUp.id.is_not(None), CaseFollowUp.closed_at.is_(None))
    return [
        func.count(ServiceCase.id),
        *(func.sum(case((CaseRating.level == lv.value, 1), else_=0)) for lv in LEVELS),
        func.sum(case((followup_open, 1), else_=0)),
        func.sum(case((and_(followup_open, CaseFollowUp.due_date < today), 1), else_=0)),
    ]


def _grouped(
    conn: Connection, keys: Sequence[Any], where: list[ColumnElement[bool]], today: dt.date
) -> list[tuple[tuple[Any, ...], tuple[int, ...]]]:
    """(group key values, counts) per group, in key order."""
    n = len(keys)
    query = (
        select(*keys, *_count_columns(today))
        .select_from(ServiceCase)
        .join(Office, Office.id == ServiceCase.office_id)
        .join(Staff, Staff.id == ServiceCase.staff_id)
        .outerjoin(CaseRating, CaseRating.case_id == ServiceCase.id)
        .outerjoin(CaseFollowUp, CaseFollowUp.case_id == ServiceCase.id)
        .where(*where)
    )
    if keys:
        query = query.group_by(*keys).order_by(*keys)
    return [(tuple(row[:n]), tuple(int(v or 0) for v in row[n:])) for row in conn.execute(query)]


def _row(
    grouping: str,
    counts: tuple[int, ...],
    *,
    office: tuple[str, str] = ("", ""),
    staff: tuple[str, str] = ("", ""),
    day: dt.date | None = None,
) -> RatingRow:
    closed, *rest = counts
    levels = tuple(rest[: len(LEVELS)])
    open_fu, overdue = rest[len(LEVELS) :]
    return RatingRow(
        grouping, office[0], office[1], staff[0], staff[1], day, closed, levels, open_fu, overdue
    )


def build_rating_report(
    conn: Connection,
    first_day: dt.date,
    last_day: dt.date,
    *,
    office_code: str | None = None,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
) -> RatingReport:
    """Ratings of the cases closed that opened on ``first_day`` .. ``last_day`` (Shanghai),
    of one office or the city."""
    if last_day < first_day:
        raise ReportError(f"结束日期 {last_day} 早于开始日期 {first_day}。请重新选择期间。")
    steps = Steps(STEPS, progress)
    generated = now or dt.datetime.now(dt.UTC)
    today = shanghai_today(generated)
    office = office_by_code(conn, office_code) if office_code else None
    where: list[ColumnElement[bool]] = [
        ServiceCase.closed_at.is_not(None),
        ServiceCase.day >= first_day,
        ServiceCase.day <= last_day,
    ]
    if office is not None:
        where.append(ServiceCase.office_id == office.id)
    [(_, total_counts)] = _grouped(conn, [], where, today)
    total = _row("合计", total_counts)
    steps.step("合计")
    by_office = tuple(
        _row("机构", c, office=(k[0], k[1]))
        for k, c in _grouped(conn, [Office.code, Office.name], where, today)
    )
    steps.step("按机构")
    by_staff = tuple(
        _row("工作人员", c, office=(k[2], ""), staff=(k[0], k[1]))
        for k, c in _grouped(conn, [Staff.staff_no, Staff.name, Office.code], where, today)
    )
    steps.step("按工作人员")
    by_day = tuple(
        _row("日期", c, day=k[0]) for k, c in _grouped(conn, [ServiceCase.day], where, today)
    )
    steps.step("按日期")
    followups = _open_followups(conn, where, today)
    steps.step("未办结的整改")
    return RatingReport(
        first_day, last_day, office, generated, total, by_office, by_staff, by_day, followups
    )


def _reason_text(reasons: str | None, comment: str | None) -> str:
    """What the holder chose (RULES E2): the reason categories, then the phrases tapped."""
    labels = "、".join(REASON_LABELS[RatingReason(c)] for c in (reasons or "").split(",") if c)
    parts = [p for p in (labels, (comment or "").strip()) if p]
    return "：".join(parts)


def _open_followups(
    conn: Connection, where: list[ColumnElement[bool]], today: dt.date
) -> tuple[OpenFollowUp, ...]:
    rows = conn.execute(
        select(
            ServiceCase.case_no,
            Staff.staff_no,
            CaseRating.level,
            CaseRating.reasons,
            CaseRating.comment,
            CaseRating.rated_at,
            CaseFollowUp.due_date,
        )
        .select_from(CaseFollowUp)
        .join(ServiceCase, ServiceCase.id == CaseFollowUp.case_id)
        .join(CaseRating, CaseRating.case_id == ServiceCase.id)
        .join(Staff, Staff.id == ServiceCase.staff_id)
        .where(*where, CaseFollowUp.closed_at.is_(None))
        .order_by(CaseFollowUp.due_date, ServiceCase.case_no)
        .limit(FOLLOWUP_LIST_LIMIT)
    )
    result = []
    for case_no, staff_no, level, reasons, comment, rated_at, due in rows:
        labels = _reason_text(reasons, comment)
        result.append(
            OpenFollowUp(
                case_no,
                staff_no,
                RATING_LABELS[RatingLevel(level)],
                labels,
                rated_at,
                due,
                due < today,
            )
        )
    return tuple(result)


# --------------------------------------------------------------------------- daily report


def day_rating(
    conn: Connection,
    day: dt.date,
    *,
    office_id: int | None = None,
    staff_id: int | None = None,
    now: dt.datetime | None = None,
) -> RatingRow:
    """The ratings of the cases of one Shanghai day (the daily report's section), of one
    office, one staff member, or the city."""
    today = shanghai_today(now)
    where: list[ColumnElement[bool]] = [ServiceCase.closed_at.is_not(None), ServiceCase.day == day]
    if office_id is not None:
        where.append(ServiceCase.office_id == office_id)
    if staff_id is not None:
        where.append(ServiceCase.staff_id == staff_id)
    [(_, counts)] = _grouped(conn, [], where, today)
    return _row("合计", counts, day=day)


def rating_table(row: RatingRow) -> Table:
    """The daily report's 服务好差评 table: one line of the day's figures."""
    return Table(
        "服务好差评 (当日办结的办件)",
        (
            "办结",
            *(RATING_LABELS[lv] for lv in LEVELS),
            "未评价",
            "评价率",
            "满意率",
            "整改",
            "逾期",
        ),
        (
            (
                row.closed,
                *row.levels,
                row.unrated,
                _percent(row.rating_rate),
                _percent(row.satisfaction_rate),
                row.open_followups,
                row.overdue_followups,
            ),
        ),
        widths=(1, 1.1, 1, 1.1, 1, 1.3, 1, 1.3, 1.3, 1, 1),
    )


def rating_csv_rows(row: RatingRow) -> list[tuple[Cell, ...]]:
    """The daily report's long-format CSV lines of the rating section."""
    figures: list[tuple[str, Cell]] = [("办结件数", row.closed)]
    figures += [(RATING_LABELS[lv], n) for lv, n in zip(LEVELS, row.levels, strict=True)]
    figures += [
        ("未评价", row.unrated),
        ("评价率(%)", row.rating_rate),
        ("满意率(%)", row.satisfaction_rate),
        ("未办结整改", row.open_followups),
        ("逾期整改", row.overdue_followups),
    ]
    return [
        ("服务好差评", name, "", "件数" if "率" not in name else "百分比", value)
        for name, value in figures
    ]
