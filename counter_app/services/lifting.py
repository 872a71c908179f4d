"""Lifting a loss report (解除挂失, RULES U1–U5).

Only at the holder's own district medical insurance sub-center (U2), never by phone (U3: no
phone entry point exists — ``report_loss_by_phone`` is the 12333 seam's only loss verb),
with a resident ID card or household-register certificate (U2), before any replacement
application (U1, U4), for the very card reported lost — read from its chip, 卡识别码 and
card number — whose PIN the holder types (U5).

The rules are a checklist (``lift_rules.check_lift``, one line per rule) shown before
anything is done. :func:`lift_loss_report` takes three steps, which the city runs apart
(``server.card_steps``, ``remote.card_ops``):

1. :func:`prepare_lift` — the rule step: permission, a resubmission's stored result, the
   checklist for the card read; a refusal is audited like every refusal (``refusals``).
2. the card step (``lift_card.lift_card_step``, where the card is) — APPLICATION UNBLOCK
   when a hospital terminal blocked the chip, then the holder's PIN; a failure is audited
   (:func:`record_card_failure`) and the lift does not happen.
3. :func:`complete_lift` — the record step, a counter submission (``submission.submit``):
   the rules checked again under the card's lock, the approval consumed, the report
   closed, the lift form issued, remembered and audited. If it refuses, a chip unblocked
   in step 2 is blocked again (best effort).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from counter_app.services import approvals, audit, registered_forms
from counter_app.services.card_keys import keyed_client
from counter_app.services.concurrency import check_key, stored_submission
from counter_app.services.context import Actor, ServiceContext
from counter_app.services.errors import CardOperationFailed, ServiceError
from counter_app.services.idcheck import IdDocumentLike
from counter_app.services.lift_card import lift_card_step, reblock
from counter_app.services.lift_record import (
    ACTION_LIFT,
    LiftResult,
    lift_digest,
    stored_lift,
    write_lift,
)
from counter_app.services.lift_rules import LiftChecklist, check_lift
from counter_app.services.permissions import Action
from counter_app.services.refusals import record_refusal, refusals_audited, require
from counter_app.services.submission import submit
from reader.client import SocialSecurityCardClient
from reader.errors import CardError
from reader.identity import CardIdentity
from reader.pinbuffer import PinBuffer
from reader.pinpad import SecurePinPad

__all__ = [
    "ACTION_LIFT",
    "LiftAllowed",
    "LiftChecklist",
    "LiftResult",
    "check_lift",
    "complete_lift",
    "shown_checklist",
    "lift_digest",
    "lift_loss_report",
    "prepare_lift",
    "record_card_failure",
]


@dataclass(frozen=True)
class LiftAllowed:
    """The rule step's answer: the stored result of a resubmission, or the card read and
    what the card step needs (U5: APPLICATION UNBLOCK first when the chip is blocked)."""

    #: None for a resubmission (its stored result needs no card).
    identity: CardIdentity | None
    stored: LiftResult | None = None
    app_blocked: bool = False
    holder_id: int | None = None
    card_id: int | None = None

    @classmethod
    def of(cls, identity: CardIdentity, rules: LiftChecklist) -> LiftAllowed:
        return cls(identity, None, rules.app_blocked, rules.holder_id, rules.card_id)


def shown_checklist(
    ctx: ServiceContext, actor: Actor, identity: CardIdentity, document: IdDocumentLike | None
) -> LiftChecklist:
    """RULES U1–U5 as the checklist the clerk is shown (:func:`check_lift`, the typed
    interface's ``check_lift``), before anything is done. A checklist that refuses is the
    lift refused, here and now: audited like every refusal (RULES S3; ``refusals``) — a
    clerk at the wrong district, or an ID number that is not the card holder's, is stopped
    at the list and never reaches the lift, and the daily report's 拒绝 counted neither (a
    new clerk's trial). The lift's own steps check with :func:`check_lift` (their refusals
    are audited where they refuse)."""
    checklist = check_lift(ctx, actor, identity, document)
    if checklist.refusal is not None:
        record_refusal(
            ctx,
            actor,
            ACTION_LIFT.refused,
            checklist.refusal,
            holder_id=checklist.holder_id,
            card_id=checklist.card_id,
            details={"stage": "checklist", "document_checked": document is not None},
        )
    return checklist


def lift_loss_report(
    ctx: ServiceContext,
    actor: Actor,
    client: SocialSecurityCardClient,
    pin: PinBuffer | None,
    document: IdDocumentLike,
    approval: approvals.ApprovalLike | None,
    idempotency_key: str,
    *,
    pinpad: SecurePinPad | None = None,
) -> LiftResult:
    """RULES U1–U5: lift the loss report of the card in the reader.

    ``pin`` is what the holder typed on the holder keypad (``None``: the reader's PIN pad,
    ``pinpad``); it is wiped before returning. Four-eyes (setting ``four_eyes``): a
    supervisor's ``approval`` for :func:`lift_digest`. Card errors (``WrongPin`` …) come out
    as the reader's errors, after being audited; the lift happens only after the card
    confirmed. A resubmission with the same ``idempotency_key`` returns the stored result."""
    try:
        allowed = prepare_lift(
            ctx, actor, client.read_identity, document, idempotency_key, approval
        )
        if allowed.stored is not None:
            return allowed.stored
        identity = allowed.identity
        assert identity is not None
        unblocked = _card_step(ctx, actor, client, pin, pinpad, identity, allowed)
        try:
            return complete_lift(
                ctx, actor, identity, document, approval, idempotency_key, unblocked, allowed
            )
        except ServiceError:
            if unblocked:
                reblock(client, identity)
            raise
    finally:
        if pin is not None:
            pin.wipe()


def prepare_lift(
    ctx: ServiceContext,
    actor: Actor,
    read_card: Callable[[], CardIdentity],
    document: IdDocumentLike,
    idempotency_key: str,
    approval: approvals.ApprovalLike | None = None,
) -> LiftAllowed:
    """The rule step (before the card step): permission (S3), a resubmission's stored
    result, then U1–U5 for the card read (``read_card``: the chip's identity) and
    four-eyes: the supervisor's ``approval`` must stand for this lift before the card is
    touched (it is spent by :func:`complete_lift`; the server makes no MAC, the chip is
    not unblocked, for a lift without it). The first refusal is audited and raised."""
    check_key(idempotency_key)
    require(ctx, actor, Action.LIFT_LOSS_REPORT)
    key = registered_forms.form_key(ctx.settings)  # before the card: a missing key refuses
    with ctx.uow() as uow:
        stored = stored_submission(uow.session, idempotency_key, ACTION_LIFT)
        if stored is not None:
            return LiftAllowed(None, stored_lift(uow.session, stored, key))
    identity = read_card()
    rules = check_lift(ctx, actor, identity, document)
    with (
        refusals_audited(ctx, actor, ACTION_LIFT, holder_id=rules.holder_id, card_id=rules.card_id),
        ctx.read_uow() as uow,
    ):
        if rules.refusal is not None:
            raise rules.refusal
        approvals.check_unspent(
            uow.session,
            approval,
            required=ctx.settings.four_eyes,
            digest=lift_digest(actor, identity, idempotency_key),
            actor=actor,
            now=ctx.now(),
        )
    return LiftAllowed.of(identity, rules)


def _card_step(
    ctx: ServiceContext,
    actor: Actor,
    client: SocialSecurityCardClient,
    pin: PinBuffer | None,
    pinpad: SecurePinPad | None,
    identity: CardIdentity,
    allowed: LiftAllowed,
) -> bool:
    """The card step in-process (the key from ``ctx`` when the chip must be unblocked);
    a failure is audited and raised."""
    try:
        card = keyed_client(ctx, client) if allowed.app_blocked else client
        return lift_card_step(card, pin, pinpad, identity, allowed.app_blocked)
    except (CardError, CardOperationFailed) as error:
        record_card_failure(ctx, actor, allowed, type(error).__name__, str(error))
        raise


def record_card_failure(
    ctx: ServiceContext, actor: Actor, allowed: LiftAllowed, error: str, reason: str
) -> None:
    """The card step failed (``error``: its class name): audited, the lift not done."""
    with ctx.uow() as uow:
        audit.record(
            uow.session,
            actor,
            ACTION_LIFT,
            holder_id=allowed.holder_id,
            card_id=allowed.card_id,
            outcome="failed",
            reason=reason[:200],
            details={"step": "card", "error": error[:60]},
            at=ctx.now(),
        )
        uow.commit()


def complete_lift(
    ctx: ServiceContext,
    actor: Actor,
    identity: CardIdentity,
    document: IdDocumentLike,
    approval: approvals.ApprovalLike | None,
    idempotency_key: str,
    unblocked: bool,
    allowed: LiftAllowed,
) -> LiftResult:
    """The record step, after the card confirmed: the lift written as one counter
    submission (refusals audited; a resubmission answered with its stored result)."""

    def apply(session: Session, key: bytes) -> LiftResult:
        return write_lift(
            session, ctx, actor, identity, document, approval, idempotency_key, unblocked, key
        )

    return submit(
        ctx,
        actor,
        Action.LIFT_LOSS_REPORT,
        ACTION_LIFT,
        holder_id=allowed.holder_id,
        card_id=allowed.card_id,
        idempotency_key=idempotency_key,
        apply=apply,
    )
