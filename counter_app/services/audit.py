"""The tamper-evident audit trail (RULES Q7; issue 8 item 3).

:func:`record` appends one event to the hash chain **in the caller's transaction**: it locks
the single ``audit_chain_head`` row (``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite the
writer already holds the database write lock from ``BEGIN IMMEDIATE``), takes
``last_seq + 1`` and ``last_hash``, writes the event and moves the head. Sequence numbers
never skip and two workstations never fork the chain; if the business transaction rolls
back, so does its audit event.

Each event's ``hash`` is SHA-256 over ``prev_hash`` and the canonical JSON of its content
(sorted keys, UTF-8, no whitespace, datetimes as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` in UTC).
The content includes ``seq``, so a row moved to another place breaks; it includes
``prev_hash``, so a deleted or inserted row breaks its successor.

:func:`verify_chain` walks the chain and names the first broken sequence number;
:func:`checkpoint_day` stores the chain head at the end of a day for the daily report.

Details never hold a password or PIN (DESIGN.md "Data flow" 4): :func:`record` refuses any
key that is named like one (``pin``, ``password``, ``passwd``, ``pwd``, ``puk``, ``secret``)
with :class:`AuditSecretRejected`, whatever its value.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from counter_app.models.audit import GENESIS_HASH, AuditChainHead, AuditCheckpoint, AuditEvent
from counter_app.models.security import OUTCOMES
from counter_app.services.context import Actor
from counter_app.services.uow import UnitOfWork

SHANGHAI = ZoneInfo("Asia/Shanghai")
_AT_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"

#: Column widths of ``audit_events`` (models/audit.py); longer text is cut before hashing so
#: that what is hashed is exactly what PostgreSQL stores.
_WIDTHS = {"action": 48, "category": 32, "reason": 200, "workstation": 32}

#: Name tokens a details key may never carry (a secret typed by anyone).
_SECRET_TOKENS = frozenset(
    {"pin", "pins", "password", "passwords", "passwd", "pwd", "puk", "secret", "passcode"}
)
_TOKEN_SPLIT = re.compile(r"[^0-9a-z]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


class AuditSecretRejected(ValueError):
    """A details key is named like a password or PIN; nothing was recorded."""


class AuditChainCorrupt(RuntimeError):
    """The chain head row is missing: the database was not migrated (``db upgrade``)."""


# --------------------------------------------------------------------------- canonical form


def format_at(at: dt.datetime) -> str:
    """The canonical text of a timestamp: UTC, microseconds, ``Z``."""
    if at.tzinfo is None:
        raise ValueError("audit timestamps must be timezone-aware")
    return at.astimezone(dt.UTC).strftime(_AT_FORMAT)


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return format_at(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (set, frozenset, tuple)):
        return sorted(value) if isinstance(value, (set, frozenset)) else list(value)
    raise TypeError(f"audit details cannot hold a {type(value).__name__}")


def canonical_json(value: Any) -> str:
    """Sorted keys, no whitespace, non-ASCII kept (hashed as UTF-8), no NaN."""
    return json.dumps(
        value,
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        allow_nan=False,
        default=_json_default,
    )


def _is_secret_key(key: str) -> bool:
    spaced = _CAMEL.sub("_", key).lower()
    if "password" in spaced or "passwd" in spaced:
        return True
    return any(token in _SECRET_TOKENS for token in _TOKEN_SPLIT.split(spaced))


def _reject_secrets(value: Any, path: str = "details") -> None:
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{path}: audit details keys must be text")
            if _is_secret_key(key):
                raise AuditSecretRejected(
                    f"{path}.{key}: audit details never hold a password or PIN (DESIGN.md)"
                )
            _reject_secrets(item, f"{path}.{key}")
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _reject_secrets(item, f"{path}[{index}]")


def normalise_details(details: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """``details`` as plain JSON values (what the database returns), secrets refused."""
    if details is None:
        return None
    _reject_secrets(details)
    result: dict[str, Any] = json.loads(canonical_json(dict(details)))
    return result


def event_content(
    *,
    seq: int,
    at: dt.datetime,
    staff_id: int | None,
    office_id: int | None,
    workstation: str | None,
    action: str,
    category: str | None,
    holder_id: int | None,
    card_id: int | None,
    reason: str | None,
    outcome: str,
    details: Mapping[str, Any] | None,
    prev_hash: str,
) -> dict[str, Any]:
    """The hashed content of one event (every column but ``hash``)."""
    return {
        "seq": seq,
        "at": format_at(at),
        "staff_id": staff_id,
        "office_id": office_id,
        "workstation": workstation,
        "action": action,
        "category": category,
        "holder_id": holder_id,
        "card_id": card_id,
        "reason": reason,
        "outcome": outcome,
        "details": details,
        "prev_hash": prev_hash,
    }


def chain_hash(prev_hash: str, content: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of ``prev_hash`` and the canonical JSON of ``content``."""
    digest = hashlib.sha256()
    digest.update(prev_hash.encode("ascii"))
    digest.update(b"\n")
    digest.update(canonical_json(content).encode("utf-8"))
    return digest.hexdigest()


def hash_of(event: AuditEvent) -> str:
    """The hash ``event`` should carry, recomputed from its columns."""
    return chain_hash(event.prev_hash, _content_of_row(event))


def _content_of_row(row: Any) -> dict[str, Any]:
    return event_content(
        seq=row.seq,
        at=row.at,
        staff_id=row.staff_id,
        office_id=row.office_id,
        workstation=row.workstation,
        action=row.action,
        category=row.category,
        holder_id=row.holder_id,
        card_id=row.card_id,
        reason=row.reason,
        outcome=row.outcome,
        details=row.details,
        prev_hash=row.prev_hash,
    )


def _cut(name: str, value: str | None) -> str | None:
    return None if value is None else value[: _WIDTHS[name]]


def _session_of(uow_or_session: UnitOfWork | Session) -> Session:
    return uow_or_session.session if isinstance(uow_or_session, UnitOfWork) else uow_or_session


# --------------------------------------------------------------------------- append


def lock_head(session: Session) -> AuditChainHead:
    """The chain head row, locked until the end of the transaction (FOR UPDATE)."""
    head = session.execute(
        select(AuditChainHead)
        .where(AuditChainHead.id == 1)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if head is None:
        raise AuditChainCorrupt("audit_chain_head row missing; run `counter-admin db upgrade`")
    return head


def record(
    uow_or_session: UnitOfWork | Session,
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
) -> AuditEvent:
    """Append one event to the chain in the caller's transaction and return it (flushed).

    ``actor`` None means the system or an outside channel (12333); ``workstation`` then
    names the channel. ``outcome`` is one of success/failed/refused/unknown. ``details``
    must be JSON-able and may never carry a key named like a password or PIN
    (:class:`AuditSecretRejected`). Nothing is committed here: the caller's commit or
    rollback decides for the business change and its audit event together.
    """
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown audit outcome {outcome!r}")
    clean_details = normalise_details(details)
    when = (at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    session = _session_of(uow_or_session)
    head = lock_head(session)
    seq = head.last_seq + 1
    prev_hash = head.last_hash
    event = AuditEvent(
        seq=seq,
        at=when,
        staff_id=actor.staff_id if actor else None,
        office_id=actor.office_id if actor else None,
        workstation=_cut("workstation", workstation or (actor.workstation_id if actor else None)),
        action=_cut("action", action) or action,
        category=_cut("category", category),
        holder_id=holder_id,
        card_id=card_id,
        reason=_cut("reason", reason),
        outcome=outcome,
        details=clean_details,
        prev_hash=prev_hash,
    )
    event.hash = hash_of(event)
    session.add(event)
    head.last_seq = seq
    head.last_hash = event.hash
    session.flush()
    return event


# --------------------------------------------------------------------------- verify


@dataclass(frozen=True)
class ChainReport:
    """The result of :func:`verify_chain`: ``first_broken_seq`` is None when ``ok``."""

    ok: bool
    first_broken_seq: int | None
    reason: str | None
    count: int


_COLUMNS = (
    AuditEvent.seq,
    AuditEvent.at,
    AuditEvent.staff_id,
    AuditEvent.office_id,
    AuditEvent.workstation,
    AuditEvent.action,
    AuditEvent.category,
    AuditEvent.holder_id,
    AuditEvent.card_id,
    AuditEvent.reason,
    AuditEvent.outcome,
    AuditEvent.details,
    AuditEvent.prev_hash,
    AuditEvent.hash,
)


def verify_chain(session: Session, *, batch: int = 2000) -> ChainReport:
    """Walk the whole chain in ``seq`` order and report the first broken link.

    Detected, each at the sequence number where it happened: a changed field (the row's
    hash no longer matches its content), a deleted row (a gap, or a successor whose
    ``prev_hash`` names a row that is gone), swapped rows (a row's content names another
    ``seq`` and another predecessor), a forged row inserted in place (its successor still
    names the genuine predecessor), rows cut off or appended at the end (the chain head
    disagrees) and a day checkpoint that no longer matches. A forger who rewrites every
    later row *and* the head is caught only by the printed daily checkpoints.
    """
    head = session.get(AuditChainHead, 1)
    checkpoints = {cp.seq: cp.hash for cp in session.scalars(select(AuditCheckpoint))}
    expected = 1
    prev_hash = GENESIS_HASH
    prevprev_hash: str | None = None
    prev_seq: int | None = None
    count = 0

    def broken(seq: int, reason: str) -> ChainReport:
        return ChainReport(False, seq, reason, count)

    rows = session.execute(
        select(*_COLUMNS).order_by(AuditEvent.seq).execution_options(yield_per=batch)
    )
    for row in rows:
        if row.seq != expected:
            return broken(expected, f"事件 {expected} 缺失（序号不连续，下一条为 {row.seq}）")
        self_ok = chain_hash(row.prev_hash, _content_of_row(row)) == row.hash
        if row.prev_hash != prev_hash:
            if prev_seq is not None and row.prev_hash == prevprev_hash:
                return broken(prev_seq, f"事件 {prev_seq} 为伪造插入（后继事件指向其前一条）")
            if prev_seq is not None and self_ok:
                return broken(prev_seq, f"事件 {prev_seq} 的哈希与后继事件记录的不符（被改写）")
            return broken(row.seq, f"事件 {row.seq} 与前一事件的链接断开")
        if not self_ok:
            return broken(row.seq, f"事件 {row.seq} 的内容与哈希不符（被修改）")
        cp_hash = checkpoints.get(row.seq)
        if cp_hash is not None and cp_hash != row.hash:
            return broken(row.seq, f"事件 {row.seq} 与每日校验点记录的哈希不符")
        count += 1
        prevprev_hash, prev_hash, prev_seq = prev_hash, row.hash, row.seq
        expected += 1
    last_seq = expected - 1
    if head is None:
        return broken(last_seq + 1, "审计链头记录缺失")
    if head.last_seq > last_seq:
        return broken(last_seq + 1, f"事件 {last_seq + 1} 至 {head.last_seq} 缺失（链尾被删除）")
    if head.last_seq < last_seq:
        return broken(head.last_seq + 1, f"事件 {head.last_seq + 1} 在链头之后（伪造追加）")
    if head.last_hash != prev_hash:
        return broken(last_seq, f"事件 {last_seq} 的哈希与链头记录的不符")
    missing_cp = [seq for seq in checkpoints if seq > last_seq]
    if missing_cp:
        return broken(min(missing_cp), f"每日校验点引用的事件 {min(missing_cp)} 不存在")
    return ChainReport(True, None, None, count)


# --------------------------------------------------------------------------- checkpoints


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Start and end (exclusive) of ``day`` in Asia/Shanghai, as UTC datetimes."""
    start = dt.datetime.combine(day, dt.time(), tzinfo=SHANGHAI)
    end = start + dt.timedelta(days=1)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def checkpoint_day(
    uow_or_session: UnitOfWork | Session, day: dt.date, *, at: dt.datetime | None = None
) -> AuditCheckpoint:
    """Store (once) the chain head as it stood at the end of ``day`` (Asia/Shanghai).

    The checkpoint names the last event recorded before midnight; it is printed on the
    daily report, so a later rewrite of the chain disagrees with paper. Calling again for
    the same day returns the stored checkpoint unchanged. Runs in the caller's transaction.
    """
    session = _session_of(uow_or_session)
    existing = session.get(AuditCheckpoint, day)
    if existing is not None:
        return existing
    _, end = day_bounds(day)
    last_seq = session.scalar(select(func.max(AuditEvent.seq)).where(AuditEvent.at < end))
    if last_seq is None:
        seq, hash_ = 0, GENESIS_HASH
    else:
        seq = last_seq
        hash_ = session.scalars(select(AuditEvent.hash).where(AuditEvent.seq == seq)).one()
    checkpoint = AuditCheckpoint(
        day=day, seq=seq, hash=hash_, at=(at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    )
    session.add(checkpoint)
    session.flush()
    return checkpoint


def latest_checkpoint(session: Session) -> AuditCheckpoint | None:
    """The newest day checkpoint, for the daily report."""
    return session.scalars(
        select(AuditCheckpoint).order_by(AuditCheckpoint.day.desc()).limit(1)
    ).first()
