"""Forgotten and blocked PINs: reset, unblock, and settling unknown outcomes (RULES P5, P6).

- :func:`reset_pin` (P5): after an ID check and — with the ``four_eyes`` setting — a
  supervisor's approval of :func:`pin_reset_digest`, RELOAD PIN with a MAC puts a new PIN
  on the card without the old one.
- :func:`unblock_pin` (P6): after the same ID check, UNBLOCK PIN (MAC) puts the retry
  counter back; then the holder verifies.
- :func:`resolve_unknown_outcome` settles a password event recorded ``unknown``
  (``pin_events``) by asking the card (a PIN that verifies is proof; the retry counter
  shows an unblock).

Each of reset and unblock takes the three steps the city runs apart (``server.card_steps``,
``remote.card_ops``): the rule step (``prepare_*``: ``password_steps.allow_card_step``,
refusals audited, the event written ahead), the card step (``pin_events.run_card_step``,
where the card is, with a MAC from ``ctx.key_provider``), the record step
(``complete_*``: the card's answer settles the event; a success issues its receipt,
``pin_receipts``, in the same transaction).

PINs live only in the caller's ``PinBuffer``\\ s, wiped before returning, whatever happens.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from counter_app.models.audit_actions import AuditAction
from counter_app.models.card import Card
from counter_app.models.security import Outcome, PasswordEvent, PasswordEventKind
from counter_app.services import approvals, audit, registered_forms
from counter_app.services.card_keys import keyed_client
from counter_app.services.context import Actor, ServiceContext
from counter_app.services.errors import CardNotFound, PasswordEventNotFound, WeakPin
from counter_app.services.idcheck import IdDocumentLike, check_id, id_check_details
from counter_app.services.password_steps import Allowed, allow_card_step
from counter_app.services.permissions import Action
from counter_app.services.pin_events import (
    CardReport,
    PasswordResult,
    Recorded,
    Subject,
    WithReceipt,
    check_new_pin,
    raise_card_error,
    read_same_card,
    record_card_report,
    run_card_step,
    same_card,
    wipe,
)
from counter_app.services.pin_receipts import receipt_issuer
from counter_app.services.refusals import require
from counter_app.services.sessions import HolderSession
from forms import data as fd
from reader.client import SocialSecurityCardClient
from reader.errors import WrongPin
from reader.identity import CardIdentity
from reader.pinbuffer import PinBuffer


@dataclass(frozen=True)
class UnblockResult(WithReceipt):
    event_id: int
    #: After the unblock the holder verified the PIN (None: not asked / no PIN given).
    verified: bool | None
    tries_left: int | None
    receipt: fd.PinReceipt | None = None
    serial: str = ""
    form_key: bytes = field(repr=False, default=b"")


def pin_reset_digest(actor: Actor, session: HolderSession, submission: str = "") -> str:
    """The request digest a supervisor approves for a forgotten-password reset (P5).

    ``submission`` names one attempt (the dialog's key): a reset cancelled after approval
    and started again is a new request that needs, and can get, its own approval."""
    return approvals.request_digest(
        Action.RESET_PIN.value,
        actor,
        holder_id=session.holder_id,
        session=session.session_id,
        submission=submission,
    )


def _approved(
    ctx: ServiceContext,
    actor: Actor,
    approval: approvals.ApprovalLike | None,
    *,
    required: bool,
    digest: str,
) -> None:
    """Four-eyes: the supervisor's ``approval`` of ``digest`` spent, in its own
    transaction, before the card is touched (``required``: refused without one)."""
    with ctx.uow() as uow:
        approvals.consume(
            uow.session, approval, required=required, digest=digest, actor=actor, now=ctx.now()
        )
        uow.commit()


def _record(
    ctx: ServiceContext,
    actor: Actor,
    allowed: Allowed,
    document: IdDocumentLike,
    report: CardReport,
    action: fd.PinAction,
) -> Recorded:
    """The record step of P5/P6: the card's answer settles the written-ahead event, a
    success with its receipt (``pin_receipts``)."""
    return record_card_report(
        ctx,
        actor,
        allowed.event_id,
        report,
        receipt=receipt_issuer(ctx, actor, allowed.subject, document, action),
        details=id_check_details(document),
    )


# --------------------------------------------------------------------------- P5


def prepare_reset(
    ctx: ServiceContext,
    actor: Actor,
    session: HolderSession,
    read_card: Callable[[], CardIdentity],
    document: IdDocumentLike,
    approval: approvals.ApprovalLike | None,
    submission: str = "",
    check_pin: Callable[[], None] | None = None,
) -> Allowed:
    """The rule step of P5 (``password_steps.allow_card_step``): the ID check, the new
    PIN's P7 check (``check_pin``, where the PIN is), the same card (``read_card``: the
    chip's identity), the four-eyes approval consumed; the event written ahead."""

    def checks(subject: Subject) -> CardIdentity:
        check_id(ctx, Action.RESET_PIN, subject, document)
        if check_pin is not None:
            check_pin()
        identity = same_card(read_card(), subject)
        digest = pin_reset_digest(actor, session, submission)
        _approved(ctx, actor, approval, required=ctx.settings.four_eyes, digest=digest)
        return identity

    return allow_card_step(
        ctx, actor, session, Action.RESET_PIN, PasswordEventKind.PIN_RESET, checks, receipt=True
    )


def complete_reset(
    ctx: ServiceContext,
    actor: Actor,
    allowed: Allowed,
    document: IdDocumentLike,
    report: CardReport,
) -> PasswordResult:
    """The record step of P5: the card's answer settles the event (with the receipt)."""
    recorded = _record(ctx, actor, allowed, document, report, fd.PinAction.RESET)
    key = registered_forms.form_key(ctx.settings)
    return PasswordResult(recorded.event_id, report.outcome, recorded.receipt, recorded.serial, key)


def reset_pin(
    ctx: ServiceContext,
    actor: Actor,
    session: HolderSession,
    client: SocialSecurityCardClient,
    document: IdDocumentLike,
    new1: PinBuffer,
    new2: PinBuffer,
    approval: approvals.ApprovalLike | None,
    submission: str = "",
) -> PasswordResult:
    """RULES P5: a forgotten PIN is reloaded after an ID check, without the old one
    (RELOAD PIN with a MAC from ``ctx.key_provider``). Four-eyes (setting ``four_eyes``):
    ``approval`` for :func:`pin_reset_digest` of the same ``submission``, consumed before
    the card is touched. In the city the steps run apart (``remote.card_ops``)."""
    try:
        allowed = prepare_reset(
            ctx,
            actor,
            session,
            client.read_identity,
            document,
            approval,
            submission,
            lambda: check_new_pin(new1, new2),
        )
        keyed = keyed_client(ctx, client)
        report, error = run_card_step(
            lambda: keyed.reload_pin(new1, expect_card_id=allowed.card_id_code)
        )
        result = complete_reset(ctx, actor, allowed, document, report)
        raise_card_error(allowed.event_id, report, error)
        return result
    finally:
        wipe(new1, new2)


# --------------------------------------------------------------------------- P6


def prepare_unblock(
    ctx: ServiceContext,
    actor: Actor,
    session: HolderSession,
    read_card: Callable[[], CardIdentity],
    document: IdDocumentLike,
    approval: approvals.ApprovalLike | None = None,
) -> Allowed:
    """The rule step of P6 (as :func:`prepare_reset`, the approval optional)."""

    def checks(subject: Subject) -> CardIdentity:
        check_id(ctx, Action.UNBLOCK_PIN, subject, document)
        identity = same_card(read_card(), subject)
        if approval is not None:
            digest = approvals.request_digest(
                Action.UNBLOCK_PIN.value,
                actor,
                holder_id=session.holder_id,
                session=session.session_id,
            )
            _approved(ctx, actor, approval, required=False, digest=digest)
        return identity

    return allow_card_step(
        ctx, actor, session, Action.UNBLOCK_PIN, PasswordEventKind.PIN_UNBLOCK, checks, receipt=True
    )


def complete_unblock(
    ctx: ServiceContext,
    actor: Actor,
    allowed: Allowed,
    document: IdDocumentLike,
    report: CardReport,
) -> UnblockResult:
    """The record step of P6 (the holder's verify afterwards is the workstation's)."""
    recorded = _record(ctx, actor, allowed, document, report, fd.PinAction.UNBLOCK)
    key = registered_forms.form_key(ctx.settings)
    return UnblockResult(recorded.event_id, None, None, recorded.receipt, recorded.serial, key)


def verify_after_unblock(
    client: SocialSecurityCardClient, result: UnblockResult, pin: PinBuffer | None
) -> UnblockResult:
    """P6: the holder verifies after the unblock (on the card, where it is); a wrong PIN is
    reported with the tries left and does not undo the unblock."""
    if pin is None:
        return result
    try:
        client.verify(pin)
        return dataclasses.replace(result, verified=True)
    except WrongPin as error:
        return dataclasses.replace(result, verified=False, tries_left=error.tries_left)


def unblock_pin(
    ctx: ServiceContext,
    actor: Actor,
    session: HolderSession,
    client: SocialSecurityCardClient,
    document: IdDocumentLike,
    approval: approvals.ApprovalLike | None = None,
    *,
    pin: PinBuffer | None = None,
) -> UnblockResult:
    """RULES P6: after the P5 ID check, UNBLOCK PIN (MAC) puts the retry counter back; then
    the holder verifies (``pin``). The unblock is recorded as soon as the card confirmed it;
    a wrong PIN afterwards is reported with the tries left and does not undo it."""
    try:
        allowed = prepare_unblock(ctx, actor, session, client.read_identity, document, approval)
        keyed = keyed_client(ctx, client)
        report, error = run_card_step(
            lambda: keyed.unblock_pin(expect_card_id=allowed.card_id_code)
        )
        result = complete_unblock(ctx, actor, allowed, document, report)
        raise_card_error(allowed.event_id, report, error)
        return verify_after_unblock(client, result, pin)
    finally:
        wipe(pin)


# --------------------------------------------------------------------------- unknown outcomes


def resolve_unknown_outcome(
    ctx: ServiceContext,
    actor: Actor,
    client: SocialSecurityCardClient,
    event_id: int,
    pin: PinBuffer | None = None,
    *,
    pin_is: Literal["new", "old"] = "new",
) -> str:
    """Settle an ``unknown`` password event by asking the card it was about.

    - unblock: the retry counter — above 0 means the unblock happened (``success``);
    - change / reset: the holder types a PIN; ``pin_is`` says which. The new PIN verifying
      proves the change (``success``); the old one verifying proves it did not (``failed``).
      A PIN that does not verify settles nothing: ``WrongPin`` propagates, still unknown.

    Returns the resolved outcome. The PIN is wiped before returning."""
    try:
        require(ctx, actor, Action.CHANGE_PIN)
        kind, subject = _unknown_event(ctx, event_id)
        read_same_card(client, subject)
        if kind is PasswordEventKind.PIN_UNBLOCK:
            resolved = Outcome.SUCCESS if client.pin_tries_left() > 0 else Outcome.FAILED
        else:
            if pin is None:
                raise WeakPin("请持卡人输入密码以核实结果。")
            client.verify(pin)
            resolved = Outcome.SUCCESS if pin_is == "new" else Outcome.FAILED
        return _settle_unknown(ctx, actor, event_id, resolved)
    finally:
        wipe(pin)


def _unknown_event(ctx: ServiceContext, event_id: int) -> tuple[PasswordEventKind, Subject]:
    """The kind of the still unsettled ``unknown`` event ``event_id`` and its card."""
    with ctx.uow() as uow:
        event = uow.session.get(PasswordEvent, event_id)
        if event is None or event.outcome != Outcome.UNKNOWN or event.resolved_outcome:
            raise PasswordEventNotFound()
        card = uow.session.get(Card, event.card_id) if event.card_id else None
        if card is None:
            raise CardNotFound()
        subject = Subject(event.holder_id, "", card.id, card.card_number, card.card_id_code)
        return PasswordEventKind(event.kind), subject


def _settle_unknown(ctx: ServiceContext, actor: Actor, event_id: int, resolved: Outcome) -> str:
    """Record what the card showed (audited), unless another window settled it first;
    returns the outcome that stands."""
    with ctx.uow() as uow:
        now = ctx.now()
        row = uow.session.get(PasswordEvent, event_id, with_for_update=True)
        assert row is not None
        if row.resolved_outcome is None:
            row.resolved_outcome = resolved.value
            row.resolved_at = now
            audit.record(
                uow.session,
                actor,
                AuditAction.PASSWORD_RESOLVE_UNKNOWN,
                holder_id=row.holder_id,
                card_id=row.card_id,
                outcome=resolved.value,
                details={"event_id": row.id, "kind": row.kind},
                at=now,
            )
        uow.commit()
        return row.resolved_outcome or resolved.value
