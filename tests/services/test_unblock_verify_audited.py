"""RULES Q7 with P6: the holder's PIN typed on the card after a clerk unblocked it is an
action on the holder's card, recorded like every other — who, where, when, whose card, how
it ended (the tries left after a wrong PIN; a last wrong try that locks it again) — and
never the PIN nor any digit of it (RULES P4 "typed by the holder", STYLE "PIN entry").
On SQLite and PostgreSQL; in-process, and as counter-server records a workstation's
report (``server.card_steps``)."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select

from counter_app.demo.accounts import fixed_holder
from counter_app.models.audit import AuditEvent
from counter_app.remote import card_ops
from counter_app.server.card_steps import CARD_STEPS
from counter_app.services import pin_reset, sessions
from counter_app.services.context import Actor, ServiceContext
from counter_app.services.errors import PasswordEventNotFound, SessionRequired
from reader.client import SocialSecurityCardClient
from reader.errors import PinBlocked
from reader.keys import TEST_KEYS, SoftwareKeyProvider
from reader.pinbuffer import PinBuffer
from tests.id_documents import manual_doc
from tests.services.conftest import _dispose, actor_for, card_for, holder_id_of, make_ctx

CLERK = "YB500103-01"
VERIFY = "password.pin_unblock_verify"
WRONG = ("111111", "222222", "333333")


@pytest.fixture
def keyed(demo_url: str) -> Iterator[ServiceContext]:
    context = make_ctx(demo_url, four_eyes=False)
    context.key_provider = SoftwareKeyProvider(TEST_KEYS)  # CARD.md test keys (mode test)
    yield context
    _dispose(context)


def _pin(digits: str) -> PinBuffer:
    return PinBuffer.from_keys(digits.encode())


def _unblocked(
    ctx: ServiceContext, first: str
) -> tuple[Actor, sessions.HolderSession, SocialSecurityCardClient, pin_reset.UnblockResult]:
    """赵强's blocked PIN unblocked after an ID check, the holder then typing ``first``."""
    h = fixed_holder("pin_blocked")
    actor = actor_for(ctx, CLERK)
    session = sessions.open_id_session(
        ctx, actor, holder_id_of(ctx, "pin_blocked"), manual_doc(h.ssn), "密码已锁"
    )
    _, transport, _ = card_for(ctx, "pin_blocked")
    client = SocialSecurityCardClient(transport, ctx.key_provider)
    result = pin_reset.unblock_pin(ctx, actor, session, client, manual_doc(h.ssn), pin=_pin(first))
    return actor, session, client, result


def _events(ctx: ServiceContext, action: str = VERIFY) -> list[AuditEvent]:
    with ctx.uow() as uow:
        rows = list(
            uow.session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action.in_([action, action + ".refused"]))
                .order_by(AuditEvent.seq)
            )
        )
        uow.session.expunge_all()
        return rows


def _no_pin_in(event: AuditEvent, *pins: str) -> None:
    """Neither the PIN typed nor any run of its digits longer than one is in the event."""
    text = repr(event.details) + (event.reason or "")
    for pin in pins:
        for size in range(2, len(pin) + 1):
            for start in range(len(pin) - size + 1):
                assert pin[start : start + size] not in text, (pin, text)


def test_Q7_P6_each_pin_after_the_unblock_is_recorded_and_no_digit_of_it(
    keyed: ServiceContext,
) -> None:
    ctx, right = keyed, fixed_holder("pin_blocked").pin
    actor, session, client, result = _unblocked(ctx, WRONG[0])
    assert (result.verified, result.tries_left) == (False, 2)
    again = pin_reset.verify_after_unblock(ctx, actor, session, client, result, _pin(right))
    assert again.verified is True
    wrong, ok = _events(ctx)
    [unblock] = _events(ctx, "password.pin_unblock")
    for event in (wrong, ok):  # who, where, whose card (Q7)
        assert event.staff_id == actor.staff_id and event.workstation == actor.workstation_id
        assert event.holder_id == session.holder_id and event.card_id == unblock.card_id
        assert event.at is not None
        _no_pin_in(event, WRONG[0], right)
    assert (wrong.outcome, ok.outcome) == ("failed", "success")
    linked = {"event_id": result.event_id, "session_id": session.session_id}
    assert wrong.details == {**linked, "refusal": "wrong_pin", "tries_left": 2}
    assert ok.details == linked


def test_Q7_P6_a_last_wrong_try_is_recorded_refused_then_raised(keyed: ServiceContext) -> None:
    ctx = keyed
    actor, session, client, result = _unblocked(ctx, WRONG[0])
    result = pin_reset.verify_after_unblock(ctx, actor, session, client, result, _pin(WRONG[1]))
    assert result.tries_left == 1
    last = _pin(WRONG[2])
    with pytest.raises(PinBlocked):
        pin_reset.verify_after_unblock(ctx, actor, session, client, result, last)
    assert len(last) == 0  # wiped
    first, second, blocked = _events(ctx)
    assert [e.details["tries_left"] for e in (first, second)] == [2, 1]
    assert (blocked.action, blocked.outcome) == (VERIFY + ".refused", "refused")
    assert blocked.details["refusal"] == "pin_blocked" and blocked.details["tries_left"] == 0
    assert blocked.holder_id == session.holder_id
    for event in (first, second, blocked):
        _no_pin_in(event, *WRONG)


def test_Q7_P6_the_server_records_the_workstations_report_of_the_card(
    keyed: ServiceContext,
) -> None:
    """In the city the card answers on the workstation (``card_ops``) and counter-server
    records the answer it is told (``card.unblock_verified``), never a PIN."""
    ctx = keyed
    actor, session, client, result = _unblocked(ctx, WRONG[0])
    sent: list[tuple[Any, ...]] = []

    def call(method: str, *args: Any) -> Any:
        sent.append((method, *args))
        return CARD_STEPS[method](ctx, SimpleNamespace(actor=actor), None, *args)

    right = fixed_holder("pin_blocked").pin
    again = card_ops.verify_after_unblock(call, session, client, result, _pin(right))
    assert again.verified is True
    assert sent == [("card.unblock_verified", session, result.event_id, "success", None, "")]
    assert _events(ctx)[-1].outcome == "success"


def test_Q7_a_report_naming_another_event_is_refused_and_not_recorded(
    keyed: ServiceContext,
) -> None:
    """A workstation cannot attach a verify to an event that is not this clerk's unblock
    of the session's holder (here: the session's own opening has no password event)."""
    ctx = keyed
    actor, session, _client, result = _unblocked(ctx, fixed_holder("pin_blocked").pin)
    before = _events(ctx)
    other = actor_for(ctx, "YB500103-02")
    step = CARD_STEPS["card.unblock_verified"]
    with pytest.raises(PasswordEventNotFound):
        step(ctx, SimpleNamespace(actor=actor), None, session, result.event_id + 999, "success")
    with pytest.raises(SessionRequired):  # another clerk: not their session (Q7)
        step(ctx, SimpleNamespace(actor=other), None, session, result.event_id, "success")
    assert [e.seq for e in _events(ctx)] == [e.seq for e in before]
