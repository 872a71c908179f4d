"""An ID card read once and used again in the same service, marked as such in the audit
trail (RULES E1 one case per holder's service, Q7 how the holder was identified; IDCARD.md).

The reader cannot read a card again until it is lifted and placed again, so the next
action of the same service may use the chip document the service accepted earlier
(使用本次服务已核验的身份证, ``ui/id_chip.py``): the clerk confirms it is the same card
and the service checks it again like any document. Its audit event must not look like a
fresh chip read: :func:`reuse_details` adds

- ``id_reused: same_case`` — the workstation says the document is the earlier one
  (``IdDocument.reused``, a typed flag, never free text); and, from what the service
  itself recorded:
- ``reused_from``: the ``seq`` of the first successful event of this clerk's open session
  with the holder that recorded a chip check by the same reader (SAM ID), and
  ``reused_event_at`` that event's time (UTC) — or ``reused_from: unrecorded`` when the
  trail holds none (the earlier check was accepted but its action was not completed, e.g.
  cancelled).

``reused_event_at`` is when the earlier action was recorded, not when the chip was read:
an action records its event when it is done (a PIN change: after the holder typed the new
password twice and the card took it), minutes after the read. The service never learns
the read's time — neither the reader's data (``reader.idcard.IdCardData``) nor the
document (``IdDocument``) carries one, and the workstation's clock is not the server's —
so none is claimed here.

A typed document is never a reuse (only chip reads are offered again): the flag is
ignored there. Nothing of the document itself is added (no number, no name).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from counter_app.models.audit import AuditEvent
from counter_app.models.holder_session import HolderSessionRow
from counter_app.models.security import PasswordEvent
from counter_app.services.audit_canon import format_at
from counter_app.services.context import Actor, ServiceContext
from counter_app.services.idcheck import CheckMethod, IdDocumentLike, id_check_details

SAME_CASE = "same_case"
UNRECORDED = "unrecorded"


def claims_reuse(document: object) -> bool:
    """The workstation offered this chip document again (a typed one never is)."""
    return (
        getattr(document, "reused", False) is True
        and getattr(document, "method", None) == CheckMethod.CHIP
    )


def reuse_details(db: Session, actor: Actor, holder_id: int, document: object) -> dict[str, str]:
    """The marker (module docstring) for ``document`` used by ``actor`` for ``holder_id``,
    read in the caller's transaction; empty for a document that is not a reuse."""
    if not claims_reuse(document):
        return {}
    marker = {"id_reused": SAME_CASE, "reused_from": UNRECORDED}
    opened = db.scalars(
        select(HolderSessionRow.opened_at)
        .where(
            HolderSessionRow.holder_id == holder_id,
            HolderSessionRow.staff_id == actor.staff_id,
            HolderSessionRow.closed_at.is_(None),
        )
        .order_by(HolderSessionRow.opened_at.desc())
        .limit(1)
    ).first()
    if opened is None:
        return marker
    sam_id = str(getattr(document, "sam_id", ""))
    rows = db.execute(
        select(AuditEvent.seq, AuditEvent.at, AuditEvent.details)
        .where(
            AuditEvent.holder_id == holder_id,
            AuditEvent.at >= opened,
            AuditEvent.staff_id == actor.staff_id,
            AuditEvent.outcome == "success",
        )
        .order_by(AuditEvent.seq)
    ).all()
    for seq, at, details in rows:
        if _chip_check_by(details, sam_id):
            marker.update(reused_from=str(seq), reused_event_at=format_at(_aware(at)))
            break
    return marker


def checked_details(
    ctx: ServiceContext,
    actor: Actor,
    document: IdDocumentLike,
    *,
    holder_id: int | None = None,
    event_id: int | None = None,
) -> dict[str, str]:
    """``idcheck.id_check_details`` with the marker, in a short read of its own — for a
    record step that settles a password event (``pin_events.settle_event``): the holder
    is ``holder_id``, or that of the password event ``event_id``."""
    details = id_check_details(document)
    if not claims_reuse(document):
        return details
    with ctx.uow() as uow:
        if holder_id is None and event_id is not None:
            event = uow.session.get(PasswordEvent, event_id)
            holder_id = event.holder_id if event is not None else None
        if holder_id is not None:
            details.update(reuse_details(uow.session, actor, holder_id, document))
    return details


def _chip_check_by(details: Any, sam_id: str) -> bool:
    return (
        isinstance(details, dict)
        and details.get("id_check") == CheckMethod.CHIP.value
        and bool(sam_id)
        and details.get("sam_id") == sam_id
    )


def _aware(at: dt.datetime) -> dt.datetime:
    """SQLite gives naive UTC datetimes back."""
    return at.replace(tzinfo=dt.UTC) if at.tzinfo is None else at
