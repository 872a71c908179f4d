#!/usr/bin/env python3
"""What one audit event costs the database, piece by piece (a benchmark, not a test).

``scripts/load``'s focus phases show the audited view using about twice the database CPU of
its raw replay, whose writes are one plain ``INSERT`` into an unindexed table. This script
isolates the audit event's own share: on a throwaway PostgreSQL with the migrated schema and
a few demo holders, it appends ``--events`` rows, one transaction each, into copies of
``audit_events`` that keep less and less of what the real table has —

- ``full``: every index and the four foreign keys (the migrated table's shape);
- ``no_fks``: the indexes without the foreign keys;
- ``no_fks_no_hash``: also without the unique index on ``hash``;
- ``primary_key_only``: only the primary key;
- ``baseline``: the load harness's plain ``INSERT`` into ``load_baseline``'s shape —

and prints, per variant, the server's mean execution time of the ``INSERT`` (from
``pg_stat_statements``: the database's own work, without the round trip) and the client's
wall time per insert + commit, with the ratio to the baseline. Figures and their reading:
docs/BENCHMARKS.md "What one audit event costs the database".

Usage: ``scripts/bench_audit_insert.py [--events 5000]``
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

from counter_app import db  # noqa: E402
from counter_app.demo import fill_demo  # noqa: E402
from tests.pgserver import start_postgres  # noqa: E402

INDEXES = (
    "CREATE INDEX ON {t} (at)",
    "CREATE INDEX ON {t} (holder_id, at)",
    "CREATE UNIQUE INDEX ON {t} (chain, chain_seq)",
    "CREATE INDEX ON {t} (card_id, seq)",
    "CREATE INDEX ON {t} (seq) WHERE action LIKE 'staff.%'",
)
FKS = (
    "ALTER TABLE {t} ADD FOREIGN KEY (staff_id) REFERENCES staff(id), "
    "ADD FOREIGN KEY (office_id) REFERENCES offices(id), "
    "ADD FOREIGN KEY (holder_id) REFERENCES holders(id), "
    "ADD FOREIGN KEY (card_id) REFERENCES cards(id)"
)
#: variant -> (secondary indexes, unique hash index, foreign keys)
VARIANTS = {
    "full": (True, True, True),
    "no_fks": (True, True, False),
    "no_fks_no_hash": (True, False, False),
    "primary_key_only": (False, False, False),
}


def make_variant(conn: psycopg.Connection, name: str, shape: tuple[bool, bool, bool]) -> None:
    indexes, hash_index, fks = shape
    conn.execute(
        f"CREATE TABLE {name} (LIKE audit_events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
    )
    conn.execute(f"ALTER TABLE {name} ADD PRIMARY KEY (seq)")
    conn.execute(f"CREATE SEQUENCE {name}_seq")
    if hash_index:
        conn.execute(f"CREATE UNIQUE INDEX ON {name} (hash)")
    for statement in INDEXES if indexes else ():
        conn.execute(statement.format(t=name))
    if fks:
        conn.execute(FKS.format(t=name))


def append_events(conn: psycopg.Connection, name: str, events: int, ids: list[tuple]) -> float:
    """Append ``events`` rows as the services do (one per transaction); µs per insert."""
    sql = (
        f"INSERT INTO {name} (seq, chain, chain_seq, at, staff_id, office_id, workstation, "
        "action, category, holder_id, card_id, reason, outcome, details, prev_hash, hash) "
        f"VALUES (nextval('{name}_seq'), %s, %s, now(), %s, %s, 'WS-BENCH', 'record.view', "
        "'maternity', %s, %s, NULL, 'success', %s, %s, %s)"
    )
    details = json.dumps({"session_id": 1})
    prev = "0" * 64
    start = time.perf_counter()
    for i in range(events):
        holder_id, card_id, staff_id, office_id = ids[i % len(ids)]
        hash_ = hashlib.sha256(prev.encode() + os.urandom(8)).hexdigest()
        conn.execute(
            sql,
            ("WS-BENCH", i + 1, staff_id, office_id, holder_id, card_id, details, prev, hash_),
        )
        conn.commit()
        prev = hash_
    return (time.perf_counter() - start) / events * 1e6


def append_plain(conn: psycopg.Connection, events: int) -> float:
    conn.execute(
        "CREATE TABLE bench_baseline (id bigserial PRIMARY KEY, worker int NOT NULL, "
        "action text NOT NULL, payload text)"
    )
    conn.commit()
    start = time.perf_counter()
    for _ in range(events):
        conn.execute(
            "INSERT INTO bench_baseline (worker, action, payload) VALUES (%s, %s, %s)",
            (1, "view", "INSERT INTO audit_events (seq, chain, ch"),
        )
        conn.commit()
    return (time.perf_counter() - start) / events * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--holders", type=int, default=500)
    args = parser.parse_args()
    server = start_postgres()
    try:
        url = server.create_database()
        name = url.split("@/", 1)[1].split("?", 1)[0]
        with psycopg.connect(server.conninfo(), autocommit=True) as admin:
            admin.execute("ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'")
        server.restart()
        db.upgrade(url)
        engine = db.create_engine_for(url)
        fill_demo(engine, holders=args.holders, seed=1)
        engine.dispose()
        with psycopg.connect(server.conninfo(name)) as conn:
            conn.execute("CREATE EXTENSION pg_stat_statements")
            ids = conn.execute(
                "SELECT c.holder_id, c.id, s.id, s.office_id FROM cards c "
                "CROSS JOIN (SELECT id, office_id FROM staff LIMIT 1) s ORDER BY c.id LIMIT 400"
            ).fetchall()
            for variant, shape in VARIANTS.items():
                make_variant(conn, f"ae_{variant}", shape)
            conn.commit()
            conn.execute("SELECT pg_stat_statements_reset()")
            conn.commit()
            wall = {v: append_events(conn, f"ae_{v}", args.events, ids) for v in VARIANTS}
            wall["baseline"] = append_plain(conn, args.events)
            executed = dict(
                conn.execute(
                    "SELECT substring(query from 'INSERT INTO (\\w+)'), mean_exec_time * 1000 "
                    "FROM pg_stat_statements WHERE query LIKE 'INSERT INTO %'"
                ).fetchall()
            )
        executed = {k.removeprefix("ae_"): v for k, v in executed.items()}
        executed["baseline"] = executed.pop("bench_baseline")
        base_exec, base_wall = executed["baseline"], wall["baseline"]
        print("variant | server exec µs/insert | × baseline | wall µs/insert+commit | × baseline")
        for variant in (*VARIANTS, "baseline"):
            exec_us = executed.get(variant)
            print(
                f"{variant} | {exec_us:.1f} | {exec_us / base_exec:.2f} | "
                f"{wall[variant]:.0f} | {wall[variant] / base_wall:.2f}"
            )
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
