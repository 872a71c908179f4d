"""The tamper-evident audit trail (RULES Q7): the one entry point services use.

:func:`record` appends one event **in the caller's transaction** to the hash chain of the
workstation (or outside channel) that acted — no row shared by the city is locked, so no
clerk waits on another's audit (``audit_chain``; docs/SCALING.md). Positions in a chain
never skip; if the business transaction rolls back, so does its audit event.

The pieces live in small modules re-exported here:

- ``audit_canon``: what is hashed and how (canonical JSON, SHA-256 links, Merkle roots);
  secrets refused in details.
- ``audit_chain``: the append.
- ``audit_seal``: city seals over every chain head, and the day checkpoint.
- ``audit_verify``: the first broken link of each chain, the seals and the checkpoints.

Details never hold a password or PIN (docs/ARCHITECTURE.md "PIN entry"): :func:`record` refuses any
key that is named like one (``pin``, ``password``, ``passwd``, ``pwd``, ``puk``, ``secret``)
with :class:`AuditSecretRejected`, whatever its value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from counter_app.models.audit import AuditCheckpoint
from counter_app.services.audit_canon import (
    AuditSecretRejected,
    canonical_json,
    chain_hash,
    content_of_row,
    event_content,
    format_at,
    genesis_of,
    hash_of,
    merkle_root,
    normalise_details,
)
from counter_app.services.audit_chain import AppendedEvent, append, chain_name
from counter_app.services.audit_seal import (
    SHANGHAI,
    AuditChainCorrupt,
    day_bounds,
    latest_checkpoint,
    seal,
)
from counter_app.services.audit_seal import checkpoint_day as _checkpoint_day
from counter_app.services.audit_verify import AuditReport, Break, ChainReport, verify_chain
from counter_app.services.context import Actor
from counter_app.services.precompiled import Db
from counter_app.services.uow import LookupUnit, UnitOfWork

__all__ = [
    "SHANGHAI",
    "AppendedEvent",
    "AuditChainCorrupt",
    "AuditReport",
    "AuditSecretRejected",
    "Break",
    "ChainReport",
    "canonical_json",
    "chain_hash",
    "chain_name",
    "checkpoint_day",
    "content_of_row",
    "day_bounds",
    "event_content",
    "format_at",
    "genesis_of",
    "hash_of",
    "latest_checkpoint",
    "merkle_root",
    "normalise_details",
    "record",
    "seal",
    "verify_chain",
]


def _session_of(uow_or_session: UnitOfWork | Session) -> Session:
    return uow_or_session.session if isinstance(uow_or_session, UnitOfWork) else uow_or_session


def record(
    uow_or_session: UnitOfWork | LookupUnit | Db,
    actor: Actor | None,
    action: str,
    *,
    holder_id: int | None = None,
    card_id: int | None = None,
    category: str | None = None,
    reason: str | None = None,
    outcome: str = "success",
    details: Mapping[str, Any] | None = None,
    at: dt.datetime | None = None,
    workstation: str | None = None,
) -> AppendedEvent:
    """Append one event to the acting workstation's chain in the caller's transaction.

    ``actor`` None means the system or an outside channel (12333); ``workstation`` then
    names the channel (and its chain). ``outcome`` is one of success/failed/refused/unknown.
    ``details`` must be JSON-able and may never carry a key named like a password or PIN
    (:class:`AuditSecretRejected`). Nothing is committed here: the caller's commit or
    rollback decides for the business change and its audit event together.
    """
    if isinstance(uow_or_session, UnitOfWork):
        db: Db = uow_or_session.session
    elif isinstance(uow_or_session, LookupUnit):
        db = uow_or_session.db
    else:
        db = uow_or_session
    return append(
        db,
        staff_id=actor.staff_id if actor else None,
        office_id=actor.office_id if actor else None,
        workstation=workstation or (actor.workstation_id if actor else None),
        action=action,
        holder_id=holder_id,
        card_id=card_id,
        category=category,
        reason=reason,
        outcome=outcome,
        details=details,
        at=at,
    )


def checkpoint_day(
    uow_or_session: UnitOfWork | Session, day: dt.date, *, at: dt.datetime | None = None
) -> AuditCheckpoint:
    """Store (once) the day seal of ``day`` and its checkpoint (``audit_seal``)."""
    return _checkpoint_day(_session_of(uow_or_session), day, at=at)
