"""The rating report (RULES E4): `counter-admin report rating` on a demo city, counted again
here row by row in Python; the figures of a few cases made through the services; the daily
report's rating section."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from counter_app import db
from counter_app.cli.main import main
from counter_app.demo.generate import fill_demo
from counter_app.models import Office, Staff
from counter_app.models.case import CaseFollowUp, CaseRating, RatingLevel, RatingReason, ServiceCase
from counter_app.services import cases, ratings, sessions
from counter_app.services.ratings import RatingAnswer
from reports.daily import build_daily_report
from reports.rating import build_rating_report
from reports.runner import read_only_connection
from reports.timeframe import local_midnight, shanghai_today
from tests.services.conftest import (  # noqa: F401 - fixtures used by name
    Clock,
    actor_for,
    demo_url,
    make_ctx,
    pg_demo_template,
    sqlite_demo_template,
)
from tests.services.test_cases import card_session, id_session

AS_OF = dt.date(2025, 3, 10)
LEVELS = ["very_satisfied", "satisfied", "basically_satisfied", "dissatisfied", "very_dissatisfied"]


@pytest.fixture
def demo_city(migrated_url: str) -> str:
    engine = db.create_engine_for(migrated_url)
    try:
        fill_demo(engine, holders=120, seed=5, as_of=AS_OF, service_cases=True)
    finally:
        engine.dispose()
    return migrated_url


def _independent_counts(engine: Engine, moment: dt.datetime) -> dict[str, dict[str, int]]:
    """Per office code: every closed case and its rating, counted in Python; and the
    follow-ups open at ``moment`` (the report's end), overdue when due before its day."""
    today = shanghai_today(moment)
    with engine.connect() as conn:
        offices = dict(conn.execute(select(Office.id, Office.code)).all())
        rated = dict(conn.execute(select(CaseRating.case_id, CaseRating.level)).all())
        followups = conn.execute(
            select(
                CaseFollowUp.office_id,
                CaseFollowUp.opened_at,
                CaseFollowUp.closed_at,
                CaseFollowUp.due_date,
            )
        ).all()
        all_cases = conn.execute(
            select(ServiceCase.id, ServiceCase.office_id, ServiceCase.closed_at)
        ).all()
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for case_id, office_id, closed_at in all_cases:
        if closed_at is None:
            continue
        c = counts[offices[office_id]]
        c["closed"] += 1
        level = rated.get(case_id)
        if level in LEVELS:
            c[level] += 1
            c["rated"] += 1
    for office_id, opened, closed, due in followups:
        opened, closed = _utc(opened), _utc(closed) if closed else None
        if opened <= moment and (closed is None or closed > moment):
            counts[offices[office_id]]["open"] += 1
            counts[offices[office_id]]["overdue"] += due < today
    return {code: dict(c) for code, c in counts.items()}


def _utc(moment: dt.datetime) -> dt.datetime:
    """A stored time as UTC (SQLite gives it back naive)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def test_E4_csv_per_office_rows_equal_counts_made_independently(
    demo_city: str, tmp_path: Path
) -> None:
    out = tmp_path / "rating.csv"
    assert (
        main(
            [
                "report",
                "rating",
                "--from",
                "2025-01-01",
                "--to",
                "2025-03-10",
                "--format",
                "csv",
                "--out",
                str(out),
                "--db",
                demo_city,
            ]
        )
        == 0
    )
    engine = db.create_engine_for(demo_city)
    try:
        # The report ends 2025-03-10: its follow-ups are those open at that day's end.
        expected = _independent_counts(engine, local_midnight(dt.date(2025, 3, 11)))
    finally:
        engine.dispose()
    text = out.read_bytes().decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    by_office = {r["机构编码"]: r for r in rows if r["分组"] == "机构"}
    assert set(by_office) == set(expected) and len(expected) > 30
    for code, want in expected.items():
        got = by_office[code]
        labels = ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]
        assert [int(got[lb]) for lb in labels] == [want.get(lv, 0) for lv in LEVELS], code
        closed = want.get("closed", 0)  # 0: an office whose only news is a follow-up
        assert int(got["办结件数"]) == closed
        assert int(got["未评价"]) == closed - want.get("rated", 0)
        if closed:
            assert float(got["评价率(%)"]) == round(100 * want.get("rated", 0) / closed, 2)
        if want.get("rated"):
            happy = sum(want.get(lv, 0) for lv in LEVELS[:3])
            assert float(got["满意率(%)"]) == round(100 * happy / want["rated"], 2)
        assert int(got["未办结整改(截至期末)"]) == want.get("open", 0)
        assert int(got["逾期整改(截至期末)"]) == want.get("overdue", 0)
    [total] = [r for r in rows if r["分组"] == "合计"]
    assert int(total["办结件数"]) == sum(w.get("closed", 0) for w in expected.values())
    # The demo shows every kind: poor ratings, open follow-ups and closed ones.
    assert sum(w.get("open", 0) for w in expected.values()) > 0
    assert sum(
        w.get("dissatisfied", 0) + w.get("very_dissatisfied", 0) for w in expected.values()
    ) > sum(w.get("open", 0) for w in expected.values())


def test_E4_figures_of_cases_rated_through_the_services(demo_url: str) -> None:  # noqa: F811
    clock = Clock()
    ctx = make_ctx(demo_url, clock)
    clerk = actor_for(ctx, "YB500103-01")
    answers = [
        RatingAnswer(RatingLevel.VERY_SATISFIED),
        RatingAnswer(RatingLevel.BASIC),
        RatingAnswer(RatingLevel.VERY_DISSATISFIED, (RatingReason.EFFICIENCY,), "解释不清楚"),
        None,
        None,
    ]
    numbers = []
    for answer in answers:
        session = card_session(ctx)
        sessions.end_session(ctx, clerk, session)
        case_no = cases.case_of_session(ctx, clerk, session.session_id).case_no
        numbers.append(case_no)
        if answer is None:
            ratings.record_no_answer(ctx, clerk, case_no)
        else:
            ratings.record_rating(ctx, clerk, case_no, answer)
    id_session(ctx)  # still open: not counted
    engine = ctx.session_factory().get_bind()
    assert isinstance(engine, Engine)
    try:
        with read_only_connection(engine) as conn:
            report = build_rating_report(
                conn,
                dt.date(2025, 3, 10),
                dt.date(2025, 3, 10),
                office_code="500103-YB",
                now=clock.now,
            )
            later = build_rating_report(
                conn,
                dt.date(2025, 3, 1),
                dt.date(2025, 3, 31),
                now=dt.datetime(2025, 4, 2, tzinfo=dt.UTC),
            )
            daily = build_daily_report(
                conn, dt.date(2025, 3, 10), staff_no="YB500103-01", now=clock.now
            )
    finally:
        engine.dispose()
    t = report.total
    assert (t.closed, t.levels, t.unrated) == (5, (1, 0, 1, 0, 1), 2)
    assert (t.rating_rate, t.satisfaction_rate) == (60.0, 66.67)
    assert (t.open_followups, t.overdue_followups) == (1, 0)
    [staff_row] = report.by_staff
    assert staff_row.staff_no == "YB500103-01" and staff_row.closed == 5
    assert [r.day for r in report.by_day] == [dt.date(2025, 3, 10)]
    [followup] = report.followups
    assert followup.case_no == numbers[2] and followup.level == "非常不满意"
    assert followup.due_date == dt.date(2025, 3, 31) and not followup.overdue
    # RULES E2: exactly what the holder chose — the category and the phrase tapped.
    assert followup.reasons == "效率：解释不清楚"
    assert "效率：解释不清楚" in str(report.rendered().tables[-1].rows)
    assert later.total.overdue_followups == 1  # 2025-04-02: past 03-31
    # The daily report's rating section, and its CSV lines.
    assert daily.rating is not None and daily.rating.closed == 5
    assert any(t.title.startswith("服务好差评") for t in daily.rendered().tables)
    csv_rows = {(r[0], r[1]): r[4] for r in daily.csv_rows() if r[0] == "服务好差评"}
    assert csv_rows[("服务好差评", "评价率(%)")] == 60.0
    assert csv_rows[("服务好差评", "非常不满意")] == 1


def test_E4_staff_and_office_scope(demo_city: str) -> None:
    engine = db.create_engine_for(demo_city)
    try:
        with read_only_connection(engine) as conn:
            city = build_rating_report(conn, dt.date(2025, 1, 1), AS_OF)
            one = build_rating_report(conn, dt.date(2025, 1, 1), AS_OF, office_code="500103-YB")
            staff_office = dict(
                conn.execute(
                    select(Staff.staff_no, Office.code).join(Office, Office.id == Staff.office_id)
                ).all()
            )
    finally:
        engine.dispose()
    assert sum(r.closed for r in city.by_office) == city.total.closed
    assert sum(r.closed for r in city.by_staff) == city.total.closed
    assert sum(r.closed for r in city.by_day) == city.total.closed
    assert all(staff_office[r.staff_no] == r.office_code for r in city.by_staff)
    [office_row] = one.by_office
    assert office_row.office_code == "500103-YB" and office_row.closed == one.total.closed
    assert {staff_office[r.staff_no] for r in one.by_staff} == {"500103-YB"}
    assert one.rendered().tables[0].rows  # the PDF's tables are filled
