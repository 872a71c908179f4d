"""RULES S2/S3: what a supervisor's report holds — checked on the ROWS of the reports, not on
the audit record. A district office's supervisor sees their own district only (a report
asked for the city is their own office's; another district's office or staff member is
refused, audited); the city card service center's supervisor sees the whole city; an admin
gets no report (the permission table). On SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from sqlalchemy import select

from counter_app.demo.accounts import fixed_holder
from counter_app.models import AuditEvent, Card, Holder, LossReport
from counter_app.services import reporting, search
from counter_app.services.context import ServiceContext
from counter_app.services.errors import NotPermitted
from reports.daily_rows import DailyReport
from reports.timeframe import shanghai_today as shanghai_day
from tests.services.conftest import actor_for
from tests.services.test_reporting import _districts, _phone_report

DISTRICT_BOSS = "YB500103-03"  # 渝中区医疗保险分中心, district 500103
CITY_BOSS = "KZX500000-04"  # 重庆市社会保障卡服务中心
ADMIN = "KZX500000-05"
#: Who searches (one audited holder.search each): two offices of 500103, one of 500105.
SEARCHERS = {"YB500103-01": 2, "CK500103-01": 3, "YB500105-01": 4}


def _searches(ctx: ServiceContext) -> None:
    ssn = fixed_holder("active_default_pin").ssn
    for staff_no, times in SEARCHERS.items():
        for _ in range(times):
            search.find_holders(ctx, actor_for(ctx, staff_no), ssn)


def _daily(ctx: ServiceContext, boss: str, **kw: str) -> DailyReport:
    day = shanghai_day(ctx.now())
    report = reporting.build_report(
        ctx, actor_for(ctx, boss), reporting.DailyRequest(day, **kw), "csv"
    )
    assert isinstance(report, DailyReport)
    return report


def test_S3_district_supervisor_daily_report_rows_are_their_own_office(
    ctx: ServiceContext,
) -> None:
    _searches(ctx)
    own = _daily(ctx, DISTRICT_BOSS)
    assert own.office is not None and own.office.code == "500103-YB"
    assert own.count("holder.search") == SEARCHERS["YB500103-01"]
    other_office_same_district = _daily(ctx, DISTRICT_BOSS, office_code="500103-CK01")
    assert other_office_same_district.count("holder.search") == SEARCHERS["CK500103-01"]
    city = _daily(ctx, CITY_BOSS)
    assert city.office is None
    assert city.count("holder.search") == sum(SEARCHERS.values())
    assert {"500103-YB", "500103-CK01", "500105-YB"} <= {o.code for o in city.by_office}


@pytest.mark.parametrize(
    "asked",
    [{"office_code": "500105-YB"}, {"office_code": "500000-KZX"}, {"staff_no": "YB500105-01"}],
)
def test_S3_district_supervisor_is_refused_another_district(
    ctx: ServiceContext, asked: dict[str, str]
) -> None:
    _searches(ctx)
    boss = actor_for(ctx, DISTRICT_BOSS)
    day = shanghai_day(ctx.now())
    for request in (
        reporting.DailyRequest(day, **asked),
        reporting.StaffRequest(day, day, **asked),
    ):
        with pytest.raises(NotPermitted, match="本区县"):
            reporting.produce_report(ctx, boss, request, "csv")
    with ctx.uow() as uow:
        actions = list(
            uow.session.scalars(
                select(AuditEvent.action).where(AuditEvent.staff_id == boss.staff_id)
            )
        )
    assert actions.count("view_reports.refused") == 2 and "report.produce" not in actions


def test_S3_lapsing_report_rows_district_for_district_supervisor_city_for_card_center(
    ctx: ServiceContext,
) -> None:
    _phone_report(ctx, "active_default_pin", days_left=3)  # a holder of 500103
    with ctx.uow() as uow:  # and one of another district
        other = uow.session.scalars(
            select(Holder.id)
            .join(Card, Card.holder_id == Holder.id)
            .where(Holder.household_district != "500103", Card.state == "active")
            .order_by(Holder.id)
        ).first()
        district = uow.session.get(Holder, other).household_district
    with ctx.uow() as uow:
        card = uow.session.scalars(
            select(Card).where(Card.holder_id == other, Card.state == "active")
        ).one()
        now = ctx.now()
        card.state = "phone_reported_lost"
        uow.session.add(
            LossReport(
                card_id=card.id,
                holder_id=other,
                channel="phone",
                kind="temporary",
                state="open",
                reported_at=now,
                deadline_at=now + dt.timedelta(days=2),
            )
        )
        uow.commit()
    boss = actor_for(ctx, DISTRICT_BOSS)
    rows = _districts(reporting.produce_report(ctx, boss, reporting.LapsingRequest(30), "csv"))
    assert rows and set(rows) == {"500103"}
    city = _districts(
        reporting.produce_report(
            ctx, actor_for(ctx, CITY_BOSS), reporting.LapsingRequest(30), "csv"
        )
    )
    assert {"500103", district} <= set(city)


def test_S3_admin_gets_no_report(ctx: ServiceContext) -> None:
    with pytest.raises(NotPermitted):
        reporting.produce_report(
            ctx, actor_for(ctx, ADMIN), reporting.DailyRequest(shanghai_day(ctx.now())), "csv"
        )


def test_S3_daily_csv_of_district_supervisor_names_own_office(ctx: ServiceContext) -> None:
    day = shanghai_day(ctx.now())
    data = reporting.produce_report(
        ctx, actor_for(ctx, DISTRICT_BOSS), reporting.DailyRequest(day), "csv"
    )
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    scope = [r[-1] for r in rows if r[:2] == ["报表", "范围"]]
    assert scope and "500103-YB" in scope[0]
