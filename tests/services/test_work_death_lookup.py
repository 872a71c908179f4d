"""RULES Q5 工亡人员待遇 by the deceased's social security number, for the family at the
window (the holder cannot come, nobody can present their card or be identified as them):
the ID-number check, a reason (Q7: why, who asks), one audit event naming whose record, and
无记录 for a number without a work death — living or unknown alike (Q7: a living holder's
records need the holder). On SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from counter_app.demo.accounts import fixed_holder
from counter_app.models import AuditEvent, DeathCase, Holder, Staff, SurvivorBenefit
from counter_app.services import records
from counter_app.services.context import ServiceContext
from counter_app.services.errors import NotPermitted, ReasonRequired
from counter_app.services.records import WorkDeathReasonRequired
from counter_app.validation import ValidationError
from tests.services.conftest import actor_for

CLERK = "YB500103-01"
DECEASED = fixed_holder("work_death")  # 孙建军, 工亡, survivors with names
LIVING = fixed_holder("active_default_pin")  # 王建国, alive, no work death


def _events(ctx: ServiceContext, action: str) -> list[AuditEvent]:
    with ctx.uow() as uow:
        rows = list(
            uow.session.scalars(
                select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)
            )
        )
        uow.session.expunge_all()
    return rows


def test_Q5_work_death_benefits_by_the_deceased_number(ctx: ServiceContext) -> None:
    with ctx.uow() as uow:
        holder_id, case_no, grant_fen, lump_fen, case_id = uow.session.execute(
            select(
                Holder.id,
                DeathCase.case_no,
                DeathCase.funeral_grant_fen,
                DeathCase.lump_sum_fen,
                DeathCase.id,
            )
            .join(DeathCase, DeathCase.holder_id == Holder.id)
            .where(Holder.ssn == DECEASED.ssn)
        ).one()
        survivors = uow.session.execute(
            select(SurvivorBenefit.survivor_name, SurvivorBenefit.monthly_fen)
            .where(SurvivorBenefit.death_case_id == case_id)
            .order_by(SurvivorBenefit.id)
        ).all()
        clerk_id = uow.session.scalar(select(Staff.id).where(Staff.staff_no == CLERK))
    assert survivors  # the demo's work death has survivors with names
    typed = f" {DECEASED.ssn[:6]} {DECEASED.ssn[6:14]} {DECEASED.ssn[14:]} "  # as read out
    result = records.work_death_benefits(ctx, actor_for(ctx, CLERK), typed, " 家属查询（配偶） ")
    assert result.found and result.name == DECEASED.name
    assert result.ssn == DECEASED.ssn[:3] + "*" * 11 + DECEASED.ssn[-4:]
    death = result.death
    assert death.case_no == case_no
    assert (death.funeral_grant_yuan, death.lump_sum_yuan) == (
        Decimal(grant_fen) / 100,
        Decimal(lump_fen) / 100,
    )
    assert [(s.name, s.monthly_yuan) for s in death.survivors] == [
        (name, Decimal(fen) / 100) for name, fen in survivors
    ]
    [event] = _events(ctx, "work_death.view")
    # Q7: who, where, when, whose record, why — and not the number typed.
    assert (event.staff_id, event.workstation, event.holder_id) == (clerk_id, "WS-01", holder_id)
    assert event.reason == "家属查询（配偶）" and event.category == "death"
    assert event.outcome == "success" and event.at is not None
    assert event.details == {"found": True, "case_no": case_no}
    assert DECEASED.ssn not in str(event.details)


@pytest.mark.parametrize("number", [LIVING.ssn, "11010519491231002X"])
def test_Q7_a_number_without_a_work_death_answers_no_record(
    ctx: ServiceContext, number: str
) -> None:
    """A living holder's number and a number nobody has answer alike: no name, 无记录."""
    result = records.work_death_benefits(ctx, actor_for(ctx, CLERK), number.lower(), "家属查询")
    assert not result.found and result.name == ""
    assert result.death.case_no == "" and result.death.survivors == ()
    assert result.ssn == number[:3] + "*" * 11 + number[-4:]
    [event] = _events(ctx, "work_death.view")
    assert event.holder_id is None and event.details == {"found": False, "case_no": None}


@pytest.mark.parametrize("reason", ["", "   ", "家属\u202e查询", "家" * 101])
def test_Q7_work_death_lookup_needs_a_reason(ctx: ServiceContext, reason: str) -> None:
    with pytest.raises(WorkDeathReasonRequired) as refused:
        records.work_death_benefits(ctx, actor_for(ctx, CLERK), DECEASED.ssn, reason)
    assert isinstance(refused.value, ReasonRequired)
    assert "查询事由" in str(refused.value)
    assert _events(ctx, "work_death.view") == []  # nothing was shown
    [event] = _events(ctx, "work_death.view.refused")
    assert event.outcome == "refused" and event.holder_id is None


@pytest.mark.parametrize(
    ("number", "said"),
    [
        ("", "未输入身份证号码"),
        (DECEASED.ssn[:-1] + ("0" if DECEASED.ssn[-1] != "0" else "2"), "校验位"),
        (DECEASED.ssn[:17], "应为18位"),
        ("500110197808080591\u200b", "零宽字符"),
    ],
)
def test_Q5_a_wrong_number_gets_the_id_number_check_error(
    ctx: ServiceContext, number: str, said: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        records.work_death_benefits(ctx, actor_for(ctx, CLERK), number, "家属查询")
    assert said in str(refused.value)
    assert _events(ctx, "work_death.view") == []


def test_S3_staff_who_may_not_view_records_are_refused(ctx: ServiceContext) -> None:
    admin = actor_for(ctx, "KZX500000-05")
    with pytest.raises(NotPermitted):
        records.work_death_benefits(ctx, admin, DECEASED.ssn, "家属查询")
    assert _events(ctx, "work_death.view") == []
    assert _events(ctx, "view_records.refused")  # the permission refusal is audited
