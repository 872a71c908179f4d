"""A holder's full contact phone, revealed to staff who must call them (RULES L2, E3, Q7).

The lists that name a holder to call back show the phone masked (138****1234,
:func:`masked_phone`); one number is shown whole only through :func:`reveal_phone`: the
permission checked, the listed thing looked up again under the list's own rule, and one
audit event in the same transaction — who (the actor), when, whose (the holder and the
card), why (the action: which list and which entry) — never the number itself. A refusal
is audited as ``<action>.refused``.

Used by the lapsing phone reports (``phone_reports.reveal_lapsing_phone``, L2) and the
follow-ups of poor ratings (``followups.reveal_followup_phone``, E3's 回访).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from counter_app.services import audit
from counter_app.services.context import Actor, ServiceContext
from counter_app.services.errors import ServiceError
from counter_app.services.permissions import Action
from counter_app.services.refusals import refusals_audited, require
from forms.masking import mask_phone


@dataclass(frozen=True)
class PhoneOnRecord:
    """What the look-up found: whose phone it is and what the audit event names."""

    holder_id: int
    card_id: int | None
    phone: str | None
    #: The listed entry (``report_id``, ``followup_id`` …): JSON-able, never the number.
    details: Mapping[str, Any] = field(default_factory=dict)


#: The list's rule, in the reveal's transaction: the entry's phone, or None when the actor
#: may not see it (gone from the list, another office's or district's).
FindPhone = Callable[[Session, dt.datetime], PhoneOnRecord | None]


def masked_phone(number: str | None) -> str:
    """The number as a list shows it (first three and last four digits); "" for none."""
    return mask_phone(number) if number else ""


def reveal_phone(
    ctx: ServiceContext,
    actor: Actor,
    permission: Action,
    action: str,
    find: FindPhone,
    not_found: type[ServiceError],
) -> str:
    """The full number ``find`` names ("" when none is registered), audited as ``action``.

    Raises :class:`NotPermitted` (without ``permission``) or ``not_found`` (``find`` gave
    None) — both audited."""
    require(ctx, actor, permission)
    with refusals_audited(ctx, actor, action):
        with ctx.uow() as uow:
            now = ctx.now()
            found = find(uow.session, now)
            if found is None:
                raise not_found()
            audit.record(
                uow,
                actor,
                action,
                holder_id=found.holder_id,
                card_id=found.card_id,
                at=now,
                details=dict(found.details),
            )
            uow.commit()
    return str(found.phone or "")
