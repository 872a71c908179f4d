"""The demo's retiree reads like one (RULES C2 退休, Q4): 周国华 no longer contributes to
养老保险 after retiring (a trial read 参保缴费 至今 beside his 养老金发放记录), and his
medical insurance account (医疗卡余额) moves as an account does — a transfer in every month,
payments of different sizes, a balance carried — not the same ¥101 paid in and spent again
each month. Only demo data: the services decide nothing from these figures."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import text

from counter_app.services import records, sessions
from counter_app.services.context import ServiceContext
from counter_app.services.queries.category import Category
from counter_app.services.queries.insurance import (
    RETIREE_MEDICAL,
    RETIREE_PENSION,
    participation_status,
)
from forms.localtime import SHANGHAI
from tests.id_documents import manual_doc
from tests.services.conftest import AS_OF, actor_for, holder_id_of

CLERK = "YB500103-01"
RETIRED_SSN = "500101195509010192"  # 周国华, retired 2015-09-01


def _views(ctx: ServiceContext) -> tuple[Any, ...]:
    actor = actor_for(ctx, CLERK)
    session = sessions.open_id_session(
        ctx, actor, holder_id_of(ctx, "retired"), manual_doc(RETIRED_SSN), "持卡人来窗口查询"
    )
    return tuple(
        records.category(ctx, actor, session, c)
        for c in (Category.SOCIAL_INSURANCE, Category.PENSION, Category.MEDICAL)
    )


def test_C2_retiree_pension_participation_ends_at_retirement(
    sqlite_ctx: ServiceContext,
) -> None:
    social, pension, medical = _views(sqlite_ctx)
    rows = {p.insurance: p for p in social.participations}
    retired_on = pension.retired_on
    assert retired_on == dt.date(2015, 9, 1)
    assert rows["pension"].status != "参保缴费"
    assert rows["pension"].until == retired_on - dt.timedelta(days=1)
    assert pension.payments  # his pension is paid all the same
    # Medical insurance stays in force (the account is credited every month).
    assert rows["medical"].until is None and medical.status
    # No contribution to any insurance for a month after retiring.
    with sqlite_ctx.uow() as uow:
        periods = uow.session.execute(
            text(
                "SELECT period, months FROM contribution_records WHERE holder_id = :h "
                "AND period / 100 = 2015"
            ),
            {"h": holder_id_of(sqlite_ctx, "retired")},
        ).all()
    assert periods and all(months <= retired_on.month - 1 for _, months in periods)


def test_C2_retired_employee_medical_reads_covered_without_contributions(
    sqlite_ctx: ServiceContext,
) -> None:
    """A trial read 参保缴费 on a retiree's 医疗保险 although his contributions ended at
    retirement: 职工医保 in force for a retiree reads 退休参保（免缴费）, on the 社会保险 list
    and on the 医疗保险 page; his ended 养老保险 keeps its own wording."""
    social, _, medical = _views(sqlite_ctx)
    rows = {p.insurance: p for p in social.participations}
    assert medical.scheme == "职工医保"
    assert rows["medical"].status == medical.status == RETIREE_MEDICAL
    # His 养老保险 ended at retirement and pays his pension: not 终止 as if it were gone.
    assert rows["pension"].status == RETIREE_PENSION


@pytest.mark.parametrize(
    ("status", "insurance", "scheme", "holder", "reads"),
    [
        ("active", "medical", "employee", "retired", RETIREE_MEDICAL),
        ("active", "medical", "employee", "employed", "参保缴费"),
        # The residents' scheme is paid every year at any age.
        ("active", "medical", "resident", "retired", "参保缴费"),
        ("active", "pension", "employee", "retired", "参保缴费"),
        ("terminated", "medical", "employee", "retired", "终止"),
        ("terminated", "pension", "employee", "retired", RETIREE_PENSION),
        ("terminated", "pension", "resident", "retired", RETIREE_PENSION),
        ("terminated", "pension", "employee", "unemployed", "终止"),
        ("suspended", "medical", "employee", "unemployed", "暂停缴费"),
    ],
)
def test_C2_participation_status_wording(
    status: str, insurance: str, scheme: str, holder: str, reads: str
) -> None:
    assert participation_status(status, insurance, scheme, holder) == reads


def test_Q4_every_demo_retiree_has_stopped_contributing_to_pension(
    sqlite_ctx: ServiceContext,
) -> None:
    with sqlite_ctx.uow() as uow:
        still_paying = uow.session.scalar(
            text(
                "SELECT COUNT(*) FROM insurance_participations p JOIN holders h "
                "ON h.id = p.holder_id WHERE h.status = 'retired' "
                "AND p.insurance = 'pension' AND p.status = 'active'"
            )
        )
    assert still_paying == 0


def test_Q4_retiree_medical_account_moves_plausibly(sqlite_ctx: ServiceContext) -> None:
    _, _, medical = _views(sqlite_ctx)
    txs = sorted(medical.transactions, key=lambda t: t.at)
    credits = [t for t in txs if t.kind == "划入"]
    payments = [t for t in txs if t.kind != "划入"]
    # A transfer in every one of the six calendar months before the demo's day.
    months = Counter(
        (t.at.astimezone(SHANGHAI).year, t.at.astimezone(SHANGHAI).month) for t in credits
    )
    first = AS_OF.year * 12 + AS_OF.month - 1
    assert set(months) == {((first - k) // 12, (first - k) % 12 + 1) for k in range(1, 7)}
    assert all(n == 1 for n in months.values())
    # Payments of different sizes, not the credit spent again; the balance carries over.
    monthly = credits[0].amount_yuan
    assert len(payments) >= 4
    assert len({p.amount_yuan for p in payments}) == len(payments)
    assert all(p.amount_yuan != -monthly for p in payments)
    assert all(t.balance_after_yuan > 0 for t in txs)
    assert medical.balance_yuan == txs[-1].balance_after_yuan > Decimal(0)
    # Visits and hospital stays are paid at a hospital or clinic, not a pharmacy.
    assert all(not p.institution.endswith("药房") for p in payments if p.kind != "药店购药")


def test_Q4_demo_medical_accounts_are_not_routinely_emptied(sqlite_ctx: ServiceContext) -> None:
    with sqlite_ctx.uow() as uow:
        balances = [
            b
            for (b,) in uow.session.execute(
                text(
                    "SELECT a.balance_fen FROM medical_accounts a JOIN holders h "
                    "ON h.id = a.holder_id WHERE h.status IN ('employed', 'retired') "
                    "AND EXISTS (SELECT 1 FROM medical_transactions t WHERE t.holder_id = h.id)"
                )
            )
        ]
    assert len(balances) >= 10
    assert sum(1 for b in balances if b == 0) <= len(balances) // 10


def test_demo_medical_movements_happen_in_opening_hours(sqlite_ctx: ServiceContext) -> None:
    """A trial read a 门诊 at 04:38 and a 划入 at 01:54: every demo movement of a medical
    account is between 08:00 and 20:00 in Chongqing, and none after the demo's day."""
    with sqlite_ctx.uow() as uow:
        times = [at for (at,) in uow.session.execute(text("SELECT at FROM medical_transactions"))]
    assert len(times) > 100
    for at in times:
        moment = at if isinstance(at, dt.datetime) else dt.datetime.fromisoformat(str(at))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        local = moment.astimezone(SHANGHAI)
        assert 8 <= local.hour < 20, local
        assert local.date() <= AS_OF
