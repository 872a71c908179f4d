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

``python scripts/load_history.py --probe N`` times, on a throwaway database, the look-ups of
the database's state-change checks (revision 0008: "an event of this card / a staff event
in this transaction?") before and after filling N events — what a run of ``scripts/load``
cannot show, since its clerks change no staff account.
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
from counter_app.services.audit_chain import EVENT_COLUMNS

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
            with cur.copy(f"COPY audit_events ({', '.join(EVENT_COLUMNS)}) FROM STDIN") as copy:
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


# ------------------------------------------------ probe: the state-change checks on a full trail

#: The look-ups of the deferred state-change checks (revision 0008, newest first since
#: revision 0010): is there a staff event, or an event of this card, written in this
#: transaction?
_XID = "(pg_catalog.pg_current_xact_id()::text::bigint %% 4294967296)::text"
CHECKS = {
    "staff": "SELECT 1 FROM audit_events e WHERE e.action LIKE 'staff.%%' "
    f"AND e.xmin::text = {_XID} ORDER BY e.seq DESC LIMIT 1",
    "card": f"SELECT 1 FROM audit_events e WHERE e.card_id = %s AND e.xmin::text = {_XID} "
    "ORDER BY e.seq DESC LIMIT 1",
}


def probe_checks(conninfo: str, card_id: int, repeat: int = 20) -> dict[str, Any]:
    """Median ms of each check's look-up with this transaction's own event present (a
    ``staff.password_change`` of the card's holder, rolled back), the rows it reads, and
    the plan's buffers."""
    import psycopg

    out: dict[str, Any] = {}
    with psycopg.connect(conninfo) as conn:
        staff_id = conn.execute("SELECT min(id) FROM staff").fetchone()
        for name, sql in CHECKS.items():
            params = (card_id,) if name == "card" else ()
            times = []
            for _ in range(repeat):
                conn.execute(
                    "INSERT INTO audit_events (chain, chain_seq, at, staff_id, action, card_id, "
                    "outcome, prev_hash, hash) VALUES ('probe', 1, now(), %s, "
                    "'staff.password_change', %s, 'success', 'x', md5(random()::text))",
                    (staff_id[0] if staff_id else None, card_id),
                )
                t0 = time.perf_counter()
                assert conn.execute(sql, params).fetchone() is not None
                times.append((time.perf_counter() - t0) * 1000)
                conn.rollback()
            plan = [r[0] for r in conn.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)]
            conn.rollback()
            out[name] = {
                "median_ms": round(sorted(times)[len(times) // 2], 3),
                "plan": [p.strip() for p in plan if "Removed" in p or "Buffers" in p][:2],
            }
        staff_events = conn.execute(
            "SELECT count(*) FROM audit_events WHERE action LIKE 'staff.%'"
        ).fetchone()
        card_events = conn.execute(
            "SELECT count(*) FROM audit_events WHERE card_id = %s", (card_id,)
        ).fetchone()
    out["staff_events"] = staff_events[0] if staff_events else 0
    out["card_events"] = card_events[0] if card_events else 0
    return out


def main(argv: list[str] | None = None) -> int:
    """``python scripts/load_history.py --probe N``: the state-change checks' look-ups on a
    throwaway database (10,000 demo holders, 20 load workstations), before and after
    :func:`fill_audit` of N events. A benchmark, not a test."""
    import argparse
    import json
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root))
    from load_seed import seed as seed_load

    from counter_app import db
    from counter_app.demo import fill_demo
    from tests.pgserver import start_postgres

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--probe", type=int, default=1_000_000, metavar="N")
    args = parser.parse_args(argv)
    server = start_postgres()
    try:
        url = server.create_database()
        conninfo = server.conninfo(url.split("@/", 1)[1].split("?", 1)[0])
        db.upgrade(url)
        engine = db.create_engine_for(url)
        fill_demo(engine, holders=10_000, seed=1, as_of=dt.date.today())
        engine.dispose()
        card = seed_load(url, 20, 150)["workers"][0]["holders"][0]["card_id"]
        before = probe_checks(conninfo, card)
        filled = fill_audit(url, conninfo, args.probe)
        after = probe_checks(conninfo, card)
        print(json.dumps({"before": before, "fill": filled, "after": after}, indent=1))
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
