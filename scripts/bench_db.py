#!/usr/bin/env python3
"""Database figures of BENCHMARKS.md (a benchmark, not a test: it asserts nothing).

Prints JSON lines ``{"name", "value", "unit", "baseline", "ratio", "target"}``:

- ``demo-data.<n>.sqlite.seconds`` / ``.size_mb``: ``demo-data`` for n holders on SQLite
  (targets ≤ 60 s and ≤ 1024 MB at 100k);
- ``lookup.<kind>.<backend>.<n>.p50_us`` / ``.p99_us``: holder lookup by social security
  number, card number, name + birth date through the ORM (a unit of work per lookup, as a
  service does it; ``<kind>.one_session``: all lookups in one session, the ORM's own cost)
  — ``baseline`` is the same query through the raw driver (sqlite3 / psycopg) in the same
  run, ``ratio`` = ORM / raw, ``target`` = 2 (×).

Usage: ``scripts/bench_db.py [--holders 100000] [--full] [--quick] [--postgres auto|URL]``
(``--postgres auto`` starts a throwaway server). ``--full`` runs the default size: the
1,000,000-holder figures are ``bench_scale.py --full``'s, which builds each 1M database once
and runs these lookups on it (``--one-million`` here builds its own, as before).
``--sqlite-db PATH`` / ``--pg-url URL``: measure on an existing, filled database instead of
building one (``--holders`` then only labels the figures).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select

from counter_app import db
from counter_app.demo import fill_demo
from counter_app.models import Card, Holder

AS_OF = dt.date(2025, 6, 15)
SAMPLES = 2000


def emit(
    name: str, value: float, unit: str, baseline: float | None = None, target: float | None = None
) -> None:
    ratio = round(value / baseline, 3) if baseline else None
    print(
        json.dumps(
            {
                "name": name,
                "value": round(value, 3),
                "unit": unit,
                "baseline": None if baseline is None else round(baseline, 3),
                "ratio": ratio,
                "target": target,
            }
        ),
        flush=True,
    )


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def timed(fn: Callable[[Any], object], keys: list[Any]) -> list[float]:
    out = []
    for key in keys:
        start = time.perf_counter_ns()
        fn(key)
        out.append((time.perf_counter_ns() - start) / 1000)
    return out


def bench_demo_sqlite(holders: int, folder: Path) -> str:
    path = folder / f"demo-{holders}.sqlite3"
    url = f"sqlite:///{path}"
    db.upgrade(url)
    engine = db.create_engine_for(url)
    try:
        started, cpu = time.perf_counter(), time.process_time()
        fill_demo(engine, holders=holders, seed=1, as_of=AS_OF)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        engine.dispose()
    size = sum(p.stat().st_size for p in folder.glob(path.name + "*")) / 2**20
    emit(f"demo-data.{holders}.sqlite.seconds", seconds, "s", target=60.0)
    # CPU time of this process, and the machine's load: wall time on a shared machine
    # says as much about the neighbours as about demo-data.
    emit(f"demo-data.{holders}.sqlite.cpu_seconds", cpu, "s", target=60.0)
    emit(f"demo-data.{holders}.sqlite.loadavg_1min", os.getloadavg()[0], "procs")
    emit(f"demo-data.{holders}.sqlite.size_mb", size, "MB", target=1024.0)
    return url


def sample_keys(url: str) -> dict[str, list[Any]]:
    engine = db.create_engine_for(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(Holder.ssn, Holder.name, Holder.birth_date, Card.card_number).join(
                    Card, Card.holder_id == Holder.id
                )
            ).all()
    finally:
        engine.dispose()
    picked = random.Random(7).sample(rows, min(SAMPLES, len(rows)))
    return {
        "ssn": [r.ssn for r in picked],
        "card_number": [r.card_number for r in picked],
        "name_birth_date": [(r.name, r.birth_date) for r in picked],
    }


RAW_SQL = {
    "ssn": "SELECT * FROM holders WHERE ssn = {p}",
    "card_number": "SELECT h.* FROM holders h JOIN cards c ON c.holder_id = h.id "
    "WHERE c.card_number = {p}",
    "name_birth_date": "SELECT * FROM holders WHERE name = {p} AND birth_date = {p}",
}


def orm_lookups(
    url: str, *, one_session: bool = False
) -> Iterator[tuple[str, Callable[[Any], object]]]:
    """ORM lookups: a unit of work (session + transaction) per lookup, as a service does
    it; or, with ``one_session``, every lookup in one long session (ORM cost alone)."""
    engine = db.create_engine_for(url)
    make = db.session_factory(engine, read_only=True)
    shared = make() if one_session else None

    @contextmanager
    def factory() -> Iterator[Any]:
        if shared is not None:
            yield shared
            shared.expunge_all()
        else:
            with make() as session:
                yield session

    def by_ssn(ssn: str) -> object:
        with factory() as s:
            return s.scalars(select(Holder).where(Holder.ssn == ssn)).one()

    def by_card(number: str) -> object:
        with factory() as s:
            return s.scalars(
                select(Holder)
                .join(Card, Card.holder_id == Holder.id)
                .where(Card.card_number == number)
            ).one()

    def by_name(key: tuple[str, dt.date]) -> object:
        with factory() as s:
            return s.scalars(
                select(Holder).where(Holder.name == key[0], Holder.birth_date == key[1])
            ).all()

    yield from (("ssn", by_ssn), ("card_number", by_card), ("name_birth_date", by_name))
    if shared is not None:
        shared.close()
    engine.dispose()


@contextmanager
def raw_connection(url: str) -> Iterator[tuple[Any, str]]:
    if url.startswith("sqlite"):
        lite = sqlite3.connect(url.removeprefix("sqlite:///"))
        try:
            yield lite, "?"
        finally:
            lite.close()
    else:
        import psycopg
        from sqlalchemy.engine import make_url

        u = make_url(url)
        params: dict[str, Any] = {
            "host": u.query.get("host") or u.host,
            "port": u.query.get("port") or u.port,
            "user": u.username,
            "dbname": u.database,
            "password": u.password,
        }
        with psycopg.connect(**{k: v for k, v in params.items() if v}) as pg:
            yield pg, "%s"


def bench_lookups(url: str, backend: str, holders: int) -> None:
    keys = sample_keys(url)
    with raw_connection(url) as (conn, mark):

        def raw_for(kind: str) -> Callable[[Any], object]:
            sql = RAW_SQL[kind].format(p=mark)
            date_as_text = backend == "sqlite"

            def run(key: Any) -> object:
                params = key if isinstance(key, tuple) else (key,)
                if date_as_text and isinstance(key, tuple):
                    params = (key[0], key[1].isoformat())
                cur = conn.execute(sql, params)
                rows = cur.fetchall()
                if backend == "postgresql":
                    conn.rollback()
                return rows

            return run

        for variant, one_session in (("", False), (".one_session", True)):
            for kind, orm_fn in orm_lookups(url, one_session=one_session):
                raw_fn = raw_for(kind)
                raw_fn(keys[kind][0]), orm_fn(keys[kind][0])  # warm caches and statements
                raw = timed(raw_fn, keys[kind])
                orm = timed(orm_fn, keys[kind])
                for q, label in ((0.5, "p50"), (0.99, "p99")):
                    emit(
                        f"lookup.{kind}{variant}.{backend}.{holders}.{label}_us",
                        percentile(orm, q),
                        "us",
                        baseline=percentile(raw, q),
                        target=2.0,
                    )


def fill_postgres(url: str, holders: int) -> None:
    db.upgrade(url)
    engine = db.create_engine_for(url)
    try:
        started = time.perf_counter()
        fill_demo(engine, holders=holders, seed=1, as_of=AS_OF)
        emit(f"demo-data.{holders}.postgresql.seconds", time.perf_counter() - started, "s")
        with engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
    finally:
        engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--holders", type=int, default=100_000)
    parser.add_argument(
        "--full", action="store_true", help="the default size (1M figures: bench_scale.py --full)"
    )
    parser.add_argument(
        "--one-million", action="store_true", help="also build and measure 1,000,000 holders here"
    )
    parser.add_argument("--sqlite-db", type=Path, help="an existing, filled SQLite file")
    parser.add_argument("--pg-url", help="an existing, filled PostgreSQL database URL")
    parser.add_argument("--quick", action="store_true", help="10,000 holders only (smoke run)")
    parser.add_argument(
        "--postgres",
        help="'auto' (throwaway server; the default with "
        "--quick/--full), 'none', or a database URL",
    )
    parser.add_argument("--keep", type=Path, help="folder to keep the SQLite files in")
    args = parser.parse_args()
    if args.quick:
        args.holders, args.full = 10_000, False
    if args.postgres is None and (args.quick or args.full):
        args.postgres = "auto"  # BENCHMARKS.md names the raw-driver baseline on both back ends
    if args.postgres == "none":
        args.postgres = None
    if args.sqlite_db or args.pg_url:
        if args.sqlite_db:
            bench_lookups(f"sqlite:///{args.sqlite_db}", "sqlite", args.holders)
        if args.pg_url:
            bench_lookups(args.pg_url, "postgresql", args.holders)
        return 0
    sizes = [args.holders] + ([1_000_000] if args.one_million else [])
    server = None
    with tempfile.TemporaryDirectory(prefix="counter-bench-") as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        for holders in sizes:
            url = bench_demo_sqlite(holders, folder)
            bench_lookups(url, "sqlite", holders)
            if not args.keep:
                for p in folder.glob(f"demo-{holders}.sqlite3*"):
                    os.unlink(p)
        if args.postgres:
            if args.postgres == "auto":
                from tests.pgserver import start_postgres

                server = start_postgres()
            try:
                for holders in sizes:
                    url = server.create_database() if server else args.postgres
                    fill_postgres(url, holders)
                    bench_lookups(url, "postgresql", holders)
                    if server:
                        server.drop_database(url)
            finally:
                if server:
                    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
