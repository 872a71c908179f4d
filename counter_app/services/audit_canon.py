"""What the audit trail hashes, and how (RULES Q7; docs/SCALING.md "Audit trail").

- An event's ``hash`` is SHA-256 over ``prev_hash`` and the canonical JSON of its content
  (sorted keys, UTF-8, no whitespace, datetimes as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` in
  UTC). The content holds its position in its chain (``seq``) and ``prev_hash``, so a row
  moved, deleted or inserted breaks a link.
- The first event of a chain links to the chain's **genesis**, derived from the chain's
  name, so an event cannot be moved to another chain (the legacy chain keeps all zeros).
- A seal's ``root`` is the Merkle tree hash (RFC 6962 §2.1: leaves prefixed 0x00, nodes
  0x01) over its leaves ``(chain, chain_seq, hash)`` in chain-name order; its ``hash`` links
  it to the previous seal.

Details never hold a password or PIN (docs/ARCHITECTURE.md "PIN entry"): :func:`normalise_details`
refuses any key named like one, whatever its value.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from counter_app.models.audit import GENESIS_HASH, LEGACY_CHAIN

_AT_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"

_SECRET_TOKENS = frozenset(
    {"pin", "pins", "password", "passwords", "passwd", "pwd", "puk", "secret", "passcode"}
)
_TOKEN_SPLIT = re.compile(r"[^0-9a-z]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


class AuditSecretRejected(ValueError):
    """A details key is named like a password or PIN; nothing was recorded."""


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
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if isinstance(value, tuple):
        return list(value)
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


@functools.lru_cache(maxsize=4096)  # keys come from code: a few dozen names
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
                    f"{path}.{key}: audit details never hold a password or PIN"
                    ' (docs/ARCHITECTURE.md "PIN entry")'
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
    if all(_plain(value) for value in details.values()):  # already what JSON gives back
        return {key: _copy(details[key]) for key in sorted(details)}
    result: dict[str, Any] = json.loads(canonical_json(dict(details)))
    return result


_SCALARS = frozenset({str, int, bool, type(None)})


def _copy(value: Any) -> Any:
    return list(value) if type(value) is list else value


def _plain(value: Any) -> bool:
    """A JSON value that a JSON round trip returns unchanged (exact types: a subclass such
    as an enum member comes back as its plain value)."""
    kind = type(value)
    return kind in _SCALARS or (kind is list and all(type(v) in _SCALARS for v in value))


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
    """The hashed content of one event; ``seq`` is its position in its chain."""
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


def content_of_row(row: Any) -> dict[str, Any]:
    """:func:`event_content` of a stored row (ORM object or result row)."""
    return event_content(
        seq=row.chain_seq,
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


def hash_of(row: Any) -> str:
    """The hash a stored event should carry, recomputed from its columns."""
    return chain_hash(row.prev_hash, content_of_row(row))


def genesis_of(chain: str) -> str:
    """``prev_hash`` of a chain's first event: bound to the chain's name."""
    if chain == LEGACY_CHAIN:
        return GENESIS_HASH
    return hashlib.sha256(f"counter-app audit chain\n{chain}".encode()).hexdigest()


# --------------------------------------------------------------------------- seals


def leaf_hash(chain: str, chain_seq: int, hash_: str) -> bytes:
    return hashlib.sha256(b"\x00" + canonical_json([chain, chain_seq, hash_]).encode()).digest()


def merkle_root(leaves: Sequence[tuple[str, int, str]]) -> str:
    """RFC 6962 Merkle tree hash over ``leaves`` sorted by chain name (hex)."""
    nodes = [leaf_hash(*leaf) for leaf in sorted(leaves)]
    if not nodes:
        return hashlib.sha256(b"").hexdigest()
    return _mth(nodes).hex()


def _mth(nodes: list[bytes]) -> bytes:
    if len(nodes) == 1:
        return nodes[0]
    split = 1
    while split * 2 < len(nodes):
        split *= 2
    return hashlib.sha256(b"\x01" + _mth(nodes[:split]) + _mth(nodes[split:])).digest()


def seal_hash(
    *,
    id_: int,
    kind: str,
    day: dt.date | None,
    at: dt.datetime,
    chains: int,
    root: str,
    prev_hash: str,
) -> str:
    """The hash of one seal, linked to the previous seal's."""
    content = {
        "id": id_,
        "kind": kind,
        "day": day.isoformat() if day else None,
        "at": format_at(at),
        "chains": chains,
        "root": root,
    }
    return chain_hash(prev_hash, content)
