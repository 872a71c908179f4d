"""Forgotten and blocked PINs: reset and unblock (RULES P5, P6).

- :func:`reset_pin` (P5): after an ID check and — with the ``four_eyes`` setting — a
  supervisor's approval of :func:`pin_reset_digest`, RELOAD PIN with a MAC puts a new PIN
  on the card without the old one.
- :func:`unblock_pin` (P6): after the same ID check, UNBLOCK PIN (MAC) puts the retry
  counter back; then the holder verifies.
- ``resolve_unknown_outcome`` (``pin_outcomes``, named here too) settles a password event
  recorded ``unknown`` by asking the card.

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

from counter_app.models.security import PasswordEventKind
from counter_app.services import approvals, registered_forms, reviewers, unblock_verify
from counter_app.services.card_keys import keyed_client
from counter_app.services.context import Actor, ServiceContext
from counter_app.services.idcheck import IdDocumentLike, check_id
from counter_app.services.idcheck_reuse import checked_details
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
    record_card_report,
    run_card_step,
    same_card,
    wipe,
)
from counter_app.services.pin_outcomes import resolve_unknown_outcome
from counter_app.services.pin_receipts import receipt_issuer
from counter_app.services.sessions import HolderSession
from forms import data as fd
from reader.client import SocialSecurityCardClient
from reader.identity import CardIdentity
from reader.pinbuffer import PinBuffer

__all__ = [
    "UnblockResult",
    "complete_reset",
    "complete_unblock",
    "pin_reset_digest",
    "prepare_reset",
    "prepare_unblock",
    "reset_pin",
    "resolve_unknown_outcome",
    "unblock_pin",
    "verified_with",
    "verify_after_unblock",
]


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


#: The permission each keyed PIN operation needs (RULES S3).
_PERMISSION = {
    PasswordEventKind.PIN_RESET: Action.RESET_PIN,
    PasswordEventKind.PIN_UNBLOCK: Action.UNBLOCK_PIN,
}


def _prepare_keyed(
    ctx: ServiceContext,
    actor: Actor,
    session: HolderSession,
    read_card: Callable[[], CardIdentity],
    document: IdDocumentLike,
    approval: approvals.ApprovalLike | None,
    *,
    kind: PasswordEventKind,
    approval_required: bool,
    digest: str,
    check_pin: Callable[[], None] | None = None,
) -> Allowed:
    """The rule step of P5 and P6 (``password_steps.allow_card_step``, the receipt's key
    needed): the holder's ID document (P5), the new PIN (``check_pin``, P7), the same card;
    then — four-eyes — the supervisor's ``approval`` of ``digest`` spent in its own
    transaction before the card is touched (``approval_required``: refused without one)."""
    permission = _PERMISSION[kind]
    spent: list[int] = []

    def checks(subject: Subject) -> CardIdentity:
        check_id(ctx, permission, subject, document)
        if check_pin is not None:
            check_pin()
        identity = same_card(read_card(), subject)
        if approval is not None or approval_required:
            with ctx.uow() as uow:
                approval_id = approvals.consume(
                    uow.session,
                    approval,
                    required=approval_required,
                    digest=digest,
                    actor=actor,
                    now=ctx.now(),
                )
                uow.commit()
            if approval_id is not None:
                spent.append(approval_id)
        return identity

    allowed = allow_card_step(ctx, actor, session, permission, kind, checks, receipt=True)
    for approval_id in spent:  # the receipt's 复核人 (``pin_receipts``)
        reviewers.record_spent_on_event(
            ctx, actor, approval_id, allowed.event_id, allowed.subject.card_id
        )
    return allowed


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
        receipt=receipt_issuer(
            ctx, actor, allowed.subject, document, action, event_id=allowed.event_id
        ),
        details=checked_details(ctx, actor, document, holder_id=allowed.subject.holder_id),
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
    """The rule step of P5 (:func:`_prepare_keyed`): the ID check, the new PIN's P7 check
    (``check_pin``, where the PIN is), the same card (``read_card``: the chip's identity),
    the four-eyes approval of :func:`pin_reset_digest` consumed; the event written ahead."""
    digest = pin_reset_digest(actor, session, submission)
    return _prepare_keyed(
        ctx,
        actor,
        session,
        read_card,
        document,
        approval,
        kind=PasswordEventKind.PIN_RESET,
        approval_required=ctx.settings.four_eyes,
        digest=digest,
        check_pin=check_pin,
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
    digest = approvals.request_digest(
        Action.UNBLOCK_PIN.value, actor, holder_id=session.holder_id, session=session.session_id
    )
    return _prepare_keyed(
        ctx,
        actor,
        session,
        read_card,
        document,
        approval,
        kind=PasswordEventKind.PIN_UNBLOCK,
        approval_required=False,
        digest=digest,
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
    ctx: ServiceContext,
    actor: Actor,
    session: HolderSession,
    client: SocialSecurityCardClient,
    result: UnblockResult,
    pin: PinBuffer | None,
) -> UnblockResult:
    """P6: the holder verifies after the unblock (on the card, where it is); a wrong PIN is
    reported with the tries left and does not undo the unblock. The workstation calls it
    again when the holder types again (Q1) while tries are left; the buffer is wiped.

    Each answer of the card is audited (Q7, ``unblock_verify``: success, a wrong PIN with
    the tries left, a last wrong try that locks the PIN again — never the PIN), then a
    card error (``PinBlocked``, a pulled card …) is raised."""
    return verified_with(
        client,
        result,
        pin,
        lambda *answer: unblock_verify.record_unblock_verify(ctx, actor, session, *answer),
    )


#: Records the card's answer: (unblock event id, answer, tries left, card error's name).
RecordAnswer = Callable[[int, str, int | None, str], None]


def verified_with(
    client: SocialSecurityCardClient,
    result: UnblockResult,
    pin: PinBuffer | None,
    record: RecordAnswer,
) -> UnblockResult:
    """:func:`verify_after_unblock` with the recording step given (in the city the
    workstation reports the card's answer to counter-server, ``remote.card_ops``)."""
    if pin is None:
        return result
    answer, tries_left, error = unblock_verify.verify_on_card(client, pin)
    record(result.event_id, answer, tries_left, type(error).__name__ if error else "")
    if error is not None:
        raise error
    if answer == unblock_verify.SUCCESS:
        return dataclasses.replace(result, verified=True)
    return dataclasses.replace(result, verified=False, tries_left=tries_left)


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
        return verify_after_unblock(ctx, actor, session, client, result, pin)
    finally:
        wipe(pin)
