"""The holders' ratings of services (好差评, RULES E4) over a range of days.

Per office, per staff member and per day: closed cases, the count of each level, the rating
rate (评价率 = rated cases / closed cases, 未评价 not rated), the satisfaction rate
(满意率 = (非常满意 + 满意 + 基本满意) / rated). The follow-ups are a backlog: every one
still open at the report's end (its last day's end, or when made while that day lasts) of the
report's office or the city, whatever day its rating fell on, and how many of them are
overdue — per office and staff member, and listed with their deadlines
(:mod:`reports.followup_backlog`, the same count as the supervisor's badge). A report of the
last 7 days that left out the older ratings' follow-ups printed 逾期 0 while 18 were overdue.

Counted in the database: one ``GROUP BY`` per grouping over ``service_cases`` left-joined
to ``case_ratings`` with ``SUM(CASE …)`` per level, and one over ``case_followups`` for the
backlog — the same statements on SQLite and PostgreSQL. Only the two ratios are divided
here. A case's day is the Shanghai day it opened (the date in its number). The CSV has
one row per group, its first column naming the grouping (机构 / 工作人员 / 日期 / 合计); a
day's row has no follow-up figures (the backlog is not a day's).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.engine import Connection

from counter_app.models import Office, Staff
from counter_app.models.case import (
    RATING_LABELS,
    SATISFIED_LEVELS,
    CaseFollowUp,
    CaseRating,
    RatingLevel,
    ServiceCase,
)
from reports.followup_backlog import (
    Backlog,
    OpenFollowUp,
    backlog_counts,
    backlog_moment,
    open_followup_list,
)
from reports.lookup import OfficeRef, office_by_code
from reports.model import Cell, Progress, Rendered, ReportError, Steps, Table
from reports.timeframe import show

#: The five levels in the order printed (RULES E2).
LEVELS: tuple[RatingLevel, ...] = tuple(lv for lv in RatingLevel if lv is not RatingLevel.UNRATED)
#: The PDF widths of 办结, the five levels, 未评价, 评价率 and 满意率.
FIGURE_WIDTHS = (1, 1.1, 1, 1.1, 1, 1.3, 1, 1.3, 1.3)

__all__ = [
    "LEVELS",
    "OpenFollowUp",
    "RatingReport",
    "RatingRow",
    "build_rating_report",
    "percent",
    "period_counts",
    "rating_row",
]


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
    #: The backlog of the group's office or staff member at the report's end (None: a
    #: day's row, which has none).
    open_followups: int | None
    overdue_followups: int | None

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


def percent(value: float | None) -> str:
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
    #: The moment the follow-ups are counted at (:func:`backlog_moment`).
    backlog_at: dt.datetime

    @property
    def backlog_when(self) -> str:
        """截至… as printed: the last day's end, or the time the report was made."""
        if self.backlog_at < self.generated_at:
            return f"截至 {self.last_day} 日终"
        return f"截至 {show(self.backlog_at, '%Y-%m-%d %H:%M')}"

    def rendered(self) -> Rendered:
        scope = f"{self.office.name} ({self.office.code})" if self.office else "全市"
        t = self.total
        facts = (
            ("范围", scope),
            ("期间", f"{self.first_day} 至 {self.last_day}"),
            ("生成时间", show(self.generated_at)),
            ("办结件数", str(t.closed)),
            ("评价率", percent(t.rating_rate)),
            ("满意率", percent(t.satisfaction_rate)),
            ("未办结整改", f"{t.open_followups}（逾期 {t.overdue_followups}）"),
            ("整改统计", f"{self.backlog_when}仍未办结的全部整改，不限差评的日期"),
        )
        level_heads = tuple(RATING_LABELS[lv] for lv in LEVELS)

        backlog_note = (
            f"整改件数：{self.backlog_when}仍未办结的整改（逾期：已过到期日），不限差评的日期。"
        )

        def table(
            title: str,
            heads: tuple[str, ...],
            rows: Sequence[RatingRow],
            keys: Any,
            backlog: bool = True,
        ) -> Table:
            tail = ("待整改", "逾期") if backlog else ()
            return Table(
                title,
                (*heads, "办结", *level_heads, "未评价", "评价率", "满意率", *tail),
                tuple(
                    (
                        *keys(r),
                        r.closed,
                        *r.levels,
                        r.unrated,
                        percent(r.rating_rate),
                        percent(r.satisfaction_rate),
                        *((r.open_followups, r.overdue_followups) if backlog else ()),
                    )
                    for r in rows
                ),
                widths=(*([2.2] * len(heads)), *FIGURE_WIDTHS, *([1.0] * len(tail))),
                note=backlog_note if backlog else None,
                empty="无记录",
            )

        tables = (
            table("按机构", ("机构",), self.by_office, lambda r: (r.office_name,)),
            table(
                "按工作人员", ("工号", "姓名"), self.by_staff, lambda r: (r.staff_no, r.staff_name)
            ),
            table("按日期", ("日期",), self.by_day, lambda r: (str(r.day),), backlog=False),
            Table(
                f"未办结的整改（{self.backlog_when}，逾期的在前）",
                ("办件编号", "工号", "评价", "原因", "评价时间", "到期日", "状态"),
                tuple(
                    (
                        f.case_no,
                        f.staff_no,
                        f.level,
                        f.reasons,
                        show(f.rated_at, "%Y-%m-%d"),
                        str(f.due_date),
                        # The 差评整改 list's words (RULES E3/E4), not 办理中.
                        "已逾期" if f.overdue else "待整改",
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
            # The backlog at the report's end, whatever the rating's day (empty on a day's row).
            "未办结整改(截至期末)",
            "逾期整改(截至期末)",
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


def _count_columns() -> list[ColumnElement[Any]]:
    return [
        func.count(ServiceCase.id),
        *(func.sum(case((CaseRating.level == lv.value, 1), else_=0)) for lv in LEVELS),
    ]


def period_counts(
    conn: Connection, keys: Sequence[Any], where: list[ColumnElement[bool]]
) -> list[tuple[tuple[Any, ...], tuple[int, ...]]]:
    """(group key values, counts of the period's cases) per group, in key order."""
    n = len(keys)
    query = (
        select(*keys, *_count_columns())
        .select_from(ServiceCase)
        .join(Office, Office.id == ServiceCase.office_id)
        .join(Staff, Staff.id == ServiceCase.staff_id)
        .outerjoin(CaseRating, CaseRating.case_id == ServiceCase.id)
        .where(*where)
    )
    if keys:
        query = query.group_by(*keys).order_by(*keys)
    return [(tuple(row[:n]), tuple(int(v or 0) for v in row[n:])) for row in conn.execute(query)]


def rating_row(
    grouping: str,
    counts: tuple[int, ...] | None,
    backlog: Backlog | None,
    *,
    office: tuple[str, str] = ("", ""),
    staff: tuple[str, str] = ("", ""),
    day: dt.date | None = None,
) -> RatingRow:
    closed, *levels = counts or (0,) * (1 + len(LEVELS))
    return RatingRow(
        grouping,
        office[0],
        office[1],
        staff[0],
        staff[1],
        day,
        closed,
        tuple(levels),
        backlog.open if backlog else None,
        backlog.overdue if backlog else None,
    )


def _with_backlog(
    period: list[tuple[tuple[Any, ...], tuple[int, ...]]],
    backlog: dict[tuple[Any, ...], Backlog],
) -> list[tuple[tuple[Any, ...], tuple[int, ...] | None, Backlog]]:
    """Every group with cases in the period or follow-ups open at its end, in key order: an
    office whose only news is an overdue follow-up is a row too."""
    counts = dict(period)
    keys = sorted(counts.keys() | backlog.keys(), key=lambda k: tuple(str(v) for v in k))
    return [(k, counts.get(k), backlog.get(k, Backlog(0, 0))) for k in keys]


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
    of one office or the city; the follow-ups of that office or the city open at the end of
    ``last_day`` (or now), whatever their rating's day (RULES E4)."""
    if last_day < first_day:
        raise ReportError(f"结束日期 {last_day} 早于开始日期 {first_day}。请重新选择期间。")
    steps = Steps(STEPS, progress)
    generated = now or dt.datetime.now(dt.UTC)
    moment = backlog_moment(last_day, generated)
    office = office_by_code(conn, office_code) if office_code else None
    where: list[ColumnElement[bool]] = [
        ServiceCase.closed_at.is_not(None),
        ServiceCase.day >= first_day,
        ServiceCase.day <= last_day,
    ]
    scope: list[ColumnElement[bool]] = []
    if office is not None:
        where.append(ServiceCase.office_id == office.id)
        scope.append(CaseFollowUp.office_id == office.id)
    [(_, total_counts)] = period_counts(conn, [], where)
    total = rating_row("合计", total_counts, backlog_counts(conn, moment, (), scope)[()])
    steps.step("合计")
    office_keys = [Office.code, Office.name]
    by_office = tuple(
        rating_row("机构", c, b, office=(k[0], k[1]))
        for k, c, b in _with_backlog(
            period_counts(conn, office_keys, where),
            backlog_counts(conn, moment, office_keys, scope),
        )
    )
    steps.step("按机构")
    staff_keys = [Staff.staff_no, Staff.name, Office.code]
    by_staff = tuple(
        rating_row("工作人员", c, b, office=(k[2], ""), staff=(k[0], k[1]))
        for k, c, b in _with_backlog(
            period_counts(conn, staff_keys, where), backlog_counts(conn, moment, staff_keys, scope)
        )
    )
    steps.step("按工作人员")
    by_day = tuple(
        rating_row("日期", c, None, day=k[0])
        for k, c in period_counts(conn, [ServiceCase.day], where)
    )
    steps.step("按日期")
    followups = open_followup_list(conn, moment, scope)
    steps.step("未办结的整改")
    return RatingReport(
        first_day,
        last_day,
        office,
        generated,
        total,
        by_office,
        by_staff,
        by_day,
        followups,
        moment,
    )
