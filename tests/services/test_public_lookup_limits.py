"""RULES Q5, Q6 over the typed interface: a caller (a remote workstation) chooses how many
catalogue rows and months it gets, within bounds — never the whole table, never a
negative LIMIT (SQLite reads LIMIT -1 as no limit at all)."""

from __future__ import annotations

from sqlalchemy import func, select

from counter_app.models import ContributionRecord, Employer
from counter_app.services import records
from counter_app.services.context import ServiceContext
from counter_app.services.queries.public import EmployerMonth
from counter_app.services.records import MAX_CATALOGUE_ROWS
from tests.services.conftest import actor_for

CLERK = "YB500103-01"


def test_Q6_catalogue_rows_as_asked_within_bounds(ctx: ServiceContext) -> None:
    # "A" matches many drugs (codes and pinyin initials): more than one row to cut.
    assert len(records.search_drugs(ctx, "A", 3)) == 3
    assert len(records.search_drugs(ctx, "A", -1)) == 1
    assert len(records.search_drugs(ctx, "A", 0)) == 1
    assert len(records.search_treatments(ctx, "检查", -5)) == 1
    assert len(records.search_drugs(ctx, "A", 10**9)) <= MAX_CATALOGUE_ROWS


def _last_month(m: EmployerMonth) -> int:
    year, month = (int(x) for x in m.period.split("-"))
    return year * 12 + month - 1 + m.months - 1


def test_Q5_employer_months_within_bounds(ctx: ServiceContext) -> None:
    """The periods shown are those reaching into the employer's last ``months`` months
    (the demo pays a year per record: 13 months reach into the year before), each period
    whole; ``months`` is held to 1..120."""
    with ctx.uow() as uow:
        unit, months = uow.session.execute(
            select(Employer.unit_number, func.count(func.distinct(ContributionRecord.period)))
            .join(ContributionRecord, ContributionRecord.employer_id == Employer.id)
            .where(ContributionRecord.insurance == "medical")
            .group_by(Employer.unit_number)
            .order_by(func.count(func.distinct(ContributionRecord.period)).desc())
            .limit(1)
        ).one()
    assert months > 2
    actor = actor_for(ctx, CLERK)

    def shown(window: int) -> tuple[EmployerMonth, ...]:
        return records.employer_contributions(ctx, actor, unit, window).months

    every = shown(10**6)  # held to 120 months
    newest = max(_last_month(m) for m in every)
    assert len(shown(13)) >= 2  # more than one period: the window below cuts something
    for window in (1, 2, 3, 12, 13, 25, 120):
        assert shown(window) == tuple(m for m in every if _last_month(m) > newest - window)
    assert shown(-1) == shown(1) and shown(0) == shown(1)
