"""City checkpoints of the audit trail: seals over every chain head (docs/SCALING.md).

A seal binds, under one Merkle root, the position and hash of every chain at one moment,
and links to the previous seal; the newest seal is named by the single row of
``audit_chain_head``. Only the sealer (``counter-admin audit seal``, run every few minutes,
and :func:`checkpoint_day` at night) locks that row: no clerk's action reads or waits on
it. Reading the chain heads takes no lock (each head is committed with its event).

What a seal adds to the chains' own links: a chain cut back at its tail and its head row
rewritten to match is caught if a seal bound the lost events; a chain rewritten from some
event on is caught at the first sealed event it changed; the day seal fixes which events
belong to a day (an event dated inside a sealed day but written after the seal is caught).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from counter_app.models.audit import (
    GENESIS_HASH,
    AuditChain,
    AuditChainHead,
    AuditCheckpoint,
    AuditEvent,
    AuditSeal,
    AuditSealHead,
)
from counter_app.services.audit_canon import merkle_root, seal_hash

SHANGHAI = ZoneInfo("Asia/Shanghai")

Leaf = tuple[str, int, str]


class AuditChainCorrupt(RuntimeError):
    """The seal head row is missing: the database was not migrated (``db upgrade``)."""


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Start and end (exclusive) of ``day`` in Asia/Shanghai, as UTC datetimes."""
    start = dt.datetime.combine(day, dt.time(), tzinfo=SHANGHAI)
    end = start + dt.timedelta(days=1)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def _lock_seal_head(session: Session) -> AuditChainHead:
    head = session.execute(
        select(AuditChainHead)
        .where(AuditChainHead.id == 1)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if head is None:
        raise AuditChainCorrupt("audit_chain_head row missing; run `counter-admin db upgrade`")
    return head


def leaves_of(session: Session, seal_id: int) -> list[Leaf]:
    rows = session.execute(
        select(AuditSealHead.chain, AuditSealHead.chain_seq, AuditSealHead.hash)
        .where(AuditSealHead.seal_id == seal_id)
        .order_by(AuditSealHead.chain)
    )
    return [(r.chain, int(r.chain_seq), r.hash) for r in rows]


def _write_seal(
    session: Session,
    head: AuditChainHead,
    kind: str,
    day: dt.date | None,
    leaves: list[Leaf],
    at: dt.datetime,
) -> AuditSeal:
    seal_id = head.last_seq + 1
    root = merkle_root(leaves)
    hash_ = seal_hash(
        id_=seal_id,
        kind=kind,
        day=day,
        at=at,
        chains=len(leaves),
        root=root,
        prev_hash=head.last_hash,
    )
    seal = AuditSeal(
        id=seal_id,
        kind=kind,
        day=day,
        at=at,
        chains=len(leaves),
        root=root,
        prev_hash=head.last_hash,
        hash=hash_,
    )
    session.add(seal)
    session.flush()
    if leaves:
        session.execute(
            insert(AuditSealHead),
            [{"seal_id": seal_id, "chain": c, "chain_seq": s, "hash": h} for c, s, h in leaves],
        )
    head.last_seq = seal_id
    head.last_hash = hash_
    session.flush()
    return seal


def seal(
    session: Session, *, at: dt.datetime | None = None, force: bool = False
) -> AuditSeal | None:
    """Seal every chain head as committed now; None when nothing moved since the last seal.

    Runs in the caller's transaction (commit it). Locks only the seal head row.
    """
    when = (at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    head = _lock_seal_head(session)
    leaves = [
        (r.name, int(r.last_seq), r.last_hash)
        for r in session.execute(
            select(AuditChain.name, AuditChain.last_seq, AuditChain.last_hash)
            .where(AuditChain.last_seq > 0)
            .order_by(AuditChain.name)
        )
    ]
    if not force and head.last_seq > 0:
        previous = session.scalar(select(func.max(AuditSeal.id)).where(AuditSeal.kind == "heads"))
        if previous is not None and leaves_of(session, previous) == leaves:
            return None
    return _write_seal(session, head, "heads", None, leaves, when)


def day_leaves(session: Session, day: dt.date) -> list[Leaf]:
    """Every chain's last event dated before the end of ``day`` (Asia/Shanghai)."""
    _, end = day_bounds(day)
    last = (
        select(AuditEvent.chain, func.max(AuditEvent.chain_seq).label("last"))
        .where(AuditEvent.at < end)
        .group_by(AuditEvent.chain)
        .subquery()
    )
    rows = session.execute(
        select(AuditEvent.chain, AuditEvent.chain_seq, AuditEvent.hash)
        .join(last, (AuditEvent.chain == last.c.chain) & (AuditEvent.chain_seq == last.c.last))
        .order_by(AuditEvent.chain)
    )
    return [(r.chain, int(r.chain_seq), r.hash) for r in rows]


def checkpoint_day(
    session: Session, day: dt.date, *, at: dt.datetime | None = None
) -> AuditCheckpoint:
    """Store (once) the day seal of ``day`` and its checkpoint row for the daily report.

    The day seal binds each chain's last event dated before midnight (Asia/Shanghai); the
    checkpoint row names the seal (``seq`` = seal id, ``hash`` = seal hash) and is printed,
    so a later rewrite disagrees with paper. Calling again returns the stored checkpoint.
    Run it once the day's last transactions have committed (the CLI waits ten minutes
    after midnight): an event dated inside a sealed day but written after it fails verify.
    """
    existing = session.get(AuditCheckpoint, day)
    if existing is not None:
        return existing
    when = (at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    head = _lock_seal_head(session)
    sealed = _write_seal(session, head, "day", day, day_leaves(session, day), when)
    checkpoint = AuditCheckpoint(day=day, seq=sealed.id, hash=sealed.hash, at=when, kind="seal")
    session.add(checkpoint)
    session.flush()
    return checkpoint


def latest_checkpoint(session: Session) -> AuditCheckpoint | None:
    """The newest day checkpoint, for the daily report."""
    return session.scalars(
        select(AuditCheckpoint).order_by(AuditCheckpoint.day.desc()).limit(1)
    ).first()


__all__ = [
    "GENESIS_HASH",
    "AuditChainCorrupt",
    "checkpoint_day",
    "day_bounds",
    "day_leaves",
    "latest_checkpoint",
    "leaves_of",
    "seal",
]
