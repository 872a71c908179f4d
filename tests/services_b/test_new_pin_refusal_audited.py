"""RULES P7 with S3: a new PIN the holder keypad refuses (weak, or a second entry that
differs) is refused on the counter before any card or service call, and that refusal is
audited too — the rule broken in words, never the PIN or any digit of it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from counter_app.models.audit import AuditEvent
from counter_app.services import pin_refusals
from counter_app.services.errors import NotPermitted, SessionRequired
from counter_app.services.new_pin_refusal import NewPinRefusal
from counter_app.services.permissions import Action
from counter_app.services.sessions import open_id_session
from tests.id_documents import manual_doc

from .conftest import World

#: ASCII and full-width digits: none may appear in what the refusal stores.
DIGIT = re.compile(r"[0-9０-９]")


@pytest.fixture
def world(world_on_each_backend: World) -> World:
    return world_on_each_backend


def _session(world: World, key: str, actor: str = "yb103") -> Any:
    return open_id_session(
        world.ctx,
        world.actors[actor],
        world.holders[key].holder_id,
        manual_doc(world.holders[key].ssn),
        "办理密码业务",
    )


def _events(world: World, action: str) -> list[AuditEvent]:
    with world.session() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _columns(event: AuditEvent) -> list[str]:
    return [str(getattr(event, c.key)) for c in AuditEvent.__table__.columns]


@pytest.mark.parametrize(
    ("purpose", "action"),
    [
        (Action.CHANGE_PIN, "password.pin_change.refused"),
        (Action.RESET_PIN, "password.pin_reset.refused"),
    ],
)
@pytest.mark.parametrize(
    ("refusal", "reason"),
    [(NewPinRefusal.TOO_SIMPLE, "weak_pin"), (NewPinRefusal.ENTRIES_DIFFER, "pins_differ")],
)
def test_P7_S3_a_new_pin_refused_on_the_holder_keypad_is_audited_without_a_digit(
    world: World, purpose: Action, action: str, refusal: NewPinRefusal, reason: str
) -> None:
    session = _session(world, "h003")
    holder = world.holders["h003"]
    assert _events(world, action) == []
    pin_refusals.record_new_pin_refused(world.ctx, world.actors["yb103"], session, purpose, refusal)
    (event,) = _events(world, action)
    assert event.outcome == "refused"
    assert event.holder_id == holder.holder_id
    assert event.staff_id == world.actors["yb103"].staff_id
    assert event.details is not None
    assert event.details["refusal"] == reason
    assert event.details["step"] == pin_refusals.KEYPAD_STEP
    assert event.reason == pin_refusals.REASONS[refusal]
    assert "重新输入" in (event.reason or "")
    # The rule in words: no digit at all in the reason or the details (not even the rule's
    # own "123456", which is the default PIN a holder may just have typed).
    assert not DIGIT.search(event.reason or ""), event.reason
    assert not DIGIT.search(str(event.details)), event.details
    # Nor does any column hold a PIN the tests type (the default, a weak and a good one).
    for column in _columns(event):
        for typed in ("123456", "777777", "802413"):
            assert typed not in column


def test_P7_S3_only_the_two_new_pin_use_cases_and_only_in_the_clerks_own_session(
    world: World,
) -> None:
    session = _session(world, "h004")
    with pytest.raises(NotPermitted):
        pin_refusals.record_new_pin_refused(
            world.ctx, world.actors["yb103"], session, Action.UNBLOCK_PIN, NewPinRefusal.TOO_SIMPLE
        )
    with pytest.raises(SessionRequired):  # a colleague's session (RULES Q7)
        pin_refusals.record_new_pin_refused(
            world.ctx, world.actors["yb103b"], session, Action.CHANGE_PIN, NewPinRefusal.TOO_SIMPLE
        )
    assert _events(world, "password.pin_change.refused") == []
    assert _events(world, "password.pin_unblock.refused") == []
