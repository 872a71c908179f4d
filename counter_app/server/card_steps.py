"""The server's half of the card operations (docs/ARCHITECTURE.md "Card operations in the
city"): the workstation holds the card, the server the rules, the database and the keys.

Each operation is two calls around the card step the workstation runs:

- ``prepare``: the service's own rule step (permission, open session of this clerk, ID
  check, four-eyes approval consumed, the card the workstation read is the session's card),
  the password event written ahead (``unknown``/办理中), and — only now, only for this card
  and purpose — a key ticket (``keys.KeyService.grant``) for the one MAC the card step needs;
- ``complete``: the card's answer (``pin_events.CardReport``) settles that pending event,
  exactly as the in-process use case records it. The event must be this clerk's, about the
  session's card, of this kind and still pending.

The PIN never comes here, except the new PIN of a reload inside the RELOAD command the MAC
is computed over (``/v1/keys/mac``, wiped after use).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from counter_app.models.security import PasswordEventKind
from counter_app.remote.card_ops import CardGrant, LiftGrant
from counter_app.server.auth import Caller
from counter_app.server.keys import KeyService
from counter_app.services import card_sessions, lifting, pin_change, pin_reset, unblock_verify
from counter_app.services.approvals import ApprovalLike
from counter_app.services.context import ServiceContext
from counter_app.services.errors import WeakPin
from counter_app.services.idcheck import IdDocumentLike, check_id
from counter_app.services.password_steps import Allowed
from counter_app.services.permissions import Action
from counter_app.services.pin_events import (
    CardReport,
    NewPinFacts,
    PasswordResult,
    pending_event,
    session_card,
)
from counter_app.services.sessions import HolderSession, require_open
from reader.identity import CardIdentity
from reader.keys import KeyPurpose


def _grant(keys: KeyService, caller: Caller, purpose: KeyPurpose, card_id_code: str) -> str:
    return keys.grant(caller, purpose, bytes.fromhex(card_id_code))


def _allowed(
    ctx: ServiceContext,
    caller: Caller,
    session: HolderSession,
    event_id: int,
    kind: PasswordEventKind,
    document: IdDocumentLike,
    action: Action,
) -> Allowed:
    require_open(ctx, session, caller.actor)
    subject = session_card(ctx, session)
    check_id(ctx, action, subject, document)  # the receipt names the document checked
    pending_event(ctx, caller.actor, subject, event_id, kind)
    return Allowed(event_id, subject, subject.card_id_code)


def prepare_reset(
    ctx: ServiceContext,
    caller: Caller,
    keys: KeyService,
    session: HolderSession,
    identity: CardIdentity,
    document: IdDocumentLike,
    approval: ApprovalLike | None,
    submission: str,
    new_pin: NewPinFacts,
) -> CardGrant:
    """P5's rule step, the new PIN's P7 verdict from the counter included (where the PIN
    is; refused and audited here as in-process); then a RELOAD ticket."""
    allowed = pin_reset.prepare_reset(
        ctx,
        caller.actor,
        session,
        lambda: identity,
        document,
        approval,
        submission,
        lambda: _facts(new_pin).check(),
    )
    return CardGrant(
        allowed.event_id, _grant(keys, caller, KeyPurpose.RELOAD, allowed.card_id_code)
    )


def _facts(sent: object) -> NewPinFacts:
    """The counter's P7 verdict as sent; anything else is a weak PIN (never a ticket)."""
    if not isinstance(sent, NewPinFacts):
        raise WeakPin()
    return sent


def complete_reset(
    ctx: ServiceContext,
    caller: Caller,
    keys: KeyService,
    session: HolderSession,
    document: IdDocumentLike,
    event_id: int,
    report: CardReport,
) -> PasswordResult:
    allowed = _allowed(
        ctx, caller, session, event_id, PasswordEventKind.PIN_RESET, document, Action.RESET_PIN
    )
    return pin_reset.complete_reset(ctx, caller.actor, allowed, document, report)


def prepare_unblock(
    ctx: ServiceContext,
    caller: Caller,
    keys: KeyService,
    session: HolderSession,
    identity: CardIdentity,
    document: IdDocumentLike,
    approval: ApprovalLike | None = None,
) -> CardGrant:
    allowed = pin_reset.prepare_unblock(
        ctx, caller.actor, session, lambda: identity, document, approval
    )
    return CardGrant(
        allowed.event_id, _grant(keys, caller, KeyPurpose.UNBLOCK, allowed.card_id_code)
    )


def complete_unblock(
    ctx: ServiceContext,
    caller: Caller,
    keys: KeyService,
    session: HolderSession,
    document: IdDocumentLike,
    event_id: int,
    report: CardReport,
) -> pin_reset.UnblockResult:
    allowed = _allowed(
        ctx, caller, session, event_id, PasswordEventKind.PIN_UNBLOCK, document, Action.UNBLOCK_PIN
    )
    return pin_reset.complete_unblock(ctx, caller.actor, allowed, document, report)


def unblock_verified(
    ctx: ServiceContext,
    caller: Caller,
    keys: KeyService,
    session: HolderSession,
    event_id: int,
    answer: str,
    tries_left: int | None = None,
    card_error: str = "",
) -> None:
    """P6, Q7: what the card on the workstation said to the holder's PIN after the unblock
    ``event_id`` (this clerk's, of the session's holder), audited."""
    unblock_verify.record_unblock_verify(
        ctx, caller.actor, session, int(event_id), str(answer), tries_left, str(card_error)
    )


def session_check(
    ctx: ServiceContext, caller: Caller, keys: KeyService, identity: CardIdentity
) -> None:
    card_sessions.check_card_for_session(ctx, caller.actor, identity)


def session_open(
    ctx: ServiceContext,
    caller: Caller,
    keys: KeyService,
    identity: CardIdentity,
    verified: str,
    tries_left: int | None = None,
) -> HolderSession:
    return card_sessions.open_verified_card_session(
        ctx, caller.actor, identity, verified, tries_left
    )


def prepare_change(
    ctx: ServiceContext,
    caller: Caller,
    keys: KeyService,
    session: HolderSession,
    identity: CardIdentity,
    document: IdDocumentLike | str | None,
    new_pin: NewPinFacts | None,
) -> CardGrant:
    """P3/P4/P7's rule step, with the counter's P7 verdict on the new PIN (``None``: the
    holder types on the reader's PIN pad and the card judges it); CHANGE PIN needs no key
    (no ticket)."""
    check_entry = None if new_pin is None else (lambda: _facts(new_pin).check())
    allowed = pin_change.prepare_change(
        ctx, caller.actor, session, lambda: identity, document, check_entry
    )
    return CardGrant(allowed.event_id)


def complete_change(
    ctx: ServiceContext,
    caller: Caller,
    keys: KeyService,
    session: HolderSession,
    document: IdDocumentLike | str | None,
    event_id: int,
    report: CardReport,
    on_pad: bool,
) -> PasswordResult:
    require_open(ctx, session, caller.actor)
    subject = session_card(ctx, session)
    checked = pin_change.check_window_document(ctx, subject, document)
    pending_event(ctx, caller.actor, subject, event_id, PasswordEventKind.PIN_CHANGE)
    return pin_change.complete_change(
        ctx, caller.actor, event_id, checked, report, on_pad=bool(on_pad)
    )


def prepare_lift(
    ctx: ServiceContext,
    caller: Caller,
    keys: KeyService,
    identity: CardIdentity,
    document: IdDocumentLike,
    idempotency_key: str,
    approval: ApprovalLike | None = None,
) -> LiftGrant:
    """U1–U5's rule step, and four-eyes before the card is touched: the approval must stand
    for this lift (it is spent by ``complete_lift``), so the server makes no MAC for a lift
    its rules have not allowed. A MAINT ticket only when the chip is blocked (U5)."""
    allowed = lifting.prepare_lift(
        ctx, caller.actor, lambda: identity, document, idempotency_key, approval
    )
    if allowed.stored is not None:
        return LiftGrant(stored=allowed.stored)
    ticket = (
        _grant(keys, caller, KeyPurpose.MAINT, identity.card_id_code) if allowed.app_blocked else ""
    )
    return LiftGrant(None, allowed.app_blocked, ticket)


def _lift_allowed(
    ctx: ServiceContext, caller: Caller, identity: CardIdentity, document: IdDocumentLike
) -> lifting.LiftAllowed:
    return lifting.LiftAllowed.of(
        identity, lifting.check_lift(ctx, caller.actor, identity, document)
    )


def lift_card_failed(
    ctx: ServiceContext,
    caller: Caller,
    keys: KeyService,
    identity: CardIdentity,
    document: IdDocumentLike,
    error: str,
    reason: str,
) -> None:
    allowed = _lift_allowed(ctx, caller, identity, document)
    lifting.record_card_failure(ctx, caller.actor, allowed, str(error), str(reason))


def complete_lift(
    ctx: ServiceContext,
    caller: Caller,
    keys: KeyService,
    identity: CardIdentity,
    document: IdDocumentLike,
    approval: ApprovalLike | None,
    idempotency_key: str,
    unblocked: bool,
) -> lifting.LiftResult:
    """The lift written: ``lift_record.write_lift`` checks U1–U5 again under the card's
    lock and consumes the approval, exactly as in-process."""
    allowed = _lift_allowed(ctx, caller, identity, document)
    return lifting.complete_lift(
        ctx, caller.actor, identity, document, approval, idempotency_key, bool(unblocked), allowed
    )


#: ``/v1/call/card.<name>``: function(ctx, caller, keys, *args).
CARD_STEPS: dict[str, Callable[..., Any]] = {
    "card.prepare_reset": prepare_reset,
    "card.complete_reset": complete_reset,
    "card.prepare_unblock": prepare_unblock,
    "card.complete_unblock": complete_unblock,
    "card.unblock_verified": unblock_verified,
    "card.session_check": session_check,
    "card.session_open": session_open,
    "card.prepare_change": prepare_change,
    "card.complete_change": complete_change,
    "card.prepare_lift": prepare_lift,
    "card.lift_card_failed": lift_card_failed,
    "card.complete_lift": complete_lift,
}
