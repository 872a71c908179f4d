"""RULES Q7: staff see a holder's records only with the holder present and identified — a
holder recorded as deceased (the demo's 孙建军, a work death) cannot be present, so an ID
document shown in their name opens nothing: a typed refusal naming the date of death the
records hold, audited as a refused session opening. The same for a card session whose card
was not cancelled yet, for lifting a loss report (U2/U5: holder and card in person) and
for a replacement application (R1).
On SQLite and PostgreSQL."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select, update

from counter_app.demo.accounts import fixed_holder
from counter_app.models import AuditEvent, Card, DeathCase, Holder, HolderSessionRow
from counter_app.services import card_sessions, lifting, replacement, sessions
from counter_app.services.context import ServiceContext
from counter_app.services.errors import HolderDeceased
from reader.client import SocialSecurityCardClient
from reader.pinbuffer import PinBuffer
from tests.id_documents import manual_doc
from tests.services.conftest import actor_for, card_for, holder_id_of

CLERK = "YB500103-01"
DECEASED = fixed_holder("work_death")  # 孙建军


def _refusals(ctx: ServiceContext, action: str) -> list[AuditEvent]:
    with ctx.uow() as uow:
        rows = list(
            uow.session.scalars(
                select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)
            )
        )
        uow.session.expunge_all()
        return rows


def _sessions_of(ctx: ServiceContext, holder_id: int) -> int:
    with ctx.uow() as uow:
        return int(
            uow.session.scalar(
                select(func.count())
                .select_from(HolderSessionRow)
                .where(HolderSessionRow.holder_id == holder_id)
            )
            or 0
        )


def _mark_deceased(ctx: ServiceContext, key: str) -> int:
    holder_id = holder_id_of(ctx, key)
    with ctx.uow() as uow:
        uow.session.execute(update(Holder).where(Holder.id == holder_id).values(status="deceased"))
        uow.commit()
    return holder_id


def test_Q7_a_deceased_holder_cannot_be_identified_by_an_id_document(
    ctx: ServiceContext,
) -> None:
    actor = actor_for(ctx, CLERK)
    holder_id = holder_id_of(ctx, "work_death")
    with ctx.uow() as uow:
        died = uow.session.scalars(
            select(DeathCase.death_date).where(DeathCase.holder_id == holder_id)
        ).one()
    with pytest.raises(HolderDeceased) as refused:
        sessions.open_id_session(
            ctx, actor, holder_id, manual_doc(DECEASED.ssn), "持卡人本人到窗口查询"
        )
    text = str(refused.value)
    assert f"已于{died.year}年{died.month:02d}月{died.day:02d}日死亡" in text
    assert "不能以本人名义查询或办理业务" in text
    assert DECEASED.ssn not in text
    assert _sessions_of(ctx, holder_id) == 0  # nothing opened, no case
    [event] = _refusals(ctx, "session.open.refused")
    assert (event.outcome, event.holder_id, event.staff_id) == (
        "refused",
        holder_id,
        actor.staff_id,
    )
    assert event.details["refusal"] == "holder_deceased"
    assert event.details["via"] == "id_document"
    assert event.reason == text


def test_Q7_without_a_recorded_date_the_refusal_says_deceased_only(ctx: ServiceContext) -> None:
    key = "active_default_pin"
    holder_id = _mark_deceased(ctx, key)
    with pytest.raises(HolderDeceased) as refused:
        sessions.open_id_session(
            ctx, actor_for(ctx, CLERK), holder_id, manual_doc(fixed_holder(key).ssn), "查询"
        )
    assert "系统记载该参保人已死亡" in str(refused.value)
    assert refused.value.died_on is None


def test_Q7_a_living_holder_is_still_identified_by_an_id_document(ctx: ServiceContext) -> None:
    """The refusal is about the status, not the document: the same call for a living
    holder opens the session (the rule could not pass by refusing everyone)."""
    key = "active_default_pin"
    session = sessions.open_id_session(
        ctx,
        actor_for(ctx, CLERK),
        holder_id_of(ctx, key),
        manual_doc(fixed_holder(key).ssn),
        "持卡人本人到窗口查询",
    )
    assert session.holder_id == holder_id_of(ctx, key)


def test_Q7_a_deceased_holders_card_not_yet_cancelled_opens_no_card_session(
    ctx: ServiceContext,
) -> None:
    key = "active_changed_pin"
    holder_id = _mark_deceased(ctx, key)
    client, _t, card = card_for(ctx, key)
    with pytest.raises(HolderDeceased):
        card_sessions.open_card_session(
            ctx, actor_for(ctx, CLERK), client, PinBuffer.from_keys(b"135790")
        )
    assert card.to_profile()["pin_tries_left"] == 3  # refused before the PIN was sent
    assert _sessions_of(ctx, holder_id) == 0
    [event] = _refusals(ctx, "session.open.refused")
    assert event.details["refusal"] == "holder_deceased" and event.details["via"] == "card_pin"


def test_Q7_U2_a_deceased_holders_lost_card_is_not_lifted(ctx: ServiceContext) -> None:
    key = "written_lost"  # 陈明, 江北区
    _mark_deceased(ctx, key)
    h = fixed_holder(key)
    actor = actor_for(ctx, "YB500105-01")
    _t, transport, _c = card_for(ctx, key)
    client = SocialSecurityCardClient(transport)
    checklist = lifting.check_lift(ctx, actor, client.read_identity(), manual_doc(h.ssn))
    assert isinstance(checklist.refusal, HolderDeceased)
    assert [c.label for c in checklist.lines if c.passed is False] == ["持卡人本人"]
    with pytest.raises(HolderDeceased):
        lifting.lift_loss_report(
            ctx,
            actor,
            client,
            PinBuffer.from_keys(h.pin.encode()),
            manual_doc(h.ssn),
            None,
            uuid.uuid4().hex,
        )
    with ctx.uow() as uow:
        state = uow.session.scalars(
            select(Card.state).where(Card.card_number == h.card_number)
        ).one()
    assert state == "lost"


def test_Q7_R1_no_replacement_is_applied_for_in_a_deceased_holders_name(
    ctx: ServiceContext,
) -> None:
    key = "phone_lost"  # 张伟: a phone report in force, so a living holder could apply
    holder_id = _mark_deceased(ctx, key)
    with pytest.raises(HolderDeceased):
        replacement.apply_replacement(
            ctx,
            actor_for(ctx, CLERK),
            holder_id,
            manual_doc(fixed_holder(key).ssn),
            uuid.uuid4().hex,
        )
    with ctx.uow() as uow:
        state = uow.session.scalars(
            select(Card.state).where(Card.card_number == fixed_holder(key).card_number)
        ).one()
    assert state == "phone_reported_lost"  # unchanged
    [event] = _refusals(ctx, "card.replacement.refused")
    assert event.details["refusal"] == "holder_deceased" and event.holder_id == holder_id
