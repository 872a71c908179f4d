"""The two look-ups the counter screen asks before a use case runs: is this ID document the
session holder's (RULES P4, P5, P6, R1 — decided against the record, audited when refused),
and what is the issuer's state of the card in the reader (RULES U1, U4: the lift is offered
only for a card reported lost)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from sqlalchemy import select

from counter_app.demo.accounts import fixed_holder
from counter_app.models.audit import AuditEvent
from counter_app.services.card_lookup import card_state
from counter_app.services.document_check import check_session_document
from counter_app.services.errors import IdDocumentMismatch
from counter_app.services.permissions import Action
from counter_app.services.sessions import open_id_session
from tests.id_documents import manual_doc
from tests.services.conftest import actor_for, card_for, holder_id_of


def _session(ctx: Any, actor: Any, key: str) -> Any:
    document = manual_doc(fixed_holder(key).ssn)
    reason = "持卡人本人到窗口查询"
    return open_id_session(ctx, actor, holder_id_of(ctx, key), document, reason)


def test_P4_the_holders_own_document_passes(ctx: Any) -> None:
    actor = actor_for(ctx, "YB500103-01")
    session = _session(ctx, actor, "active_default_pin")
    document = manual_doc(fixed_holder("active_default_pin").ssn)
    check_session_document(ctx, actor, session, document, Action.CHANGE_PIN)


def test_P5_another_persons_valid_number_is_refused_and_audited(ctx: Any) -> None:
    actor = actor_for(ctx, "YB500103-01")
    session = _session(ctx, actor, "active_default_pin")
    other = manual_doc(fixed_holder("active_changed_pin").ssn)
    with pytest.raises(IdDocumentMismatch):
        check_session_document(ctx, actor, session, other, Action.RESET_PIN)
    with ctx.uow() as uow:
        refused = uow.session.scalars(
            select(AuditEvent.action).where(AuditEvent.action == "reset_pin.refused")
        ).all()
    assert refused


@pytest.mark.parametrize(
    ("key", "state"),
    [
        ("active_default_pin", "active"),
        ("written_lost", "lost"),
        ("phone_lost", "phone_reported_lost"),
        ("replacement_applied", "replacement_applied"),
    ],
)
def test_U1_the_issuers_state_of_the_card_in_the_reader(ctx: Any, key: str, state: str) -> None:
    actor = actor_for(ctx, "YB500103-01")
    client, _transport, _card = card_for(ctx, key)
    assert card_state(ctx, actor, client.read_identity()) == state


def test_U5_a_chip_the_records_do_not_hold_has_no_state(ctx: Any) -> None:
    actor = actor_for(ctx, "YB500103-01")
    client, _transport, _card = card_for(ctx, "written_lost")
    identity = client.read_identity()
    other_chip = dataclasses.replace(identity, card_id_code="500105D156000005FFFFFFFFFFFFFFFF")
    assert card_state(ctx, actor, other_chip) is None
    other_number = dataclasses.replace(identity, card_number="A00000011")
    assert card_state(ctx, actor, other_number) is None
