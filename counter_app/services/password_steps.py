"""The rule step every counter password use case takes before the card is touched
(RULES P3–P6 with S3 and Q7), written once for the PIN change (``pin_change``), the reset
and the unblock (``pin_reset``).

:func:`allow_card_step`: the permission (S3), the clerk's own open session with the holder
(Q7), then — every refusal audited as ``password.<kind>.refused`` (``refusals``) — the
session's card in use and the use case's own checks (ID document, new PIN, the same card,
a supervisor's approval); last, the password event written ahead (``pin_events``), so a
database that is down refuses while the card is still unchanged. The card step and the
record step follow, in-process or apart in the city (``server.card_steps``,
``remote.card_ops``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from counter_app.models.audit_actions import AuditAction
from counter_app.models.security import PasswordEventKind
from counter_app.services import pin_events, registered_forms
from counter_app.services.context import Actor, ServiceContext
from counter_app.services.permissions import Action
from counter_app.services.pin_events import Subject, session_card
from counter_app.services.refusals import refusals_audited, require
from counter_app.services.sessions import HolderSession, require_open
from reader.identity import CardIdentity

#: The audit action of each counter password use case (its refusals: ``<action>.refused``).
_AUDIT_ACTION = {
    PasswordEventKind.PIN_CHANGE: AuditAction.PIN_CHANGE,
    PasswordEventKind.PIN_RESET: AuditAction.PIN_RESET,
    PasswordEventKind.PIN_UNBLOCK: AuditAction.PIN_UNBLOCK,
}


@dataclass(frozen=True)
class Allowed:
    """What the rules allowed for one card step: the written-ahead event and the card."""

    event_id: int
    subject: Subject = field(repr=False)
    card_id_code: str


def allow_card_step(
    ctx: ServiceContext,
    actor: Actor,
    session: HolderSession,
    permission: Action,
    kind: PasswordEventKind,
    checks: Callable[[Subject], CardIdentity],
    *,
    receipt: bool = False,
) -> Allowed:
    """The rule step (module docstring). ``checks(subject)`` runs the use case's own
    checks for the session's card and returns the chip's identity (the same card). With
    ``receipt`` the forms' key must be there too (the receipt is issued after the card
    confirmed: a missing key refuses before the card is touched)."""
    require(ctx, actor, permission, holder_id=session.holder_id)
    require_open(ctx, session, actor)
    with refusals_audited(
        ctx, actor, _AUDIT_ACTION[kind], holder_id=session.holder_id, card_id=session.card_id
    ):
        subject = session_card(ctx, session)
        identity = checks(subject)
    if receipt:
        registered_forms.form_key(ctx.settings)
    event_id = pin_events.open_event(ctx, actor, kind, subject.holder_id, subject.card_id)
    return Allowed(event_id, subject, identity.card_id_code)
