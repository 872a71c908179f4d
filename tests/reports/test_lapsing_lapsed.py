"""RULES L2 in the supervisors' lapsing report: a phone report past its deadline has lapsed
(whether or not lapse processing recorded it), so it is not listed as about to lapse — as
``phone_reports.lapsing_phone_reports`` does not list it — but apart, as 已失效. On SQLite
and PostgreSQL, against the seeded reports."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from reports.csv_out import render_csv
from reports.lapsing import LapsingReport
from reports.runner import LapsingRequest, build, read_only_connection
from tests.reports.seed import NOW, Seeded


def _report(engine: Engine, days: int) -> LapsingReport:
    with read_only_connection(engine) as conn:
        report = build(conn, LapsingRequest(days=days), now=NOW)
    assert isinstance(report, LapsingReport)
    return report


def test_L2_lapsing_report_shows_past_deadline_reports_as_lapsed_not_lapsing(
    engine: Engine, seeded: Seeded
) -> None:
    report = _report(engine, 2)
    overdue = sorted(
        r["holder_id"] for r in seeded.loss if r["state"] == "open" and r["deadline_at"] <= NOW
    )
    assert overdue  # the seed holds one open phone report 3 hours past its deadline
    names = [f"参保人{h:02d}" for h in overdue]
    assert all(r.deadline_at > NOW for r in report.rows)
    assert not {r.holder_name for r in report.rows} & set(names)
    assert [r.holder_name for r in report.lapsed] == names
    assert sum(d.lapsed for d in report.districts) == len(overdue)
    assert sum(d.reports for d in report.districts) == len(report.rows)
    rendered = report.rendered()
    lapsing_table, lapsed_table = rendered.tables[1], rendered.tables[2]
    assert "已失效" not in {row[1] for row in lapsing_table.rows}
    assert [row[1] for row in lapsed_table.rows] == ["已失效"] * len(overdue)
    assert dict(rendered.facts)["已失效 (期限已过)"] == f"{len(overdue)} 件"
    csv = render_csv(report).decode("utf-8-sig")
    assert "已逾期" not in csv and csv.count("已失效") == len(overdue)


def test_L2_report_stops_listing_a_report_the_moment_its_deadline_passes(
    engine: Engine, seeded: Seeded
) -> None:
    first = min(
        r["deadline_at"] for r in seeded.loss if r["state"] == "open" and r["deadline_at"] > NOW
    )
    with read_only_connection(engine) as conn:
        before = build(conn, LapsingRequest(days=2), now=first - dt.timedelta(seconds=1))
        after = build(conn, LapsingRequest(days=2), now=first)
    assert isinstance(before, LapsingReport) and isinstance(after, LapsingReport)
    assert first in [r.deadline_at for r in before.rows]
    assert first not in [r.deadline_at for r in after.rows]
    assert first in [r.deadline_at for r in after.lapsed]
