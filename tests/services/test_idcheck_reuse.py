"""RULES E1 with Q7: an ID card read once in a holder's service (one case) and offered
again to the next action (使用本次服务已核验的身份证) is checked again, and its audit event
says it reused the earlier read — the event that recorded that check and the event's time,
found by the service in its own trail; never a chip read time the service does not know —
instead of looking like a fresh chip read. The workstation's flag is a
typed field, not free text, and the service does not take it for more than it is: a typed
document is never a reuse, and a reuse with no recorded earlier read says so. On SQLite
and PostgreSQL; the flag travels to counter-server with the document."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from counter_app.demo.accounts import fixed_holder
from counter_app.models.audit import AuditEvent
from counter_app.remote.codec import decode, encode
from counter_app.services import pin_reset, service_password, sessions, written_reports
from counter_app.services.audit_canon import format_at
from counter_app.services.context import ServiceContext
from counter_app.services.idcheck import IdDocument
from reader.client import SocialSecurityCardClient
from reader.keys import TEST_KEYS, SoftwareKeyProvider
from reader.pinbuffer import PinBuffer
from tests.id_documents import manual_doc
from tests.services.conftest import (
    Clock,
    _dispose,
    actor_for,
    card_for,
    holder_id_of,
    make_ctx,
)
from tests.services.test_idcheck_rules import SAM, chip

CLERK = "YB500103-01"


@pytest.fixture
def keyed(demo_url: str) -> Iterator[ServiceContext]:
    context = make_ctx(demo_url, four_eyes=False)
    context.key_provider = SoftwareKeyProvider(TEST_KEYS)  # CARD.md test keys (mode test)
    yield context
    _dispose(context)


def _latest(ctx: ServiceContext, action: str) -> AuditEvent:
    with ctx.uow() as uow:
        row = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq.desc())
        ).first()
        assert row is not None, action
        uow.session.expunge(row)
        return row


def _at(event: AuditEvent) -> str:
    at = event.at if event.at.tzinfo else event.at.replace(tzinfo=dt.UTC)
    return format_at(at)


def _by_chip(ctx: ServiceContext, key: str) -> tuple[sessions.HolderSession, AuditEvent]:
    """The holder's service opened with their ID card's chip (the first read)."""
    session = sessions.open_id_session(
        ctx, actor_for(ctx, CLERK), holder_id_of(ctx, key), chip(key), "持卡人到窗口办理"
    )
    return session, _latest(ctx, "session.open")


def _reset_service_password(ctx: ServiceContext, session: Any, document: IdDocument) -> Any:
    return service_password.reset_service_password(ctx, actor_for(ctx, CLERK), session, document)


def test_E1_Q7_a_reused_id_card_names_the_earlier_read_in_the_audit(
    keyed: ServiceContext,
) -> None:
    ctx = keyed
    session, opened = _by_chip(ctx, "active_default_pin")
    again = dataclasses.replace(chip("active_default_pin"), reused=True)
    _reset_service_password(ctx, session, again)
    details = _latest(ctx, "password.service_password_reset").details
    assert details["id_check"] == "chip" and details["sam_id"] == SAM  # checked again
    assert details["id_reused"] == "same_case"
    assert details["reused_from"] == str(opened.seq)
    assert details["reused_event_at"] == _at(opened)
    assert fixed_holder("active_default_pin").ssn not in repr(details)


def test_E1_a_fresh_read_and_a_typed_number_carry_no_reuse_marker(
    keyed: ServiceContext,
) -> None:
    ctx = keyed
    session, _opened = _by_chip(ctx, "active_default_pin")
    _reset_service_password(ctx, session, chip("active_default_pin"))
    assert "id_reused" not in _latest(ctx, "password.service_password_reset").details
    typed = dataclasses.replace(manual_doc(fixed_holder("active_default_pin").ssn), reused=True)
    _reset_service_password(ctx, session, typed)  # only chip reads are offered again
    details = _latest(ctx, "password.service_password_reset").details
    assert details["id_check"] == "manual" and "id_reused" not in details
    assert "reused_from" not in details


def test_E1_a_reuse_without_a_recorded_read_says_unrecorded(keyed: ServiceContext) -> None:
    """The service opened by a typed number: no chip read of this service is in the trail,
    so the workstation's word is recorded as such, not turned into a read that was not."""
    ctx = keyed
    key = "active_default_pin"
    session = sessions.open_id_session(
        ctx,
        actor_for(ctx, CLERK),
        holder_id_of(ctx, key),
        manual_doc(fixed_holder(key).ssn),
        "查询",
    )
    _reset_service_password(ctx, session, dataclasses.replace(chip(key), reused=True))
    details = _latest(ctx, "password.service_password_reset").details
    assert (details["id_reused"], details["reused_from"]) == ("same_case", "unrecorded")
    assert "reused_event_at" not in details


def test_E1_P5_L3_the_reset_and_the_written_report_mark_the_reuse_too(
    keyed: ServiceContext,
) -> None:
    ctx = keyed
    actor = actor_for(ctx, CLERK)
    session, opened = _by_chip(ctx, "active_changed_pin")
    _, transport, _ = card_for(ctx, "active_changed_pin")
    again = dataclasses.replace(chip("active_changed_pin"), reused=True)
    pin_reset.reset_pin(
        ctx,
        actor,
        session,
        SocialSecurityCardClient(transport, ctx.key_provider),
        again,
        PinBuffer.from_keys(b"258036"),
        PinBuffer.from_keys(b"258036"),
        None,
    )
    reset = _latest(ctx, "password.pin_reset").details
    assert (reset["id_reused"], reset["reused_from"]) == ("same_case", str(opened.seq))
    loss = written_reports.WrittenLossInput(
        contact_phone="13912345678",
        loss_date=dt.date(2025, 3, 9),
        loss_place="解放碑",
        circumstances="乘公交时遗失",
        id_document=again,
    )
    written_reports.register_written_loss(ctx, actor, session.holder_id, loss, uuid.uuid4().hex)
    written = _latest(ctx, "loss.written").details
    assert (written["id_reused"], written["reused_from"]) == ("same_case", str(opened.seq))


def test_E1_the_reuse_flag_travels_to_counter_server_with_the_document() -> None:
    document = dataclasses.replace(chip("active_default_pin"), reused=True)
    assert decode(encode(document)) == document
    assert decode(encode(chip("active_default_pin"))).reused is False


def test_E1_Q7_the_reuse_gives_the_earlier_event_s_time_and_claims_no_read_time(
    demo_url: str,
) -> None:
    """A city trial: the chip was read at 19:21, the first action (its event records the
    chip check) was done at 19:23:13, the card offered again at 19:25. The service knows
    the event's time only — the chip's read time reaches it nowhere (IDCARD.md: the text
    block carries none; the document neither) — so the marker names that time as the
    event's, and no key says it is when the chip was read."""
    read_at = dt.datetime(2026, 12, 7, 19, 21, tzinfo=dt.UTC)
    clock = Clock(read_at)
    ctx = make_ctx(demo_url, clock, four_eyes=False)
    try:
        first = chip("active_default_pin")  # read at 19:21 on the workstation
        clock.advance(minutes=2, seconds=13)  # the first action is recorded at 19:23:13
        session, opened = _by_chip(ctx, "active_default_pin")
        assert _at(opened).startswith("2026-12-07T19:23:13")
        clock.advance(minutes=2)
        _reset_service_password(ctx, session, dataclasses.replace(first, reused=True))
        details = _latest(ctx, "password.service_password_reset").details
    finally:
        _dispose(ctx)
    assert details["reused_from"] == str(opened.seq)
    assert details["reused_event_at"] == _at(opened)
    assert not [key for key in details if "read" in key], details
