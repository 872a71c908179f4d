"""Holder sessions opened by card + PIN (RULES Q1).

The card's identity is read from the chip, the card is matched in the database by 卡识别码
*and* card number, and the holder's PIN is verified by the card (typed on the holder keypad,
or on the reader's PIN pad when ``pin`` is None). A wrong PIN propagates the reader's
``WrongPin`` with the tries left; the PIN is never retried and never stored, logged or
audited. In the city the card is on the workstation: :func:`check_card_for_session` and
:func:`open_verified_card_session` are the server's two steps. The session itself, its case
and its end are ``sessions``'.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from counter_app.models.audit_actions import AuditAction
from counter_app.models.card import Card
from counter_app.models.holder import Holder
from counter_app.services.context import Actor, ServiceContext
from counter_app.services.errors import (
    VOID_CARD_ERRORS,
    CardApplicationBlocked,
    CardNotFound,
    PinBlockedOfferReset,
    ServiceError,
)
from counter_app.services.holder_presence import deceased
from counter_app.services.idcheck import SessionVia
from counter_app.services.permissions import Action
from counter_app.services.refusals import record_refusal, require
from counter_app.services.sessions import CardRef, HolderSession, audit_now, open_session
from reader.client import SocialSecurityCardClient
from reader.errors import ApplicationBlocked, PinBlocked, WrongPin
from reader.identity import APP_BLOCKED, CardIdentity
from reader.pinbuffer import PinBuffer
from reader.pinpad import SecurePinPad


def card_tries_left(client: SocialSecurityCardClient) -> int:
    """RULES Q1: tries left before the PIN blocks (0: blocked), known before the holder
    types; no try is spent."""
    try:
        return client.pin_tries_left()
    except ApplicationBlocked as error:
        raise CardApplicationBlocked() from error


def open_card_session(
    ctx: ServiceContext,
    actor: Actor,
    client: SocialSecurityCardClient,
    pin: PinBuffer | None,
    *,
    pinpad: SecurePinPad | None = None,
) -> HolderSession:
    """RULES Q1: open a session by card + PIN (``pin`` None: the reader's PIN pad).

    Raises ``WrongPin`` (with ``tries_left``), :class:`PinBlockedOfferReset`,
    :class:`CardApplicationBlocked`, :class:`CardNotFound`, a void card's error
    (``VOID_CARD_ERRORS``: cancelled, replaced), ``NotPermitted``. The PIN is sent once and
    the buffer is wiped before returning, whatever happens.
    """
    try:
        require(ctx, actor, Action.VIEW_RECORDS)
        identity = client.read_identity()
        card = _card_that_may_log_in(ctx, actor, identity)
        try:
            _verify(client, pin, pinpad)
        except WrongPin as error:
            _record_wrong_pin(ctx, actor, card, error.tries_left)
            raise
        except PinBlocked as error:
            _refuse(ctx, actor, PinBlockedOfferReset(), card, cause=error)
        except ApplicationBlocked as error:
            _refuse(ctx, actor, CardApplicationBlocked(), card, cause=error)
        return _open_card(ctx, actor, card, identity)
    finally:
        if pin is not None:
            pin.wipe()


def _verify(
    client: SocialSecurityCardClient, pin: PinBuffer | None, pinpad: SecurePinPad | None
) -> None:
    if pin is not None:
        client.verify(pin)
        return
    pad = pinpad or _detect_pinpad(client)
    if pad is None:
        from reader.errors import PinPadUnavailable

        raise PinPadUnavailable()
    client.verify_on_pinpad(pad)


def _detect_pinpad(client: SocialSecurityCardClient) -> SecurePinPad | None:
    return client.pin_pad()


def _match_card(ctx: ServiceContext, actor: Actor, identity: CardIdentity) -> CardRef:
    """The database's card for the chip's 卡识别码 and card number, of the chip's holder."""
    with ctx.uow() as uow:
        row = uow.session.execute(
            select(Card.id, Card.holder_id, Card.card_number, Card.state, Holder.ssn, Holder.status)
            .join(Holder, Holder.id == Card.holder_id)
            .where(Card.card_id_code == identity.card_id_code.upper())
        ).first()
        # Q7: a deceased holder's card not yet cancelled is no proof (said after a void card).
        dead = deceased(uow.session, row.holder_id, row.status) if row is not None else None
    if row is None or row.card_number != identity.card_number or row.ssn != identity.ssn:
        error = CardNotFound()
        record_refusal(
            ctx,
            actor,
            AuditAction.SESSION_OPEN.refused,
            error,
            holder_id=row.holder_id if row else None,
            card_id=row.id if row else None,
            details={"via": SessionVia.CARD_PIN.value},
        )
        raise error
    card = CardRef(row.id, row.holder_id, row.card_number)
    void = VOID_CARD_ERRORS.get(row.state)
    if void is not None:  # before any PIN: the card identifies nobody now
        _refuse(ctx, actor, void(), card)
    if dead is not None:
        _refuse(ctx, actor, dead, card)
    return card


def _refuse(
    ctx: ServiceContext,
    actor: Actor,
    error: ServiceError,
    card: CardRef,
    cause: BaseException | None = None,
) -> None:
    record_refusal(
        ctx,
        actor,
        AuditAction.SESSION_OPEN.refused,
        error,
        holder_id=card.holder_id,
        card_id=card.id,
        details={"via": SessionVia.CARD_PIN.value},
    )
    raise error from cause


def _card_that_may_log_in(ctx: ServiceContext, actor: Actor, identity: CardIdentity) -> CardRef:
    """Q1 before the holder types: the card the chip names is in the database, its
    application is not blocked and its PIN has tries left (refusals audited)."""
    card = _match_card(ctx, actor, identity)
    if identity.app_state == APP_BLOCKED:
        _refuse(ctx, actor, CardApplicationBlocked(), card)
    if identity.pin_tries_left == 0:
        _refuse(ctx, actor, PinBlockedOfferReset(), card)
    return card


def _record_wrong_pin(
    ctx: ServiceContext,
    actor: Actor,
    card: CardRef,
    tries_left: int | None,
    extra: dict[str, Any] | None = None,
) -> None:
    """The card refused the holder's PIN: a failed opening, audited (never the PIN)."""
    audit_now(
        ctx,
        actor,
        AuditAction.SESSION_OPEN,
        holder_id=card.holder_id,
        card_id=card.id,
        outcome="failed",
        details={
            "via": SessionVia.CARD_PIN.value,
            "refusal": "wrong_pin",
            "tries_left": tries_left,
            **(extra or {}),
        },
    )


def _open_card(
    ctx: ServiceContext,
    actor: Actor,
    card: CardRef,
    identity: CardIdentity,
    extra: dict[str, Any] | None = None,
) -> HolderSession:
    return open_session(
        ctx,
        actor,
        card.holder_id,
        card,
        SessionVia.CARD_PIN,
        card_id_code=identity.card_id_code,
        extra=extra,
    )


def check_card_for_session(ctx: ServiceContext, actor: Actor, identity: CardIdentity) -> None:
    """The city's first step of Q1 (the card is on the workstation): the card the chip
    names is in the database (卡识别码, card number, holder) and can log in — before the
    holder types the PIN. Refusals are audited, as in :func:`open_card_session`."""
    require(ctx, actor, Action.VIEW_RECORDS)
    _card_that_may_log_in(ctx, actor, identity)


def open_verified_card_session(
    ctx: ServiceContext,
    actor: Actor,
    identity: CardIdentity,
    verified: str,
    tries_left: int | None = None,
) -> HolderSession:
    """The city's second step of Q1: the workstation reports what the card said to the
    holder's PIN (``verified``: ``success``, ``wrong_pin`` with ``tries_left``,
    ``pin_blocked``, ``app_blocked``). The card is matched again against the database; the
    session's audit record names the workstation that verified the PIN (the server cannot
    see the card itself — docs/ARCHITECTURE.md "Card operations in the city")."""
    require(ctx, actor, Action.VIEW_RECORDS)
    card = _match_card(ctx, actor, identity)
    where = {"card_verified_at": actor.workstation_id}
    if verified == "wrong_pin":
        _record_wrong_pin(ctx, actor, card, tries_left, where)
        raise WrongPinReported(tries_left or 0)
    if verified == "pin_blocked":
        _refuse(ctx, actor, PinBlockedOfferReset(), card)
    if verified != "success" or identity.app_state == APP_BLOCKED:
        _refuse(ctx, actor, CardApplicationBlocked(), card)
    return _open_card(ctx, actor, card, identity, where)


class WrongPinReported(ServiceError):
    """The card refused the holder's PIN on the workstation (the workstation raises the
    card's own ``WrongPin``; this is the server's answer to its report)."""

    reason = "wrong_pin"
    message = "密码错误。"

    def __init__(self, tries_left: int) -> None:
        self.tries_left = tries_left
        super().__init__(f"密码错误，还可尝试 {tries_left} 次。")


def verify_holder_pin(
    client: SocialSecurityCardClient, pin: PinBuffer | None, pinpad: SecurePinPad | None
) -> None:
    """VERIFY the holder's PIN on the card (the holder keypad's buffer, or the PIN pad)."""
    _verify(client, pin, pinpad)
