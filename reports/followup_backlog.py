"""The open follow-ups of poor ratings as a backlog (RULES E3, E4): one definition of "open"
and "overdue" for the supervisor's status-bar badge, the rating report and the daily report.

A follow-up is open at a moment when it was opened before it and not closed by then; it is
overdue at that moment when its due date — already counted in working days when it was
opened (``counter_app.services.workdays``, RULES E3: 15 working days) — lies before that
moment's Shanghai day. So at the supervisor's desk today, one due yesterday is overdue and
one due today is not; at the end of a past day D (the report's end), one due on D is.

The backlog is whatever is open at the moment, whatever day its rating fell on: a report of
the last 7 days still lists the follow-up of a rating made a month ago and not yet done (a
clerk's trial saw 逾期 0 printed while 18 were overdue, the older ratings left out).
Counted in the database with one statement on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from counter_app.models import Office, Staff
from counter_app.models.case import (
    RATING_LABELS,
    REASON_LABELS,
    CaseFollowUp,
    CaseRating,
    RatingLevel,
    RatingReason,
    ServiceCase,
)
from reports.timeframe import local_midnight, shanghai_today

#: Follow-ups listed at most (the counts cover all).
LIST_LIMIT = 500


def backlog_moment(last_day: dt.date, now: dt.datetime) -> dt.datetime:
    """The moment a report ending on ``last_day`` takes the backlog at: the end of that
    Shanghai day, or ``now`` while that day is not over."""
    return min(local_midnight(last_day + dt.timedelta(days=1)), now)


def overdue_day(moment: dt.datetime) -> dt.date:
    """The day whose start a follow-up must have been done by: due before it = overdue."""
    return shanghai_today(moment)


def is_overdue(due_date: dt.date, moment: dt.datetime) -> bool:
    """An open follow-up's state at ``moment`` (the same rule as :func:`overdue_at`)."""
    return due_date < overdue_day(moment)


def open_at(moment: dt.datetime) -> ColumnElement[bool]:
    """SQL: the follow-up was open at ``moment``."""
    return and_(
        CaseFollowUp.opened_at <= moment,
        or_(CaseFollowUp.closed_at.is_(None), CaseFollowUp.closed_at > moment),
    )


def overdue_at(moment: dt.datetime) -> ColumnElement[bool]:
    """SQL: an open follow-up is overdue at ``moment`` (see :func:`is_overdue`)."""
    return CaseFollowUp.due_date < overdue_day(moment)


@dataclass(frozen=True)
class Backlog:
    """Open follow-ups and how many of them are overdue."""

    open: int
    overdue: int


def backlog_counts(
    db: Connection | Session,
    moment: dt.datetime,
    keys: Sequence[Any] = (),
    where: Sequence[ColumnElement[bool]] = (),
) -> dict[tuple[Any, ...], Backlog]:
    """The backlog at ``moment`` per group of ``keys`` (columns of the follow-up, its case,
    the case's office and staff member), filtered by ``where``; ``{(): Backlog}`` without
    keys (0/0 when none)."""
    query = (
        select(
            *keys,
            func.count(CaseFollowUp.id),
            func.coalesce(func.sum(case((overdue_at(moment), 1), else_=0)), 0),
        )
        .select_from(CaseFollowUp)
        .join(ServiceCase, ServiceCase.id == CaseFollowUp.case_id)
        .join(Office, Office.id == CaseFollowUp.office_id)
        .join(Staff, Staff.id == ServiceCase.staff_id)
        .where(open_at(moment), *where)
    )
    if keys:
        query = query.group_by(*keys)
    n = len(keys)
    counts = {
        tuple(row[:n]): Backlog(int(row[n] or 0), int(row[n + 1] or 0)) for row in db.execute(query)
    }
    if not keys:
        counts.setdefault((), Backlog(0, 0))
    return counts


@dataclass(frozen=True)
class OpenFollowUp:
    """One open follow-up as the report lists it."""

    case_no: str
    staff_no: str
    level: str
    reasons: str
    rated_at: dt.datetime
    due_date: dt.date
    overdue: bool


def reason_text(reasons: str | None, comment: str | None) -> str:
    """What the holder chose (RULES E2): the reason categories, then the phrases tapped."""
    labels = "、".join(REASON_LABELS[RatingReason(c)] for c in (reasons or "").split(",") if c)
    parts = [p for p in (labels, (comment or "").strip()) if p]
    return "：".join(parts)


def open_followup_list(
    conn: Connection,
    moment: dt.datetime,
    where: Sequence[ColumnElement[bool]] = (),
    limit: int = LIST_LIMIT,
) -> tuple[OpenFollowUp, ...]:
    """The follow-ups open at ``moment``, soonest due first (so the overdue ones lead)."""
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
        .join(Office, Office.id == CaseFollowUp.office_id)
        .join(Staff, Staff.id == ServiceCase.staff_id)
        .where(open_at(moment), *where)
        .order_by(CaseFollowUp.due_date, ServiceCase.case_no)
        .limit(limit)
    )
    return tuple(
        OpenFollowUp(
            case_no,
            staff_no,
            RATING_LABELS[RatingLevel(level)],
            reason_text(reasons, comment),
            rated_at,
            due,
            is_overdue(due, moment),
        )
        for case_no, staff_no, level, reasons, comment, rated_at, due in rows
    )
