"""Settling a password event recorded ``unknown`` (RULES P2–P6; ``pin_events``): the card
command went out and its answer was lost, or the card confirmed while the database was
away. :func:`resolve_unknown_outcome` asks the card it was about — a PIN that verifies is
proof of which PIN the card holds; the retry counter shows an unblock — and records what
it showed, once (another window may have settled it first). The PIN is wiped before
returning.
"""

from __future__ import annotations

from typing import Literal

from counter_app.models.audit_actions import AuditAction
from counter_app.models.card import Card
from counter_app.models.security import Outcome, PasswordEvent, PasswordEventKind
from counter_app.services import audit
from counter_app.services.context import Actor, ServiceContext
from counter_app.services.errors import CardNotFound, PasswordEventNotFound, WeakPin
from counter_app.services.permissions import Action
from counter_app.services.pin_events import Subject, read_same_card, wipe
from counter_app.services.refusals import require
from reader.client import SocialSecurityCardClient
from reader.pinbuffer import PinBuffer


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
