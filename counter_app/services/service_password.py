"""The web/12333 query password's reset at the counter (RULES P8).

After an ID check the holder gets a random one-time query password (digits, for phone
keypads): shown once, stored only as an argon2 hash, good for one login within
``service_password_one_time_hours``, at which the holder must set their own
(``service_login``). Not a card PIN: no card command, no receipt.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field

from counter_app.models.audit_actions import AuditAction
from counter_app.models.holder import Holder
from counter_app.models.security import Outcome, PasswordEvent, PasswordEventKind, ServicePassword
from counter_app.services import audit
from counter_app.services.context import Actor, ServiceContext
from counter_app.services.errors import CardNotFound
from counter_app.services.idcheck import IdDocumentLike, check_id, id_check_details
from counter_app.services.idcheck_reuse import reuse_details
from counter_app.services.password_hashing import hash_password
from counter_app.services.permissions import Action
from counter_app.services.refusals import refusals_audited, require
from counter_app.services.sessions import HolderSession, require_open

#: Digits of a one-time query password (P8): keyed on a phone keypad, so digits only.
ONE_TIME_DIGITS = 8


@dataclass(frozen=True)
class OneTimePassword:
    """RULES P8: shown to the holder once; only its argon2 hash is stored."""

    holder_id: int
    value: str = field(repr=False)
    must_change: bool = True
    #: RULES P8: the value stops working at this time (UTC) if not used and replaced before
    #: (setting ``service_password_one_time_hours``); shown to the holder with the value.
    valid_until: dt.datetime | None = None

    def __str__(self) -> str:
        return "<OneTimePassword (hidden)>"


# --------------------------------------------------------------------------- P8


def reset_service_password(
    ctx: ServiceContext, actor: Actor, session: HolderSession, document: IdDocumentLike
) -> OneTimePassword:
    """RULES P8: after an ID check, a random one-time query password (digits, for phone
    keypads) — shown once, stored only as an argon2 hash, to be changed at the next use."""
    require(ctx, actor, Action.RESET_SERVICE_PASSWORD, holder_id=session.holder_id)
    require_open(ctx, session, actor)
    with refusals_audited(
        ctx, actor, AuditAction.SERVICE_PASSWORD_RESET, holder_id=session.holder_id
    ):
        with ctx.uow() as uow:
            db = uow.session
            holder = db.get(Holder, session.holder_id)
            if holder is None:
                raise CardNotFound()
            check_id(ctx, Action.RESET_SERVICE_PASSWORD, holder, document)
            value = _one_time_value()
            now = ctx.now()
            row = db.get(ServicePassword, holder.id, with_for_update=True)
            if row is None:
                row = ServicePassword(holder_id=holder.id, password_hash="")
                db.add(row)
            row.password_hash = hash_password(value)
            row.must_change = True
            row.set_at = now
            row.set_by_staff_id = actor.staff_id
            row.failed_attempts = 0
            row.locked_until = None
            event = PasswordEvent(
                at=now,
                kind=PasswordEventKind.SERVICE_PASSWORD_RESET,
                channel="counter",
                holder_id=holder.id,
                staff_id=actor.staff_id,
                office_id=actor.office_id,
                workstation=actor.workstation_id,
                outcome=Outcome.SUCCESS,
            )
            db.add(event)
            db.flush()
            audit.record(
                db,
                actor,
                AuditAction.SERVICE_PASSWORD_RESET,
                holder_id=holder.id,
                details={
                    "event_id": event.id,
                    "must_change": True,
                    **id_check_details(document),
                    **reuse_details(db, actor, holder.id, document),  # RULES E1
                },
                at=now,
            )
            uow.commit()
        valid = dt.timedelta(hours=ctx.settings.service_password_one_time_hours)
        return OneTimePassword(holder.id, value, valid_until=now + valid)


def _one_time_value() -> str:
    """Random digits that are not weak (P7's rule applies to query passwords too)."""
    while True:
        value = "".join(secrets.choice("0123456789") for _ in range(ONE_TIME_DIGITS))
        steps = {ord(b) - ord(a) for a, b in zip(value, value[1:], strict=False)}
        if steps not in ({0}, {1}, {-1}):
            return value
