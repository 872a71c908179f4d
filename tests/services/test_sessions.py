"""Holder sessions (RULES Q1, Q7, P6) with the real card client over the emulator."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from counter_app.models import AuditEvent, HolderSessionRow
from counter_app.services import card_sessions, sessions
from counter_app.services.context import ServiceContext
from counter_app.services.errors import (
    CardApplicationBlocked,
    CardCancelled,
    CardNotFound,
    CardReplaced,
    IdDocumentMismatch,
    NotPermitted,
    PinBlockedOfferReset,
    ReasonRequired,
    SessionEnded,
    SessionRequired,
)
from counter_app.services.idcheck import IdDocumentKind, SessionVia
from reader.errors import WrongPin
from reader.pinbuffer import PinBuffer
from tests.id_documents import manual_doc
from tests.services.conftest import actor_for, card_for, holder_id_of

CLERK = "YB500103-01"


def _pin(text: str) -> PinBuffer:
    return PinBuffer.from_keys(text.encode())


def _events(ctx: ServiceContext, action: str) -> list[AuditEvent]:
    with ctx.uow() as uow:
        events = list(
            uow.session.scalars(
                select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)
            )
        )
        uow.session.expunge_all()
        return events


def test_Q1_card_and_pin_open_a_session(ctx: ServiceContext) -> None:
    actor = actor_for(ctx, CLERK)
    client, _t, _c = card_for(ctx, "active_changed_pin")
    assert card_sessions.card_tries_left(client) == 3
    pin = _pin("135790")
    session = card_sessions.open_card_session(ctx, actor, client, pin)
    assert len(pin) == 0  # the buffer was wiped
    assert session.via is SessionVia.CARD_PIN
    assert session.holder_id == holder_id_of(ctx, "active_changed_pin")
    assert session.card_number == "A12504057"
    sessions.require_open(ctx, session, actor)
    [event] = _events(ctx, "session.open")
    assert event.holder_id == session.holder_id and event.outcome == "success"


def test_Q1_wrong_pin_reports_tries_left(ctx: ServiceContext) -> None:
    actor = actor_for(ctx, CLERK)
    client, _t, card = card_for(ctx, "active_changed_pin")
    with pytest.raises(WrongPin) as info:
        card_sessions.open_card_session(ctx, actor, client, _pin("111111"))
    assert info.value.tries_left == 2
    assert card.pin_tries_left == 2  # exactly one try spent: never retried
    assert card_sessions.card_tries_left(client) == 2
    [event] = _events(ctx, "session.open")
    assert event.outcome == "failed" and event.details == {
        "via": "card_pin",
        "refusal": "wrong_pin",
        "tries_left": 2,
    }
    assert "111111" not in str(event.details)
    with ctx.uow() as uow:
        assert uow.session.scalars(select(HolderSessionRow)).first() is None


def test_P6_blocked_pin_offers_unblock_or_reset(ctx: ServiceContext) -> None:
    actor = actor_for(ctx, CLERK)
    client, _t, card = card_for(ctx, "pin_blocked")
    with pytest.raises(PinBlockedOfferReset) as info:
        card_sessions.open_card_session(ctx, actor, client, _pin("123456"))
    assert "解锁" in str(info.value) and "重置" in str(info.value)
    assert card.pin_tries_left == 0


def test_Q1_app_blocked_card_is_refused_with_advice(ctx: ServiceContext) -> None:
    client, _t, _c = card_for(ctx, "app_blocked")
    with pytest.raises(CardApplicationBlocked):
        card_sessions.open_card_session(ctx, actor_for(ctx, CLERK), client, _pin("123456"))


def test_Q1_a_cancelled_card_is_refused_before_any_pin_try(ctx: ServiceContext) -> None:
    """孙建军's card was cancelled when he died: it identifies nobody any more. It is refused
    before the PIN is sent (no try spent, the buffer wiped), and the refusal is audited."""
    client, _t, card = card_for(ctx, "work_death")
    pin = _pin("123456")
    with pytest.raises(CardCancelled) as info:
        card_sessions.open_card_session(ctx, actor_for(ctx, CLERK), client, pin)
    assert "已注销" in str(info.value)
    assert card.pin_tries_left == 3 and len(pin) == 0
    [event] = _events(ctx, "session.open.refused")
    assert event.card_id is not None and event.holder_id == holder_id_of(ctx, "work_death")
    with ctx.uow() as uow:
        assert uow.session.scalars(select(HolderSessionRow)).first() is None
    with pytest.raises(CardCancelled):  # the city's two steps refuse it too
        card_sessions.check_card_for_session(ctx, actor_for(ctx, CLERK), client.read_identity())


def test_R2_U4_a_replaced_card_is_void_and_refused_before_any_pin_try(
    ctx: ServiceContext,
) -> None:
    """杨丽 applied for a replacement: her old card is void for good (U4) and no longer opens
    her records by card and PIN; the refusal is audited, no PIN try spent."""
    client, _t, card = card_for(ctx, "replacement_applied")
    with pytest.raises(CardReplaced) as info:
        card_sessions.open_card_session(ctx, actor_for(ctx, CLERK), client, _pin("123456"))
    assert "补卡" in str(info.value) and "作废" in str(info.value)
    assert card.pin_tries_left == 3
    [event] = _events(ctx, "session.open.refused")
    assert event.holder_id == holder_id_of(ctx, "replacement_applied")


def test_Q1_card_must_match_database_row(ctx: ServiceContext) -> None:
    client, _t, card = card_for(ctx, "active_changed_pin")
    forged = card.to_profile() | {"card_number": "A12424866"}  # another holder's number
    from reader.client import SocialSecurityCardClient
    from reader.emulator.card import EmulatedCard
    from reader.emulator.inprocess import InProcessTransport

    other = SocialSecurityCardClient(InProcessTransport(EmulatedCard(forged)))
    with pytest.raises(CardNotFound):
        card_sessions.open_card_session(ctx, actor_for(ctx, CLERK), other, _pin("135790"))
    assert forged["pin_tries_left"] == 3  # no PIN try spent on an unknown card


def test_Q1_card_session_ends_when_card_leaves(ctx: ServiceContext) -> None:
    actor = actor_for(ctx, CLERK)
    client, transport, _c = card_for(ctx, "active_default_pin")
    session = card_sessions.open_card_session(ctx, actor, client, _pin("123456"))
    transport.remove()
    sessions.card_removed(ctx, session)
    with pytest.raises(SessionEnded):
        sessions.require_open(ctx, session, actor)
    summary = sessions.end_session(ctx, actor, session)  # still gives the slip
    assert summary.end_reason == "card_removed"


def test_Q7_id_document_session_records_reason(ctx: ServiceContext) -> None:
    actor = actor_for(ctx, CLERK)
    holder_id = holder_id_of(ctx, "active_default_pin")
    doc = manual_doc("500103 19680315 0310", IdDocumentKind.HOUSEHOLD_REGISTER)
    session = sessions.open_id_session(ctx, actor, holder_id, doc, "持卡人未带卡，查询养老金")
    assert session.via is SessionVia.ID_DOCUMENT
    assert session.card_number == "A12424866"
    [event] = _events(ctx, "session.open")
    assert event.reason == "持卡人未带卡，查询养老金"
    assert event.details == {
        "session_id": session.session_id,
        "via": "id_document",
        "document_kind": "household_register",
        "id_check": "manual",
        "manual_reason": "no_chip",
    }
    assert "500103196803150310" not in repr(doc)


def test_Q7_id_document_must_match_holder(ctx: ServiceContext) -> None:
    actor = actor_for(ctx, CLERK)
    holder_id = holder_id_of(ctx, "active_default_pin")
    other = manual_doc("500106197508220420")
    with pytest.raises(IdDocumentMismatch):
        sessions.open_id_session(ctx, actor, holder_id, other, "查询")
    own = manual_doc("500103196803150310")
    with pytest.raises(ReasonRequired):
        sessions.open_id_session(ctx, actor, holder_id, own, "  ")
    refusals = _events(ctx, "session.open.refused")
    assert [e.outcome for e in refusals] == ["refused", "refused"]


def test_S3_admin_cannot_open_holder_sessions(ctx: ServiceContext) -> None:
    admin = actor_for(ctx, "KZX500000-05")
    own = manual_doc("500103196803150310")
    with pytest.raises(NotPermitted):
        sessions.open_id_session(ctx, admin, 1, own, "查询")
    assert _events(ctx, "view_records.refused")


def test_Q7_end_session_gives_access_slip_data(ctx: ServiceContext) -> None:
    from counter_app.services import records

    actor = actor_for(ctx, CLERK)
    client, _t, _c = card_for(ctx, "retired")
    session = card_sessions.open_card_session(ctx, actor, client, _pin("123456"))
    records.category(ctx, actor, session, records.Category.PENSION)
    records.category(ctx, actor, session, records.Category.MEDICAL)
    records.category(ctx, actor, session, records.Category.PENSION)
    summary = sessions.end_session(ctx, actor, session)
    assert summary.categories == ("pension", "medical")
    assert summary.category_labels == ("养老保险", "医疗保险")
    assert summary.staff_no == CLERK and summary.office_code == "500103-YB"
    assert summary.masked_ssn.startswith("500") and "*" in summary.masked_ssn
    assert summary.identified_by == "社保卡+密码"
    assert summary.closed_at >= summary.opened_at
    with pytest.raises(SessionEnded):
        records.category(ctx, actor, session, records.Category.PENSION)


def test_Q7_session_belongs_to_its_clerk(ctx: ServiceContext) -> None:
    from counter_app.services import records

    client, _t, _c = card_for(ctx, "active_changed_pin")
    session = card_sessions.open_card_session(ctx, actor_for(ctx, CLERK), client, _pin("135790"))
    with pytest.raises(SessionRequired):
        records.overview(ctx, actor_for(ctx, "YB500103-02"), session)


def test_Q7_the_access_slip_says_how_the_id_card_was_checked(ctx: ServiceContext) -> None:
    """A clerk's trial: the slip said 身份核验：居民身份证 for a number typed by hand because
    the chip could not be read. It now says how the document was checked."""
    from counter_app.services.idcheck import IdDocument, IdDocumentKind, ManualReason

    actor = actor_for(ctx, CLERK)
    ssn = "500103196803150310"
    typed = IdDocument(IdDocumentKind.RESIDENT_ID, ssn, manual_reason=ManualReason.CHIP_UNREADABLE)
    holder = holder_id_of(ctx, "active_default_pin")
    session = sessions.open_id_session(ctx, actor, holder, typed, "持卡人来窗口查询")
    summary = sessions.end_session(ctx, actor, session)
    assert summary.identified_by == "居民身份证，人工录入（证件芯片无法读取）"
