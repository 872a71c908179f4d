"""Is the acting staff member still allowed to work? (RULES S1–S3: only active accounts.)

An ``Actor`` is built once at login and held by the workstation; the account may be
disabled meanwhile on another workstation. :func:`ensure_active` is consulted by the one
permission check every use case goes through (``refusals.require`` and the staff
administration's own check), so a disabled account is refused at its very next service call
on every workstation, whatever that call is — not only at the UI's next heartbeat.
:func:`still_active` is the same question without raising, for the UI's heartbeat timer.
"""

from __future__ import annotations

from sqlalchemy import bindparam, select

from counter_app.models.office import Staff
from counter_app.services.context import Actor, ServiceContext
from counter_app.services.errors import StaffAccountDisabled
from counter_app.services.precompiled import Db, Precompiled

#: Built once at import (every service call asks it), run on the DB-API cursor.
_ACTIVE = Precompiled(select(Staff.active).where(Staff.id == bindparam("staff_id")))


def active_in(session: Db, actor: Actor) -> bool:
    """:func:`still_active` inside the caller's transaction (one short read)."""
    return bool(_ACTIVE.scalar(session, {"staff_id": actor.staff_id}))


def still_active(ctx: ServiceContext, actor: Actor) -> bool:
    """True while ``actor``'s account exists and is not disabled (one short read)."""
    with ctx.read_uow() as uow:
        return active_in(uow.session, actor)


def ensure_active(ctx: ServiceContext, actor: Actor) -> None:
    """Raise :class:`StaffAccountDisabled` when ``actor``'s account was disabled (or removed):
    the UI locks and asks for a login, which a disabled account cannot pass."""
    if not still_active(ctx, actor):
        raise StaffAccountDisabled()
