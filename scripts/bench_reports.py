"""Benchmark: the daily report over a database of 1,000,000 audit events (``--quick``:
100,000), for one office and city-wide, beside the raw aggregate SQL in the same run.

The database is built here, fast: offices, staff and holders, then the audit events
(spread over ``--days`` days, office hours weighted) and holder sessions bulk-inserted with
``executemany`` in batches of 50,000 inside one transaction. The events' hashes are unique
placeholders, not a real chain: the report reads the chain head, it never verifies it.

Baseline, measured in the same run on the same day: the one statement any daily report must
run — ``SELECT action, category, outcome, COUNT(*) … WHERE at in the day GROUP BY …`` —
through the bare DB-API cursor (for an office: with ``AND office_id = ?``). Figures are
medians of ``--repeat`` runs after one warm-up. Prints one JSON line per figure (name, value,
unit, baseline, ratio, target). Reports numbers; asserts nothing. Target (docs/BENCHMARKS.md):
<= 2 s city-wide and <= 2x the raw SQL.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Engine, func, insert, select

from counter_app import db
from counter_app.models import (
    AuditEvent,
    Holder,
    HolderSessionRow,
    Office,
    Staff,
)
from reports.daily import build_daily_report
from reports.pdf import render_pdf
from reports.runner import read_only_connection
from reports.timeframe import day_range

OFFICES = 80
STAFF_PER_OFFICE = 8
HOLDERS = 20_000
BATCH = 50_000
LAST_DAY = dt.date(2025, 3, 14)
MIX = [  # action, category?, weight
    ("record.view", True, 55),
    ("session.open", False, 10),
    ("session.end", False, 10),
    ("password.pin_change", False, 5),
    ("password.pin_reset", False, 3),
    ("password.pin_unblock", False, 2),
    ("loss.written", False, 3),
    ("loss.lift", False, 1),
    ("card.replacement", False, 2),
    ("loss.written.refused", False, 2),
    ("view_records.refused", False, 1),
    ("form.reprint", False, 1),
    ("loss.phone_report", False, 3),
    ("loss.lapsed", False, 2),
]
CATEGORIES = [
    "card_basic",
    "public",
    "employment",
    "social_insurance",
    "medical",
    "pension",
    "overview",
]


def emit(name: str, value: float, unit: str, baseline: float | None, target: str) -> None:
    print(
        json.dumps(
            {
                "name": name,
                "value": round(value, 4),
                "unit": unit,
                "baseline": None if baseline is None else round(baseline, 4),
                "ratio": None if not baseline else round(value / baseline, 2),
                "target": target,
            },
            ensure_ascii=False,
        ),
        flush=True,
    )


def build_database(engine: Engine, events: int, days: int, seed: int) -> int:
    """Fill ``engine``'s migrated, empty database; returns the events on the last day."""
    rng = random.Random(seed)
    created = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    first = LAST_DAY - dt.timedelta(days=days - 1)
    with engine.begin() as conn:
        conn.execute(
            insert(Office),
            [
                dict(
                    id=i,
                    code=f"5001{i:02d}-YB",
                    name=f"第{i}医保分中心",
                    kind="district_subcenter",
                    district_code=f"5001{i:02d}",
                    active=True,
                )
                for i in range(1, OFFICES + 1)
            ],
        )
        conn.execute(
            insert(Staff),
            [
                dict(
                    id=i,
                    staff_no=f"S{i:05d}",
                    name=f"员工{i}",
                    office_id=(i - 1) // STAFF_PER_OFFICE + 1,
                    role="subcenter_staff",
                    password_hash="x",
                    must_change_password=False,
                    active=True,
                    failed_logins=0,
                    created_at=created,
                )
                for i in range(1, OFFICES * STAFF_PER_OFFICE + 1)
            ],
        )
        conn.execute(
            insert(Holder),
            [
                dict(
                    id=i,
                    ssn=f"500101{i:012d}",
                    name=f"参保人{i}",
                    gender="1",
                    ethnicity="01",
                    birth_date=dt.date(1980, 1, 1),
                    birthplace="500101",
                    household_district="500101",
                    status="employed",
                    created_at=created,
                )
                for i in range(1, HOLDERS + 1)
            ],
        )
        actions = [m[0] for m in MIX]
        weights = [m[2] for m in MIX]
        has_cat = {m[0]: m[1] for m in MIX}
        day_starts = [day_range(first + dt.timedelta(days=d))[0] for d in range(days)]
        last_start = day_range(LAST_DAY)[0]
        on_last = 0
        seq = 0
        table = AuditEvent.__table__
        sessions: list[dict[str, object]] = []
        while seq < events:
            batch = []
            for _ in range(min(BATCH, events - seq)):
                seq += 1
                day = day_starts[(seq - 1) * days // events]
                at = day + dt.timedelta(
                    seconds=rng.randint(8 * 3600, 18 * 3600)
                    if rng.random() < 0.9
                    else rng.randint(0, 86399)
                )
                action = rng.choices(actions, weights)[0]
                staff = (
                    None
                    if action in ("loss.phone_report", "loss.lapsed")
                    else rng.randint(1, OFFICES * STAFF_PER_OFFICE)
                )
                outcome = "refused" if action.endswith(".refused") else "success"
                on_last += day == last_start
                batch.append(
                    dict(
                        seq=seq,
                        chain="bench",
                        chain_seq=seq,
                        at=at,
                        staff_id=staff,
                        office_id=None if staff is None else (staff - 1) // STAFF_PER_OFFICE + 1,
                        workstation=None,
                        action=action,
                        category=rng.choice(CATEGORIES) if has_cat[action] else None,
                        holder_id=rng.randint(1, HOLDERS),
                        card_id=None,
                        reason="卡片已挂失" if outcome == "refused" else None,
                        outcome=outcome,
                        details=None,
                        prev_hash="0" * 64,
                        hash=hashlib.sha256(seq.to_bytes(8, "big")).hexdigest(),
                    )
                )
                if action == "session.end" and staff is not None:
                    sessions.append(
                        dict(
                            holder_id=batch[-1]["holder_id"],
                            via="card_pin",
                            staff_id=staff,
                            office_id=batch[-1]["office_id"],
                            opened_at=at - dt.timedelta(seconds=rng.randint(60, 1500)),
                            closed_at=at,
                            end_reason="done",
                        )
                    )
            conn.execute(table.insert(), batch)
        for i in range(0, len(sessions), BATCH):
            conn.execute(insert(HolderSessionRow), sessions[i : i + BATCH])
        # The events are filler for report queries (hashes are not chained): one chain.
        conn.exec_driver_sql(
            "INSERT INTO audit_chains (name, last_seq, last_hash) "
            f"VALUES ('bench', {seq}, '{'0' * 64}')"
        )
    with engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
    return on_last


def timed(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm-up: caches filled, statements prepared
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def raw_aggregate(engine: Engine, office_id: int | None) -> Callable[[], object]:
    start, end = day_range(LAST_DAY)
    sqlite = engine.dialect.name == "sqlite"
    fmt = (
        (lambda t: t.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f"))
        if sqlite
        else (lambda t: t)
    )
    mark = "?" if sqlite else "%s"
    sql = (
        f"SELECT action, category, outcome, COUNT(*) FROM audit_events "
        f"WHERE at >= {mark} AND at < {mark}"
        + (f" AND office_id = {mark}" if office_id else "")
        + " GROUP BY action, category, outcome"
    )
    params = (fmt(start), fmt(end), *((office_id,) if office_id else ()))

    def run() -> object:
        raw = engine.raw_connection()
        try:
            cur = raw.cursor()
            cur.execute(sql, params)
            rows = cur.fetchall()
            cur.close()
            return rows
        finally:
            raw.close()

    return run


def report(engine: Engine, office: str | None) -> Callable[[], object]:
    def run() -> object:
        with read_only_connection(engine) as conn:
            return build_daily_report(conn, LAST_DAY, office_code=office)

    return run


def bench_on(url: str, events: int, days: int, repeat: int) -> None:
    """Migrate and fill the EMPTY database at ``url``, then time the reports on it."""
    db.upgrade(url)
    engine = db.create_engine_for(url)
    started = time.perf_counter()
    on_last = build_database(engine, events, days, seed=7)
    load = time.perf_counter() - started
    with engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    backend = engine.dialect.name
    print(
        f"{backend}: {total:,} audit events over {days} days loaded in {load:.1f} s "
        f"({total / load:,.0f}/s); {on_last:,} on the reported day {LAST_DAY}"
    )
    emit(f"reports_bulk_insert_{backend}", total / load, "events/s", None, "")
    for label, office, office_id in (("office", "500101-YB", 1), ("city", None, None)):
        ours = timed(report(engine, office), repeat)
        raw = timed(raw_aggregate(engine, office_id), repeat)
        target = "<= 2 s and <= 2x raw SQL" if office is None else "<= 2x raw SQL"
        emit(f"daily_report_{label}_{backend}_{total // 1000}k", ours, "s", raw, target)
    city = report(engine, None)()
    pdf = timed(lambda: render_pdf(city), max(1, repeat // 2))  # type: ignore[arg-type]
    emit(f"daily_report_city_pdf_render_{backend}", pdf, "s", None, "")
    engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="100,000 events")
    parser.add_argument(
        "--full",
        action="store_true",
        help="1,000,000 events, on SQLite and on a throwaway PostgreSQL",
    )
    parser.add_argument("--events", type=int, help="number of audit events")
    parser.add_argument("--days", type=int, default=10, help="days the events span")
    parser.add_argument("--db", help="an EMPTY database URL (default: a temporary SQLite)")
    parser.add_argument(
        "--postgres",
        help="also on PostgreSQL: 'auto' (throwaway server; "
        "the default with --full) or an EMPTY database URL",
    )
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    events = args.events or (100_000 if args.quick else 1_000_000)
    if args.postgres is None and args.full:
        args.postgres = "auto"
    with tempfile.TemporaryDirectory() as tmp:
        bench_on(
            args.db or f"sqlite:///{tmp}/bench_reports.sqlite3", events, args.days, args.repeat
        )
    if args.postgres and args.postgres != "none":
        server = None
        if args.postgres == "auto":
            from tests.pgserver import start_postgres

            server = start_postgres()
        try:
            url = server.create_database() if server else args.postgres
            bench_on(url, events, args.days, args.repeat)
        finally:
            if server:
                server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
