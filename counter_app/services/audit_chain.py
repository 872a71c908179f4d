"""Appending to the audit trail: one chain per workstation, no city-wide lock (RULES Q7).

:func:`append` writes one event **in the caller's transaction** to the chain of the
workstation (or outside channel) that did the action. It moves that chain's head in
``audit_chains`` and inserts the event: two statements, and the only row locked is the
workstation's own chain head, which no other workstation touches — so no clerk anywhere
in the city waits on another's audit (docs/SCALING.md "Audit trail").

The head is remembered per process: the append moves it with a conditional ``UPDATE …
WHERE last_seq = :seen AND last_hash = :seen_hash``. If another process of the same chain
moved it, or the caller's transaction rolled back, the update matches no row and the head
is read under ``FOR UPDATE`` instead (and the chain row created on first use). Either way
the position is gap-free and the link is the true predecessor's hash: if the business
transaction rolls back, the event and the head move go with it.
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, Table, bindparam, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert

from counter_app.models.audit import AuditChain, AuditEvent
from counter_app.models.security import OUTCOMES
from counter_app.services.audit_canon import (
    chain_hash,
    event_content,
    genesis_of,
    normalise_details,
)
from counter_app.services.precompiled import Db, Precompiled

#: Column widths of ``audit_events`` (models/audit.py); longer text is cut before hashing so
#: that what is hashed is exactly what PostgreSQL stores.
WIDTHS = {"action": 48, "category": 32, "reason": 200, "workstation": 32, "chain": 32}
#: The chain of events written by no workstation and no named channel.
SYSTEM_CHAIN = "system"

_chains: Table = AuditChain.__table__  # type: ignore[assignment]
_events: Table = AuditEvent.__table__  # type: ignore[assignment]

# Statements built once and run on the DB-API cursor (services/precompiled.py): the append
# runs once per audited action.
_MOVE_SEEN_HEAD = Precompiled(
    update(_chains)
    .where(
        _chains.c.name == bindparam("c_name"),
        _chains.c.last_seq == bindparam("c_seen_seq"),
        _chains.c.last_hash == bindparam("c_seen_hash"),
    )
    .values(last_seq=bindparam("c_seq"), last_hash=bindparam("c_hash"))
)
_MOVE_LOCKED_HEAD = Precompiled(
    update(_chains)
    .where(_chains.c.name == bindparam("c_name"))
    .values(last_seq=bindparam("c_seq"), last_hash=bindparam("c_hash"))
)
_LOCK_HEAD = Precompiled(
    select(_chains.c.last_seq, _chains.c.last_hash)
    .where(_chains.c.name == bindparam("c_name"))
    .with_for_update()
)
#: The columns an append writes (``seq`` is the database's), in one order for every writer.
EVENT_COLUMNS = (
    "chain",
    "chain_seq",
    "at",
    "staff_id",
    "office_id",
    "workstation",
    "action",
    "category",
    "holder_id",
    "card_id",
    "reason",
    "outcome",
    "details",
    "prev_hash",
    "hash",
)
_INSERT_EVENT = Precompiled(insert(_events).returning(_events.c.seq), column_keys=EVENT_COLUMNS)
_NEW_CHAIN: dict[str, Insert] = {
    "postgresql": postgresql.insert(_chains).on_conflict_do_nothing(index_elements=["name"]),
    "sqlite": sqlite.insert(_chains).on_conflict_do_nothing(index_elements=["name"]),
}

#: (database, chain) -> (last_seq, last_hash) as this process last left it.
_seen: dict[tuple[str, str], tuple[int, str]] = {}
_seen_lock = threading.Lock()


@dataclass(frozen=True)
class AppendedEvent:
    """What :func:`append` wrote: ``seq`` is the row number, ``chain_seq`` the position."""

    seq: int
    chain: str
    chain_seq: int
    at: dt.datetime
    hash: str
    details: dict[str, Any] | None


def cut(name: str, value: str | None) -> str | None:
    return None if value is None else value[: WIDTHS[name]]


def chain_name(workstation: str | None) -> str:
    """The chain an event of ``workstation`` (None: the system) belongs to."""
    return cut("chain", workstation) or SYSTEM_CHAIN


_keys: weakref.WeakKeyDictionary[Engine, str] = weakref.WeakKeyDictionary()


def _database_key(db: Db) -> str:
    engine = db.connection().engine
    known = _keys.get(engine)
    if known is None:
        known = _keys[engine] = engine.url.render_as_string(hide_password=True)
    return known


def _next_position(db: Db, chain: str) -> tuple[int, str]:
    """Lock the chain head (creating the chain on first use) and return it."""
    row = _LOCK_HEAD.first(db, {"c_name": chain})
    if row is None:
        conn = db.connection()
        conn.execute(
            _NEW_CHAIN[conn.dialect.name],
            {"name": chain, "last_seq": 0, "last_hash": genesis_of(chain)},
        )
        row = _LOCK_HEAD.first(db, {"c_name": chain})
        assert row is not None  # created or found by the INSERT above, locked
    return int(row.last_seq), str(row.last_hash)


def append(
    session: Db,
    *,
    staff_id: int | None,
    office_id: int | None,
    workstation: str | None,
    action: str,
    holder_id: int | None = None,
    card_id: int | None = None,
    category: str | None = None,
    reason: str | None = None,
    outcome: str = "success",
    details: Mapping[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> AppendedEvent:
    """Append one event to ``workstation``'s chain in the caller's transaction."""
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown audit outcome {outcome!r}")
    clean_details = normalise_details(details)
    when = (at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    station = cut("workstation", workstation)
    chain = chain_name(station)
    row: dict[str, Any] = {
        "at": when,
        "staff_id": staff_id,
        "office_id": office_id,
        "workstation": station,
        "action": cut("action", action) or action,
        "category": cut("category", category),
        "holder_id": holder_id,
        "card_id": card_id,
        "reason": cut("reason", reason),
        "outcome": outcome,
        "details": clean_details,
    }
    key = (_database_key(session), chain)
    with _seen_lock:
        seen = _seen.get(key)

    def build(last_seq: int, last_hash: str) -> tuple[int, str]:
        position = last_seq + 1
        content = event_content(seq=position, prev_hash=last_hash, **row)
        return position, chain_hash(last_hash, content)

    moved = False
    if seen is not None:
        position, hash_ = build(*seen)
        values = {
            "c_name": chain,
            "c_seen_seq": seen[0],
            "c_seen_hash": seen[1],
            "c_seq": position,
            "c_hash": hash_,
        }
        moved = _MOVE_SEEN_HEAD.run(session, values) == 1
        prev_hash = seen[1]
    if not moved:
        last_seq, prev_hash = _next_position(session, chain)
        position, hash_ = build(last_seq, prev_hash)
        _MOVE_LOCKED_HEAD.run(session, {"c_name": chain, "c_seq": position, "c_hash": hash_})
    seq = int(
        _INSERT_EVENT.scalar(
            session,
            {**row, "chain": chain, "chain_seq": position, "prev_hash": prev_hash, "hash": hash_},
        )
    )
    with _seen_lock:
        _seen[key] = (position, hash_)
    return AppendedEvent(seq, chain, position, when, hash_, clean_details)


def forget_seen_heads() -> None:
    """Drop this process's remembered heads (tests that rewrite chains behind its back)."""
    with _seen_lock:
        _seen.clear()
