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

A seal stores as leaves only what it changes (docs/SCALING.md §8): a ``day`` seal lists
every chain (it *replaces* the picture), a ``heads`` seal the chains that moved since the
seal before it (it *overwrites* those). Its root and chain count are over every chain all
the same, so each seal still binds the whole city; :func:`apply_leaves` is the one rule by
which the sealer and ``audit_verify`` rebuild the picture. A seal written before this rule
listed every chain, which overwrites to the same picture.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable
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
#: Every chain as a seal leaves it: chain -> (position, hash).
Picture = dict[str, tuple[int, str]]


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


def apply_leaves(before: Picture, kind: str, leaves: Iterable[Leaf]) -> Picture:
    """The picture of every chain after a seal of ``kind`` with ``leaves``: a day seal
    replaces ``before``, a heads seal overwrites the chains it lists."""
    after: Picture = {} if kind == "day" else dict(before)
    for chain, seq, hash_ in leaves:
        after[chain] = (seq, hash_)
    return after


def leaves_in(picture: Picture) -> list[Leaf]:
    return [(chain, seq, hash_) for chain, (seq, hash_) in sorted(picture.items())]


#: Seal hash -> the picture that seal binds, as this process last wrote or rebuilt it. A
#: seal's hash binds its root, so a picture found by the newest seal's hash is that seal's.
_pictures: dict[str, Picture] = {}
_pictures_lock = threading.Lock()
_PICTURES_KEPT = 4


def _remember(seal_hash_: str, picture: Picture) -> None:
    with _pictures_lock:
        _pictures[seal_hash_] = picture
        while len(_pictures) > _PICTURES_KEPT:
            del _pictures[next(iter(_pictures))]


def sealed_picture(session: Session, head: AuditChainHead) -> Picture | None:
    """Every chain as the newest seal binds it ({} before the first seal); None when the
    stored leaves do not add up to that seal's root (tampered: ``audit verify`` says where).

    Remembered from this process's last seal; otherwise rebuilt from the newest day seal
    (or the first seal) on, one statement for the leaves."""
    if head.last_seq == 0:
        return {}
    with _pictures_lock:
        known = _pictures.get(head.last_hash)
    if known is not None:
        return known
    start = (
        session.scalar(
            select(func.max(AuditSeal.id)).where(
                AuditSeal.kind == "day", AuditSeal.id <= head.last_seq
            )
        )
        or 1
    )
    seals = session.execute(
        select(AuditSeal.id, AuditSeal.kind, AuditSeal.root)
        .where(AuditSeal.id >= start, AuditSeal.id <= head.last_seq)
        .order_by(AuditSeal.id)
    ).all()
    rows: dict[int, list[Leaf]] = {}
    for r in session.execute(
        select(
            AuditSealHead.seal_id, AuditSealHead.chain, AuditSealHead.chain_seq, AuditSealHead.hash
        ).where(AuditSealHead.seal_id >= start, AuditSealHead.seal_id <= head.last_seq)
    ):
        rows.setdefault(int(r.seal_id), []).append((r.chain, int(r.chain_seq), r.hash))
    picture: Picture = {}
    for seal_id, kind, _root in seals:
        picture = apply_leaves(picture, kind, rows.get(seal_id, []))
    if (
        not seals
        or int(seals[-1].id) != head.last_seq
        or merkle_root(leaves_in(picture)) != seals[-1].root
    ):
        return None
    _remember(head.last_hash, picture)
    return picture


def _write_seal(
    session: Session,
    head: AuditChainHead,
    kind: str,
    day: dt.date | None,
    picture: Picture,
    stored: list[Leaf],
    at: dt.datetime,
) -> AuditSeal:
    """Seal ``picture`` (every chain), storing ``stored`` as its leaves."""
    seal_id = head.last_seq + 1
    root = merkle_root(leaves_in(picture))
    hash_ = seal_hash(
        id_=seal_id,
        kind=kind,
        day=day,
        at=at,
        chains=len(picture),
        root=root,
        prev_hash=head.last_hash,
    )
    seal = AuditSeal(
        id=seal_id,
        kind=kind,
        day=day,
        at=at,
        chains=len(picture),
        root=root,
        prev_hash=head.last_hash,
        hash=hash_,
    )
    session.add(seal)
    session.flush()
    if stored:
        session.execute(
            insert(AuditSealHead),
            [{"seal_id": seal_id, "chain": c, "chain_seq": s, "hash": h} for c, s, h in stored],
        )
    head.last_seq = seal_id
    head.last_hash = hash_
    session.flush()
    _remember(hash_, picture)
    return seal


def seal(
    session: Session, *, at: dt.datetime | None = None, force: bool = False
) -> AuditSeal | None:
    """Seal every chain head as committed now; None when nothing moved since the last seal.

    Stores as leaves the heads that moved since the newest seal (every head when the
    stored seals do not add up). Runs in the caller's transaction (commit it). Locks only
    the seal head row.
    """
    when = (at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    head = _lock_seal_head(session)
    now: Picture = {
        r.name: (int(r.last_seq), r.last_hash)
        for r in session.execute(
            select(AuditChain.name, AuditChain.last_seq, AuditChain.last_hash).where(
                AuditChain.last_seq > 0
            )
        )
    }
    before = sealed_picture(session, head)
    if not force and head.last_seq > 0 and before == now:
        return None
    if before is None:
        moved = leaves_in(now)
    else:
        moved = [(c, s, h) for c, (s, h) in sorted(now.items()) if before.get(c) != (s, h)]
    return _write_seal(session, head, "heads", None, now, moved, when)


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
    leaves = day_leaves(session, day)
    picture: Picture = {c: (s, h) for c, s, h in leaves}
    sealed = _write_seal(session, head, "day", day, picture, leaves, when)
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
    "Picture",
    "apply_leaves",
    "checkpoint_day",
    "day_bounds",
    "day_leaves",
    "latest_checkpoint",
    "leaves_in",
    "seal",
    "sealed_picture",
]
