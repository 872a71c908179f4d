"""Contribution records of one insurance and the months they add up to (RULES C4, Q3, Q4):
the one piece every insurance's page and the 社会保险 overview use.

``累计缴费月数`` and ``连续缴费月数`` are counted from the records, never taken from a stored
figure that can disagree with them (a clerk's trial read 参保缴费 / 连续缴费 236个月 beside
11 months of medical arrears, for a participation since 2007-11 — 229 months to 2026-11):

- The records on file begin with the recent years; the months from 参保日期 to the first
  record are counted as paid (the archive sums older years into the participation).
- 累计: those months plus every paid month on record; a month in arrears (欠缴) is not paid.
- 连续: counted back from the last month on record, up to the first month unpaid or not on
  record (a gap between records). Arrears in the latest months make it 0 until they are
  paid. A participation no longer in force (终止, 暂停缴费) has none.

Each function runs the statements noted in its docstring, as many for any holder.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import BindParameter, Table, bindparam, select

from counter_app.models.employer import Employer
from counter_app.models.holder import Holder
from counter_app.models.insurance import ContributionRecord, Participation
from counter_app.services import precompiled
from counter_app.services.precompiled import Db
from counter_app.services.queries.labels import word
from counter_app.services.queries.money import period_text, yuan

#: Contribution records listed at most per insurance (the months count them all).
HISTORY_ROWS = 60
CONTRIBUTION_STATUSES = {"paid": "已缴", "arrears": "欠缴"}


@dataclass(frozen=True)
class ContributionRow:
    period: str
    employer: str
    months: int
    #: None where the contribution has none: a resident's (城乡居民) flat yearly amount has
    #: no 缴费基数, a contribution without an employer no 单位缴纳.
    base_yuan: Decimal | None
    employer_yuan: Decimal | None
    personal_yuan: Decimal | None
    status: str
    paid_on: dt.date | None


@dataclass(frozen=True)
class ContributionMonths:
    """累计缴费月数, 连续缴费月数 and the months in arrears (欠缴), from the records."""

    total: int
    continuous: int
    arrears: int


NO_MONTHS = ContributionMonths(0, 0, 0)


@dataclass(frozen=True)
class Span:
    """The months one record covers and whether they were paid."""

    first: int  # months since year 0: year * 12 + month - 1
    months: int
    paid: bool

    @property
    def after(self) -> int:
        """The month after the last one covered."""
        return self.first + self.months


def month_number(period: int) -> int:
    """``202603`` (YYYYMM) → months since year 0."""
    return (period // 100) * 12 + period % 100 - 1


def count_months(
    spans: Iterable[Span], since: dt.date | None, in_force: bool
) -> ContributionMonths:
    """The three figures of one participation (see the module's docstring)."""
    ordered = sorted(spans, key=lambda s: s.first)
    if not ordered:
        return NO_MONTHS
    before = 0
    if since is not None:
        before = max(0, ordered[0].first - (since.year * 12 + since.month - 1))
    paid = sum(s.months for s in ordered if s.paid)
    arrears = sum(s.months for s in ordered if not s.paid)
    continuous = 0
    if in_force:
        start: int | None = None
        for span in reversed(ordered):
            if not span.paid or (start is not None and span.after != start):
                break
            continuous += span.months
            start = span.first
        else:
            continuous += before
    return ContributionMonths(before + paid, continuous, arrears)


def _t(model: Any) -> Table:
    table: Table = model.__table__
    return table


_contrib, _emp, _part = _t(ContributionRecord), _t(Employer), _t(Participation)
_holders = _t(Holder)
_HID: BindParameter[int] = bindparam("holder_id")

#: Every record of every insurance, newest first within each: what the rows shown and the
#: months counted both come from — one statement for all of a holder's pages (shared
#: within a full overview: ``precompiled.SHARED_READS``).
_RECORDS = (
    select(*_contrib.c, _emp.c.name.label("employer_name"))
    .outerjoin(_emp, _emp.c.id == _contrib.c.employer_id)
    .where(_contrib.c.holder_id == _HID)
    .order_by(_contrib.c.insurance, _contrib.c.period.desc())
)
#: Every participation, oldest first within each insurance (its employer and the holder's
#: status with it): the pages' participation rows and each insurance's latest.
PARTICIPATIONS = (
    select(*_part.c, _emp.c.name.label("employer_name"), _holders.c.status.label("holder_status"))
    .join(_holders, _holders.c.id == _part.c.holder_id)
    .outerjoin(_emp, _emp.c.id == _part.c.employer_id)
    .where(_part.c.holder_id == _HID)
    .order_by(_part.c.insurance, _part.c.since)
)


def _records_by_insurance(db: Db, holder_id: int) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    for r in precompiled.of(_RECORDS).rows(db, {"holder_id": holder_id}):
        found.setdefault(r.insurance, []).append(r)
    return found


def participation_rows(db: Db, holder_id: int) -> list[Any]:
    """Every participation of the holder (1 statement)."""
    return precompiled.of(PARTICIPATIONS).rows(db, {"holder_id": holder_id})


def latest_participation(db: Db, holder_id: int, insurance: str) -> Any | None:
    """``insurance``'s participation that began last, or None (1 statement, the same as
    :func:`participation_rows`)."""
    mine = [p for p in participation_rows(db, holder_id) if p.insurance == insurance]
    return mine[-1] if mine else None


def spans_by_insurance(db: Db, holder_id: int) -> dict[str, list[Span]]:
    """The months on record of each insurance of the holder (1 statement)."""
    return {
        insurance: [Span(month_number(r.period), r.months, r.status == "paid") for r in rows]
        for insurance, rows in _records_by_insurance(db, holder_id).items()
    }


def _amount(fen: int | None, shown: bool) -> Decimal | None:
    return yuan(fen) if shown else None


def records(db: Db, holder_id: int, insurance: str) -> tuple[ContributionRow, ...]:
    """The latest :data:`HISTORY_ROWS` records of one insurance, newest first (1 statement,
    the same as :func:`spans_by_insurance`)."""
    found = _records_by_insurance(db, holder_id).get(insurance, [])
    return tuple(
        ContributionRow(
            period_text(c.period),
            c.employer_name or "",
            c.months,
            _amount(c.base_fen, bool(c.base_fen)),
            _amount(c.employer_fen, c.employer_id is not None or bool(c.employer_fen)),
            yuan(c.personal_fen),
            word(CONTRIBUTION_STATUSES, c.status, "缴费状态"),
            c.paid_on,
        )
        for c in found[:HISTORY_ROWS]
    )


@dataclass(frozen=True)
class Contributions:
    """One insurance's records (newest first) and the months they add up to."""

    rows: tuple[ContributionRow, ...]
    months: ContributionMonths


#: No records and no months (a view made without them).
NO_CONTRIBUTIONS = Contributions((), NO_MONTHS)


def contributions(
    db: Db, holder_id: int, insurance: str, participation: Any | None
) -> Contributions:
    """``insurance``'s records and figures; ``participation`` is its row (``since`` and
    ``status``), or None (1 statement)."""
    spans = spans_by_insurance(db, holder_id).get(insurance, [])
    return Contributions(records(db, holder_id, insurance), months_of(participation, spans))


def months_of(participation: Any | None, spans: Sequence[Span]) -> ContributionMonths:
    """The figures of one participation row (``since``, ``status``) over its spans."""
    if participation is None:
        return count_months(spans, None, in_force=False)
    in_force = participation.status == "active"
    return count_months(spans, participation.since, in_force)


def insurance_contributions(db: Db, holder_id: int, insurance: str) -> Contributions:
    """As :func:`contributions`, reading the participation too (2 statements): for a page
    that shows nothing else of it (生育保险, 工伤)."""
    return contributions(db, holder_id, insurance, latest_participation(db, holder_id, insurance))
