"""RULES E3/E4: the rating report's open follow-ups are a backlog — every follow-up of the
report's office (or the city) still open at the report's end, whatever day its rating fell
on — and the supervisor's badge (待整改：N（逾期 M）) and the report count them alike.

A clerk's trial: 服务好差评统计 for the city's last 7 days printed 未办结整改 8（逾期 0） while
55 were open and 18 overdue (the follow-ups of older ratings were left out), and the
supervisor's own badge said 逾期 1."""

from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy import Engine, select

from counter_app import db
from counter_app.models import Office, ServiceCase
from counter_app.models.case import CaseFollowUp, RatingLevel
from counter_app.services import followups, ratings
from counter_app.services.ratings import RatingAnswer
from reports.daily import build_daily_report
from reports.rating import build_rating_report
from reports.runner import read_only_connection
from reports.timeframe import SHANGHAI, local_midnight
from tests.reports.test_rating import _utc, demo_city  # noqa: F401 - fixture used by name
from tests.services.conftest import (  # noqa: F401 - fixtures used by name
    Clock,
    actor_for,
    demo_url,
    make_ctx,
    pg_demo_template,
    sqlite_demo_template,
)
from tests.services.test_cases_rating import _closed_case

#: demo_city's last day (tests/reports/test_rating.py AS_OF) and a week before.
LAST = dt.date(2025, 3, 10)
FIRST = LAST - dt.timedelta(days=6)


def _open_at(engine: Engine, moment: dt.datetime) -> list[tuple[str, dt.date, dt.date]]:
    """(office code, due date, the rating case's day) of every follow-up open at ``moment``,
    read straight from the table."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                Office.code,
                CaseFollowUp.opened_at,
                CaseFollowUp.closed_at,
                CaseFollowUp.due_date,
                ServiceCase.day,
            )
            .join(Office, Office.id == CaseFollowUp.office_id)
            .join(ServiceCase, ServiceCase.id == CaseFollowUp.case_id)
        ).all()
    return [
        (code, due, day)
        for code, opened, closed, due, day in rows
        if _utc(opened) <= moment and (closed is None or _utc(closed) > moment)
    ]


def test_E4_a_week_s_report_counts_every_follow_up_still_open_at_its_end(
    demo_city: str,  # noqa: F811
) -> None:
    # Made the next morning: the backlog is the one at the end of the last day.
    now = dt.datetime(2025, 3, 11, 9, 0, tzinfo=SHANGHAI).astimezone(dt.UTC)
    end = local_midnight(LAST + dt.timedelta(days=1))
    engine = db.create_engine_for(demo_city)
    try:
        backlog = _open_at(engine, end)
        with read_only_connection(engine) as conn:
            city = build_rating_report(conn, FIRST, LAST, now=now)
            one = build_rating_report(conn, FIRST, LAST, office_code="500103-YB", now=now)
    finally:
        engine.dispose()
    overdue = [b for b in backlog if b[1] <= LAST]  # due on the last day or before
    older = [b for b in backlog if b[2] < FIRST]  # rated before the week
    # The demo has what the trial saw: open follow-ups of older ratings, some overdue.
    assert older and overdue and len(backlog) > len(backlog) - len(older) > 0
    t = city.total
    assert (t.open_followups, t.overdue_followups) == (len(backlog), len(overdue))
    assert len(city.followups) == len(backlog)
    assert sum(f.overdue for f in city.followups) == len(overdue)
    # Overdue first (soonest due first), and the week's ratings are a minority of them.
    flags = [f.overdue for f in city.followups]
    assert flags == sorted(flags, reverse=True)
    # Per office: the office's own backlog, also for an office with no case in the week.
    per_office = {r.office_code: (r.open_followups, r.overdue_followups) for r in city.by_office}
    for code, group in itertools.groupby(sorted(backlog), key=lambda b: b[0]):
        rows = list(group)
        assert per_office[code] == (len(rows), sum(b[1] <= LAST for b in rows)), code
    assert sum(r.open_followups or 0 for r in city.by_staff) == len(backlog)
    # The period's own figures stay the period's: cases of the week only.
    assert sum(r.closed for r in city.by_day) == t.closed
    assert all(r.open_followups is None for r in city.by_day)
    mine = [b for b in backlog if b[0] == "500103-YB"]
    assert (one.total.open_followups, one.total.overdue_followups) == (
        len(mine),
        sum(b[1] <= LAST for b in mine),
    )
    # The report says what it counts.
    facts = dict(city.rendered().facts)
    assert facts["未办结整改"] == f"{len(backlog)}（逾期 {len(overdue)}）"
    assert facts["整改统计"] == "截至 2025-03-10 日终仍未办结的全部整改，不限差评的日期"
    columns = city.csv_columns()
    assert "未办结整改(截至期末)" in columns and "逾期整改(截至期末)" in columns


def test_E4_a_past_period_counts_the_backlog_as_it_was_at_its_end(
    demo_city: str,  # noqa: F811
) -> None:
    """A follow-up closed after the report's last day was still open at its end."""
    last = LAST - dt.timedelta(days=3)
    end = local_midnight(last + dt.timedelta(days=1))
    engine = db.create_engine_for(demo_city)
    try:
        then = _open_at(engine, end)
        with read_only_connection(engine) as conn:
            report = build_rating_report(conn, last - dt.timedelta(days=6), last)
    finally:
        engine.dispose()
    t = report.total
    assert (t.open_followups, t.overdue_followups) == (len(then), sum(b[1] <= last for b in then))
    assert report.backlog_at == end


def test_E3_E4_badge_report_and_daily_report_agree(demo_url: str) -> None:  # noqa: F811
    """The supervisor's badge, the list and the reports of the office ending today say the
    same: an overdue follow-up of a rating three weeks old is in all of them."""
    clock = Clock()
    ctx = make_ctx(demo_url, clock)
    clerk = actor_for(ctx, "YB500103-01")
    supervisor = actor_for(ctx, "YB500103-03")
    poor = RatingAnswer(RatingLevel.DISSATISFIED)

    def close_and_rate() -> str:
        case_no = _closed_case(ctx)
        ratings.record_rating(ctx, clerk, case_no, poor)
        return case_no

    first = close_and_rate()  # Monday 2025-03-10: due 2025-03-31
    clock.advance(days=22)  # Tuesday 2025-04-01 (Shanghai): overdue
    second = close_and_rate()  # today's: due in 15 working days
    badge = followups.followup_badge(ctx, supervisor)
    listed = followups.open_followups(ctx, supervisor)
    today = clock.now.astimezone(SHANGHAI).date()
    engine = ctx.session_factory().get_bind()
    assert isinstance(engine, Engine)
    try:
        with read_only_connection(engine) as conn:
            week = build_rating_report(
                conn, today - dt.timedelta(days=6), today, office_code="500103-YB", now=clock.now
            )
            daily = build_daily_report(conn, today, office_code="500103-YB", now=clock.now)
    finally:
        engine.dispose()
    assert badge == followups.FollowUpCount(2, 1)
    assert [(i.case_no, i.overdue) for i in listed] == [(first, True), (second, False)]
    t = week.total
    assert (t.open_followups, t.overdue_followups) == (badge.open, badge.overdue)
    assert [(f.case_no, f.overdue) for f in week.followups] == [(first, True), (second, False)]
    assert week.total.closed == 1  # the week's ratings: today's case only
    assert daily.rating is not None
    assert (daily.rating.open_followups, daily.rating.overdue_followups) == (2, 1)
    assert dict(week.rendered().facts)["未办结整改"] == "2（逾期 1）"
