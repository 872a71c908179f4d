"""The checks before a holder's records are shown, in one statement (RULES Q7, S1–S3).

:func:`check_view` asks, in the record view's own transaction and in one round trip, what
``sessions.check_open`` and ``staff_active.still_active`` would ask in two: is the holder
session open, the clerk's own, at this workstation — and is the clerk's account still
active? The statement is built once at import (SQLAlchemy caches its compiled form).
"""

from __future__ import annotations

from sqlalchemy import bindparam, select

from counter_app.models.holder_session import HolderSessionRow
from counter_app.models.office import Staff
from counter_app.services.context import Actor
from counter_app.services.errors import SessionEnded, SessionRequired
from counter_app.services.precompiled import Db, Precompiled
from counter_app.services.sessions import HolderSession

# Table columns, not ORM attributes: a Core statement skips the ORM's result set-up.
_hs = HolderSessionRow.__table__.c
_staff = Staff.__table__.c
_CHECK = Precompiled(
    select(
        _hs.holder_id,
        _hs.staff_id,
        _hs.workstation,
        _hs.closed_at,
        select(_staff.active)
        .where(_staff.id == bindparam("staff_id"))
        .scalar_subquery()
        .label("staff_active"),
    ).where(_hs.id == bindparam("session_id"))
)


def check_view(db: Db, session: HolderSession, actor: Actor) -> bool:
    """Raise ``SessionRequired`` / ``SessionEnded`` as ``sessions.check_open`` does; return
    whether the clerk's account is still active (False: the caller refuses, audited)."""
    row = _CHECK.first(db, {"session_id": session.session_id, "staff_id": actor.staff_id})
    if row is None or row.holder_id != session.holder_id:
        raise SessionRequired()
    if row.staff_id != actor.staff_id or (
        row.workstation is not None and row.workstation != actor.workstation_id
    ):
        raise SessionRequired()
    if row.closed_at is not None:
        raise SessionEnded()
    return bool(row.staff_active)
