"""RULES Q5, Q6 over the typed interface: a caller (a remote workstation) chooses how many
catalogue rows and months it gets, within bounds — never the whole table, never a
negative LIMIT (SQLite reads LIMIT -1 as no limit at all)."""

from __future__ import annotations

from sqlalchemy import func, select

from counter_app.models import ContributionRecord, Employer
from counter_app.services import records
from counter_app.services.context import ServiceContext
from counter_app.services.queries.public import EmployerContributions, EmployerMonth
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


def _first_month(m: EmployerMonth) -> int:
    year, month = (int(x) for x in m.period.split("-"))
    return year * 12 + month - 1


def test_Q5_employer_months_within_bounds(ctx: ServiceContext) -> None:
    """The periods shown are those wholly within the employer's last ``months`` months
    (the title 最近 12 个月 is what the rows cover: the demo pays a year per record, and a
    trial's 最近 12 个月 listed the year before too — 23 months); a period that begins
    before the window and ends in it is named apart (``partly_earlier``), each period
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

    def shown(window: int) -> EmployerContributions:
        return records.employer_contributions(ctx, actor, unit, window)

    every = shown(10**6).months  # held to 120 months
    newest = max(_last_month(m) for m in every)
    assert len(shown(13).months) >= 1 and shown(13).partly_earlier  # the window cuts a record
    for window in (1, 2, 3, 12, 13, 25, 120):
        view = shown(window)
        first = newest - window + 1
        assert view.months == tuple(m for m in every if _first_month(m) >= first)
        assert view.partly_earlier == tuple(
            m for m in every if _first_month(m) < first <= _last_month(m)
        )
        year, month = divmod(first, 12)
        assert view.first_month == f"{year:04d}-{month + 1:02d}"
        year, month = divmod(newest, 12)
        assert view.last_month == f"{year:04d}-{month + 1:02d}"
        for m in view.months:  # nothing outside the window the title names
            assert first <= _first_month(m) and _last_month(m) <= newest
    assert shown(-1) == shown(1) and shown(0) == shown(1)
