"""``scripts/load --fill-audit N``: a city-sized audit trail before the runs.

A load test on a young database misses every cost that grows with history (docs/SCALING.md
§7 item 5: a state-change check that read the whole trail). :func:`fill_audit` appends
``N`` events as a city would have them — before the workers start — so that the runs meet
a trail of realistic size:

- spread over ``chains`` workstation chains (``HIST-0001`` …), each worked by one clerk of
  the database (the demo's and the load's) at that clerk's office;
- dated over the past ``days`` days, office hours (Asia/Shanghai), in position order;
- actions as a counter writes them: mostly ``record.view`` (every category), searches,
  session open/end, the clerk's login/logout, and a few loss reports, lifts,
  replacements and PIN events — on the holders and cards on file (the demo's and the load
  workers' own, so the workers' cards carry history too). Details have the services'
  shape but name no stored row (a ``session_id`` is a number, not a session);
- **valid**: gap-free ``chain_seq``, links computed by ``audit_canon`` exactly as
  ``services/audit_chain.append`` computes them, each chain's head row in ``audit_chains``
  set to its last event, and one seal binding the whole fill — ``audit verify`` stays clean.

Rows are computed in Python and loaded with one ``COPY`` (psycopg), then ``ANALYZE``. No
ORM: a million events take about a minute of Python hashing on a slow core.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from typing import Any

from counter_app.services.audit_canon import (
    canonical_json,
    chain_hash,
    event_content,
    genesis_of,
    normalise_details,
)

#: (action, weight, needs a card) — one visit is a session, a few views, a session end.
ACTIONS: tuple[tuple[str, float, bool], ...] = (
    ("record.view", 0.760, False),
    ("holder.search", 0.070, False),
    ("session.open", 0.055, False),
    ("session.end", 0.055, False),
    ("staff.login", 0.018, False),
    ("staff.logout", 0.017, False),
    ("loss.phone_report", 0.004, True),
    ("loss.written", 0.006, True),
    ("loss.lift", 0.003, True),
    ("card.replacement", 0.002, True),
    ("password.pin_change", 0.006, True),
    ("password.pin_reset", 0.004, True),
)
CATEGORIES = (
    "card_basic",
    "public",
    "employment",
    "social_insurance",
    "medical",
    "assistance",
    "life_health",
    "pension",
    "unemployment",
    "injury",
    "maternity",
    "career",
    "all_tabs",
)
COLUMNS = (
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
#: Office hours 08:30–17:30 Asia/Shanghai are 00:30–09:30 UTC.
_OPEN_UTC = dt.timedelta(minutes=30)
_DAY_SECONDS = 9 * 3600


def _details(action: str, rng: random.Random, at: dt.datetime) -> dict[str, Any] | None:
    """Details shaped as the services write them (the numbers name no stored row)."""
    if action in ("record.view", "session.end"):
        return {"session_id": rng.randrange(1, 10_000_000)}
    if action == "session.open":
        return {"via": rng.choice(("id_card", "card_pin", "manual"))}
    if action == "holder.search":
        return {"by": "ssn"}
    if action in ("loss.written", "loss.phone_report"):
        return {
            "report_id": rng.randrange(1, 10_000_000),
            "deadline_at": at + dt.timedelta(days=rng.choice((2, 7))),
        }
    return None


def _rows(
    name: str,
    count: int,
    staff: tuple[int, int],
    holders: list[tuple[int, int | None]],
    start: dt.date,
    days: int,
    rng: random.Random,
) -> Any:
    """The ``count`` events of one chain, in position order, with their links."""
    names = [a for a, _, _ in ACTIONS]
    weights = [w for _, w, _ in ACTIONS]
    with_card = {a for a, _, c in ACTIONS if c}
    staff_id, office_id = staff
    base = dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC) + _OPEN_UTC
    offsets = sorted(
        rng.randrange(days) * 86_400 + rng.random() * _DAY_SECONDS for _ in range(count)
    )
    actions = rng.choices(names, weights, k=count)
    prev = genesis_of(name)
    for position, (offset, action) in enumerate(zip(offsets, actions, strict=True), 1):
        at = base + dt.timedelta(seconds=offset)
        if action.startswith("staff."):
            holder_id, card_id = None, None
        else:
            holder_id, card_id = holders[rng.randrange(len(holders))]
            if card_id is None and action in with_card:
                action = "record.view"
        category = rng.choice(CATEGORIES) if action == "record.view" else None
        reason = "本人办理业务" if action == "record.view" else None
        details = normalise_details(_details(action, rng, at))
        row = {
            "at": at,
            "staff_id": staff_id,
            "office_id": office_id,
            "workstation": name,
            "action": action,
            "category": category,
            "holder_id": holder_id,
            "card_id": card_id if action in with_card or action == "record.view" else None,
            "reason": reason,
            "outcome": "success",
            "details": details,
        }
        hash_ = chain_hash(prev, event_content(seq=position, prev_hash=prev, **row))
        yield (
            name,
            position,
            at,
            staff_id,
            office_id,
            name,
            action,
            category,
            holder_id,
            row["card_id"],
            reason,
            "success",
            None if details is None else canonical_json(details),
            prev,
            hash_,
        )
        prev = hash_


def fill_audit(
    url: str,
    conninfo: str,
    events: int,
    *,
    chains: int = 3000,
    days: int = 180,
    seed: int = 15,
) -> dict[str, Any]:
    """Append ``events`` valid audit events over ``chains`` history chains, then seal.

    Returns the figures the set-up line prints: events, chains, seconds, the table's size.
    """
    import psycopg

    from counter_app import db
    from counter_app.services import audit

    started = time.perf_counter()
    rng = random.Random(seed)
    chains = max(1, min(chains, events))
    with psycopg.connect(conninfo) as conn:
        conn.execute("SET TimeZone = 'UTC'")
        staff = [(int(a), int(b)) for a, b in conn.execute("SELECT id, office_id FROM staff")]
        holders: list[tuple[int, int | None]] = [
            (int(h), None if c is None else int(c))
            for h, c in conn.execute(
                "SELECT h.id, (SELECT min(c.id) FROM cards c WHERE c.holder_id = h.id) "
                "FROM holders h"
            )
        ]
        if not staff or not holders:
            raise RuntimeError("--fill-audit needs staff and holders on file (run the seed first)")
        today = dt.datetime.now(dt.UTC).date()
        start = today - dt.timedelta(days=days)
        heads: list[tuple[str, int, str]] = []
        per, extra = divmod(events, chains)
        with conn.cursor() as cur:
            with cur.copy(f"COPY audit_events ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for i in range(chains):
                    name = f"HIST-{i + 1:04d}"
                    count = per + (1 if i < extra else 0)
                    last: tuple[Any, ...] | None = None
                    for last in _rows(
                        name, count, staff[i % len(staff)], holders, start, days, rng
                    ):
                        copy.write_row(last)
                    if last is not None:
                        heads.append((name, int(last[1]), str(last[-1])))
            with cur.copy("COPY audit_chains (name, last_seq, last_hash) FROM STDIN") as copy:
                for head in heads:
                    copy.write_row(head)
        conn.commit()
        copied = time.perf_counter() - started
        conn.autocommit = True
        conn.execute("ANALYZE audit_events")
        conn.execute("ANALYZE audit_chains")
        engine = db.create_engine_for(url)
        try:
            with db.session_factory(engine)() as session:
                audit.seal(session)
                session.commit()
        finally:
            engine.dispose()
        row = conn.execute(
            "SELECT pg_total_relation_size('audit_events'), count(*) FROM audit_events"
        ).fetchone()
        assert row is not None
    return {
        "events": events,
        "chains": len(heads),
        "days": days,
        "holders": len(holders),
        "seconds": round(time.perf_counter() - started, 1),
        "copy_seconds": round(copied, 1),
        "audit_events_bytes": int(row[0]),
        "audit_events_rows": int(row[1]),
    }
