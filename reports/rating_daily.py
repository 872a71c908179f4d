"""The daily report's 服务好差评 section (RULES E4): the ratings of one Shanghai day's
cases of an office, a staff member or the city, with the follow-ups of that office, staff
member or city still open at the day's end (:mod:`reports.followup_backlog`, the badge's
count), whatever day their rating fell on. Counted as :mod:`reports.rating` counts."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement
from sqlalchemy.engine import Connection

from counter_app.models.case import RATING_LABELS, CaseFollowUp, ServiceCase
from reports.followup_backlog import backlog_counts, backlog_moment
from reports.model import Cell, Table
from reports.rating import LEVELS, RatingRow, percent, period_counts, rating_row

__all__ = ["day_rating", "rating_csv_rows", "rating_table"]


def day_rating(
    conn: Connection,
    day: dt.date,
    *,
    office_id: int | None = None,
    staff_id: int | None = None,
    now: dt.datetime | None = None,
) -> RatingRow:
    """The ratings of the cases of one Shanghai day (the daily report's section), of one
    office, one staff member, or the city; with the follow-ups of that office, staff member
    or city open at the day's end (or now, while it lasts), whatever their rating's day."""
    moment = backlog_moment(day, now or dt.datetime.now(dt.UTC))
    where: list[ColumnElement[bool]] = [ServiceCase.closed_at.is_not(None), ServiceCase.day == day]
    scope: list[ColumnElement[bool]] = []
    if office_id is not None:
        where.append(ServiceCase.office_id == office_id)
        scope.append(CaseFollowUp.office_id == office_id)
    if staff_id is not None:
        where.append(ServiceCase.staff_id == staff_id)
        scope.append(ServiceCase.staff_id == staff_id)
    [(_, counts)] = period_counts(conn, [], where)
    return rating_row("合计", counts, backlog_counts(conn, moment, (), scope)[()], day=day)


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
            "待整改",  # open follow-ups only, as the 差评整改 badge counts them
            "逾期",
        ),
        (
            (
                row.closed,
                *row.levels,
                row.unrated,
                percent(row.rating_rate),
                percent(row.satisfaction_rate),
                row.open_followups,
                row.overdue_followups,
            ),
        ),
        widths=(1, 1.1, 1, 1.1, 1, 1.3, 1, 1.3, 1.3, 1, 1),
        note="整改件数：截至当日日终（当日报表截至生成时）仍未办结的整改，不限差评的日期。",
    )


def rating_csv_rows(row: RatingRow) -> list[tuple[Cell, ...]]:
    """The daily report's long-format CSV lines of the rating section."""
    figures: list[tuple[str, Cell]] = [("办结件数", row.closed)]
    figures += [(RATING_LABELS[lv], n) for lv, n in zip(LEVELS, row.levels, strict=True)]
    figures += [
        ("未评价", row.unrated),
        ("评价率(%)", row.rating_rate),
        ("满意率(%)", row.satisfaction_rate),
        ("未办结整改(截至日终)", row.open_followups),
        ("逾期整改(截至日终)", row.overdue_followups),
    ]
    return [
        ("服务好差评", name, "", "件数" if "率" not in name else "百分比", value)
        for name, value in figures
    ]
