"""A past day of the demo city reports what its cases did (RULES E1, Q2): the cases seeded
for the weeks before ``as_of`` are audited as the services audit them — each record
category viewed is a 查询记录 of the day's 业务量 — so a demo 业务日报 no longer counts
办理人次 and 好差评 beside 业务量 0 (a new clerk's trial). The seeded events go through the
real audit append: every chain verifies. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from counter_app import db
from counter_app.demo.cases import VIEWS
from counter_app.demo.generate import fill_demo
from counter_app.models import Office
from counter_app.models.case import ServiceCase
from counter_app.services.audit_verify import verify_chain
from reports import actions
from reports.daily_rows import DailyReport
from reports.runner import DailyRequest, build, read_only_connection

AS_OF = dt.date(2025, 3, 10)


@pytest.fixture
def demo_engine(migrated_url: str):  # type: ignore[no-untyped-def]
    engine = db.create_engine_for(migrated_url)
    fill_demo(engine, holders=120, seed=5, as_of=AS_OF, service_cases=True)
    yield engine
    engine.dispose()


def test_E1_a_demo_past_days_business_volume_matches_its_cases(demo_engine) -> None:  # type: ignore[no-untyped-def]
    with demo_engine.connect() as conn:
        cases = conn.execute(
            select(ServiceCase.day, ServiceCase.office_id, ServiceCase.items)
        ).all()
        codes = dict(conn.execute(select(Office.id, Office.code)).all())
    assert cases  # the demo has past cases to report on
    day = max(c.day for c in cases)
    office_id = Counter(c.office_id for c in cases if c.day == day).most_common(1)[0][0]
    views: Counter[str] = Counter()
    for c in cases:
        if c.day == day and c.office_id == office_id:
            items = c.items if isinstance(c.items, dict) else json.loads(c.items)
            views.update(VIEWS[label] for label in items["categories"])
    assert sum(views.values()) > 0
    with read_only_connection(demo_engine) as conn:
        report = build(conn, DailyRequest(day, office_code=codes[office_id]))
    assert isinstance(report, DailyReport)
    shown = {
        op.category: op.success for op in report.operations if op.action == actions.RECORD_VIEW
    }
    assert {cat: n for cat, n in shown.items() if n} == dict(views)
    assert report.chain.last_seq is not None  # 当日最后审计事件 is not 无
    facts = dict(report.rendered().facts)
    assert facts["当日最后审计事件"] != "无"


def test_the_demo_cases_audit_trail_verifies(demo_engine) -> None:  # type: ignore[no-untyped-def]
    with Session(demo_engine) as session:
        result = verify_chain(session)
    assert result.ok, result.breaks
    assert result.count > 0
