#!/usr/bin/env python3
"""City-scale figures of BENCHMARKS.md (a benchmark, not a test: it asserts nothing).

Builds the demo city once per back end — SQLite (``executemany``) and PostgreSQL
(``COPY``), through ``fill_demo`` exactly as ``counter-admin demo-data`` does — and measures
on those very databases:

- ``scale.build.<backend>.<n>.seconds`` / ``.cpu_seconds`` / ``.size_mb`` /
  ``.rows``: time to build, CPU time of this process, database size (SQLite file incl. WAL;
  ``pg_database_size``), rows in all tables; per-table rows and ``pg_total_relation_size``
  as progress lines (and ``scale.table.<table>.<backend>.<n>.mb``);
- lookups (``bench_db.bench_lookups``) and the full holder overview
  (``bench_services.bench_overview``) on both back ends, beside the raw driver;
- ``scale.plan.<backend>.<n>.full_scans``: statements of a holder search and of the full
  overview whose query plan scans a whole holder-data table (``EXPLAIN QUERY PLAN`` /
  ``EXPLAIN``); the plans are printed as progress lines;
- ``gui.peak_rss_1m`` (``gui.peak_rss.<n>``): peak RSS of a GUI process (offscreen) against
  the SQLite database — login window (and the start-up warm-up behind it), staff login, main
  window, five holders each searched by card number, name + birth date and ID number, the
  holder opened and every tab of the overview shown — read as ``VmHWM`` (the process's own
  high-water mark; its ``ru_maxrss`` is printed too, but Linux carries a fork parent's peak
  over exec into it). ``baseline``: the peak at the login window. ``gui.helper_peak_rss*``:
  the helper process's own peak (a separate process: page images and PDFs).

``--full``: 1,000,000 holders; ``--quick``: 10,000 (build, sizes, plans and GUI memory only:
``bench_db``/``bench_services`` measure lookups and overview at 10k); ``--holders N``;
without any of them (``scripts/bench`` default run) it does nothing. ``--dir`` keeps the
SQLite file there (and reuses it when it is already filled); ``--postgres URL`` uses a
server of yours (an empty database is filled, a filled one reused), ``auto`` (default)
starts a throwaway one; ``--skip`` leaves parts out (sqlite,postgresql,lookups,overview,
plans,gui).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from sqlalchemy import Engine, text  # noqa: E402

from counter_app import db  # noqa: E402
from counter_app.demo import fill_demo  # noqa: E402

AS_OF = dt.date(2025, 6, 15)


def emit(
    name: str,
    value: float,
    unit: str,
    baseline: float | None = None,
    target: float | str | None = None,
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
            },
            ensure_ascii=False,
        ),
        flush=True,
    )


def holder_count(url: str) -> int:
    engine = db.create_engine_for(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM holders")).scalar_one())
    except Exception:  # no schema yet
        return 0
    finally:
        engine.dispose()


def table_rows(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            names = [
                r[0]
                for r in conn.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%'"
                )
            ]
        else:
            names = [
                r[0]
                for r in conn.exec_driver_sql(
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
                )
            ]
        return {
            n: int(conn.exec_driver_sql(f'SELECT count(*) FROM "{n}"').scalar_one())
            for n in sorted(names)
        }


def build(url: str, backend: str, holders: int) -> None:
    """Fill the database (migrating it first) unless it already holds the holders."""
    have = holder_count(url)
    if have:
        print(f"{backend}: reusing a database with {have:,} holders", flush=True)
        return
    db.upgrade(url)
    engine = db.create_engine_for(url)
    try:
        started, cpu = time.perf_counter(), time.process_time()
        summary = fill_demo(engine, holders=holders, seed=1, as_of=AS_OF)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        analyze_started = time.perf_counter()
        with engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
        analyze = time.perf_counter() - analyze_started
    finally:
        engine.dispose()
    emit(f"scale.build.{backend}.{holders}.seconds", seconds, "s")
    emit(f"scale.build.{backend}.{holders}.cpu_seconds", cpu, "s")
    emit(f"scale.build.{backend}.{holders}.loadavg_1min", os.getloadavg()[0], "procs")
    emit(f"scale.build.{backend}.{holders}.analyze_seconds", analyze, "s")
    print(
        f"{backend}: fill_demo {summary.seconds:.1f} s, {sum(summary.rows.values()):,} rows "
        f"written",
        flush=True,
    )


def report_sqlite(path: Path, holders: int) -> None:
    size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    emit(f"scale.build.sqlite.{holders}.size_mb", size / 2**20, "MB")
    engine = db.create_engine_for(f"sqlite:///{path}")
    try:
        rows = table_rows(engine)
        per_table: dict[str, int] = {}
        with engine.connect() as conn:
            try:  # the dbstat virtual table (compiled into Debian's and CPython's SQLite)
                for name, pages in conn.exec_driver_sql(
                    "SELECT name, sum(pgsize) FROM dbstat GROUP BY name"
                ):
                    per_table[str(name)] = int(pages)
            except Exception:  # no dbstat: sizes per table unknown
                per_table = {}
    finally:
        engine.dispose()
    emit(f"scale.build.sqlite.{holders}.rows", sum(rows.values()), "rows")
    print(f"sqlite rows and sizes at {holders:,} holders (bytes of table + its indexes):")
    index_owner: dict[str, str] = {}
    if per_table:
        lite = __import__("sqlite3").connect(str(path))
        index_owner = {
            n: t
            for n, t in lite.execute(
                "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index'"
            )
        }
        lite.close()
    totals: dict[str, int] = {}
    for name, size_bytes in per_table.items():
        owner = index_owner.get(name, name)
        totals[owner] = totals.get(owner, 0) + size_bytes
    for name, count in sorted(rows.items(), key=lambda kv: -totals.get(kv[0], 0)):
        if count:
            print(f"  {name} | {count:,} rows | {totals.get(name, 0) / 2**20:.1f} MB", flush=True)


def report_postgres(url: str, holders: int) -> None:
    engine = db.create_engine_for(url)
    try:
        rows = table_rows(engine)
        with engine.connect() as conn:
            size = conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar_one()
            sizes = conn.exec_driver_sql(
                "SELECT c.relname, pg_total_relation_size(c.oid), pg_relation_size(c.oid), "
                "pg_indexes_size(c.oid) FROM pg_class c JOIN pg_namespace n ON "
                "n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname = current_schema() "
                "ORDER BY 2 DESC"
            ).all()
    finally:
        engine.dispose()
    emit(f"scale.build.postgresql.{holders}.size_mb", size / 2**20, "MB")
    emit(f"scale.build.postgresql.{holders}.rows", sum(rows.values()), "rows")
    print(f"postgresql rows and sizes at {holders:,} holders:")
    print("  table | rows | total MB | heap MB | index MB | bytes/row")
    for name, total, heap, idx in sizes:
        count = rows.get(name, 0)
        if total >= 1 << 20:
            emit(f"scale.table.{name}.postgresql.{holders}.mb", total / 2**20, "MB")
        if count:
            print(
                f"  {name} | {count:,} | {total / 2**20:.1f} | {heap / 2**20:.1f} | "
                f"{idx / 2**20:.1f} | {total / count:.0f}",
                flush=True,
            )


# --------------------------------------------------------------------------- query plans

_BIG_ROWS = 50_000  # a full scan of a table this size (or larger) is a finding


def capture_statements(url: str, samples: int = 3) -> list[tuple[str, Any]]:
    """The SELECTs a holder search (each kind) and a full overview send, with parameters."""
    import random

    from bench_services import (
        Capture,
        card_center_actor,
        full_overview,
        holders_with_card,
        make_ctx,
    )
    from sqlalchemy import select

    from counter_app.models import Card, Holder
    from counter_app.services import phone_reports, search
    from counter_app.services.idcheck import IdDocument, IdDocumentKind, ManualReason
    from counter_app.services.sessions import open_id_session

    engine = db.create_engine_for(url)
    try:
        actor = card_center_actor(engine)
        ctx = make_ctx(engine, url, actor.office_code)
        picked = holders_with_card(engine, samples, seed=random.Random(5).randrange(1000))
        capture = Capture(engine)
        for holder_id, ssn in picked:
            with engine.connect() as conn:
                row = conn.execute(
                    select(Holder.name, Holder.birth_date, Card.card_number)
                    .join(Card, Card.holder_id == Holder.id)
                    .where(Holder.id == holder_id)
                    .limit(1)
                ).one()
            capture.on = True
            search.find_holders(ctx, actor, ssn)
            search.find_holders(ctx, actor, row.card_number)
            search.find_holders(ctx, actor, f"{row.name} {row.birth_date.isoformat()}")
            session = open_id_session(
                ctx,
                actor,
                holder_id,
                IdDocument(IdDocumentKind.RESIDENT_ID, ssn, manual_reason=ManualReason.NO_READER),
                "bench",
            )
            full_overview(ctx, actor, session)
            capture.on = False
        # The lapsing badge's list, city-wide (the card center), on the demo's "today".
        as_of_ctx = dataclasses.replace(
            ctx, clock=lambda: dt.datetime.combine(AS_OF, dt.time(10), dt.UTC)
        )
        capture.on = True
        lapsing = phone_reports.lapsing_phone_reports(as_of_ctx, actor)
        capture.on = False
        print(f"lapsing list city-wide on {AS_OF}: {len(lapsing)} reports", flush=True)
        ops = capture.take()
    finally:
        engine.dispose()
    seen: dict[str, Any] = {}
    for kind, statement, params in ops:
        if kind == "sql" and statement.lstrip().upper().startswith("SELECT"):
            seen.setdefault(statement, params)  # one parameter set per statement text
    return list(seen.items())


def explain_plans(url: str, backend: str, holders: int) -> None:
    """Print each statement's plan; count the statements that scan a big table whole."""
    statements = capture_statements(url)
    engine = db.create_engine_for(url)
    rows = table_rows(engine)
    engine.dispose()
    big = {t for t, n in rows.items() if n >= _BIG_ROWS}
    findings = 0
    slowest: list[tuple[float, str]] = []
    if backend == "sqlite":
        import sqlite3

        lite = sqlite3.connect(url.removeprefix("sqlite:///"))
        try:
            for statement, params in statements:
                plan = [r[3] for r in lite.execute("EXPLAIN QUERY PLAN " + statement, params or ())]
                start = time.perf_counter()
                lite.execute(statement, params or ()).fetchall()
                slowest.append(((time.perf_counter() - start) * 1000, statement))
                bad = [p for p in plan if p.startswith("SCAN ") and p.split()[1] in big]
                findings += bool(bad)
                print(
                    f"plan{' FULL SCAN' if bad else ''}: {' | '.join(plan)}  <- "
                    f"{' '.join(statement.split())[:160]}",
                    flush=True,
                )
        finally:
            lite.close()
    else:
        import psycopg
        from bench_services import pg_conninfo

        with psycopg.connect(**pg_conninfo(url)) as pg:
            for statement, params in statements:
                lines = [
                    r[0] for r in pg.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, params)
                ]
                pg.rollback()
                total = next(
                    (float(line.split()[2]) for line in lines if line.startswith("Execution Time")),
                    0.0,
                )
                slowest.append((total, statement))
                bad = [
                    line
                    for line in lines
                    if "Seq Scan on " in line and line.split("Seq Scan on ")[1].split()[0] in big
                ]
                findings += bool(bad)
                shown = [line.strip() for line in lines if "Scan" in line or "Time" in line]
                print(
                    f"plan{' FULL SCAN' if bad else ''}: {' | '.join(shown)[:400]}  <- "
                    f"{' '.join(statement.split())[:160]}",
                    flush=True,
                )
    slowest.sort(reverse=True)
    for ms, statement in slowest[:5]:
        print(f"slowest {backend}: {ms:.2f} ms  {' '.join(statement.split())[:200]}", flush=True)
    emit(f"scale.plan.{backend}.{holders}.statements", len(statements), "stmts")
    emit(f"scale.plan.{backend}.{holders}.full_scans", findings, "stmts", target=0)
    emit(f"scale.plan.{backend}.{holders}.slowest_statement_ms", slowest[0][0], "ms")


# --------------------------------------------------------------------------- GUI memory

GUI_CHILD = r"""
import json, os, resource, sys, time
from PyQt6.QtCore import QThreadPool
from PyQt6.QtWidgets import QApplication

def rss_mb(key="VmHWM"):
    # VmHWM: this process's own peak. ru_maxrss is not: after fork/vfork + exec Linux
    # carries the parent's peak over (signal->maxrss), so a child of a big benchmark
    # process starts with the parent's RSS as its "peak".
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

app = QApplication(sys.argv)
from counter_app.demo.accounts import DEMO_ACCOUNTS
from counter_app.services.idcheck import IdDocument, IdDocumentKind
from counter_app.settings import load_settings
from counter_app.ui import app as gui

targets = json.loads(sys.argv[1])
ws = gui.build_workstation(load_settings(), False, second_screen=False)
login = gui.make_login(ws)
login.show()
gui.start_background(ws)
if ws.runner.process is not None and ws.runner.process.warmed is not None:
    ws.runner.process.warmed.result()

def wait(cond, timeout=120.0):
    end = time.perf_counter() + timeout
    while not cond():
        app.processEvents()
        if time.perf_counter() > end:
            raise TimeoutError("scripted GUI step did not finish")
        time.sleep(0.001)

wait(lambda: not ws.runner.pending)
at_login = rss_mb()
account = next(a for a in DEMO_ACCOUNTS if a.staff_no == "YB500103-01")
actor = ws.gateway.login(account.staff_no, account.password).actor
login.close()
window = gui.make_main_window(ws, actor)
window.resize(1400, 900)
window.show()
app.processEvents()
tabs_seen = 0
for target in targets:
    for text in (target["card_number"], target["name_birth"], target["ssn"]):
        window.hits.set_rows([], [])
        window.do_search(text)
        wait(lambda: window.hits.rowCount() > 0)
    session = ws.gateway.open_id_session(
        actor, target["id"],
        IdDocument(IdDocumentKind.RESIDENT_ID, target["ssn"],
                   manual_reason=ManualReason.NO_READER), "bench")
    window._id_session_opened(session)
    wait(lambda: window.holder.overview is not None)
    for tab in range(1, window.holder.tabs.count()):
        window.holder.tabs.setCurrentIndex(tab)
        wait(lambda t=tab: window.holder.pages[t - 1].models)
        tabs_seen += 1
    window.holder.clear()
    app.processEvents()
helper_mb = 0.0  # the helper process (page images, PDFs): its own peak, beside ours
for tid in os.listdir("/proc/self/task"):
    try:
        kids = open(f"/proc/self/task/{tid}/children").read().split()
    except OSError:
        kids = []
    for kid in kids:
        try:
            for line in open(f"/proc/{kid}/status"):
                if line.startswith("VmHWM:"):
                    helper_mb += int(line.split()[1]) / 1024
        except OSError:
            pass
print(json.dumps({"at_login_mb": at_login, "peak_mb": rss_mb(), "helper_mb": helper_mb,
                  "now_mb": rss_mb("VmRSS"),
                  "ru_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "tabs": tabs_seen, "holders": len(targets)}))
window.close()
QThreadPool.globalInstance().waitForDone()
ws.close()
"""


def gui_targets(path: Path, count: int) -> list[dict[str, Any]]:
    import random
    import sqlite3

    lite = sqlite3.connect(str(path))
    try:
        top = lite.execute("SELECT max(id) FROM holders").fetchone()[0]
        ids = random.Random(13).sample(range(14, top + 1), count * 4)
        out: list[dict[str, Any]] = []
        for hid in ids:
            row = lite.execute(
                "SELECT h.id, h.ssn, h.name, h.birth_date, c.card_number FROM holders h "
                "JOIN cards c ON c.holder_id = h.id WHERE h.id = ? AND c.state = 'active' "
                "AND h.status <> 'deceased'",
                (hid,),
            ).fetchone()
            if row:
                out.append(
                    {
                        "id": row[0],
                        "ssn": row[1],
                        "name_birth": f"{row[2]} {row[3]}",
                        "card_number": row[4],
                    }
                )
            if len(out) == count:
                break
        return out
    finally:
        lite.close()


def bench_gui_memory(path: Path, holders: int, count: int = 5) -> None:
    """Peak RSS of an offscreen GUI process on the database at ``path``."""
    home = Path(tempfile.mkdtemp(prefix="counter-bench-rss-"))
    try:
        settings = home / "settings.toml"
        settings.write_text(
            f'mode = "demo"\ndb_url = "sqlite:///{path}"\noffice_code = "500103-YB"\n'
            'reader_name = "emulator"\nfour_eyes = false\n',
            encoding="utf-8",
        )
        env = {
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "COUNTER_SETTINGS": str(settings),
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_CONFIG_HOME": str(home / "config"),
        }
        env.pop("COUNTER_DB_URL", None)
        out = subprocess.run(
            [sys.executable, "-c", GUI_CHILD, json.dumps(gui_targets(path, count))],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        if out.returncode != 0:
            print(out.stderr[-3000:])
            raise RuntimeError(f"GUI child failed ({out.returncode})")
        result = json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(home, ignore_errors=True)
    print(
        f"GUI: {result['holders']} holders searched 3 ways, overview + {result['tabs']} tabs "
        f"shown; peak RSS (VmHWM) at the login window {result['at_login_mb']:.0f} MB, at the "
        f"end {result['peak_mb']:.0f} MB, RSS now {result['now_mb']:.0f} MB (ru_maxrss "
        f"{result['ru_maxrss_mb']:.0f} MB includes the parent's peak inherited at exec)",
        flush=True,
    )
    name = "gui.peak_rss_1m" if holders == 1_000_000 else f"gui.peak_rss.{holders}"
    emit(name, result["peak_mb"], "MB", baseline=result["at_login_mb"])
    helper = "gui.helper_peak_rss_1m" if holders == 1_000_000 else f"gui.helper_peak_rss.{holders}"
    emit(helper, result["helper_mb"], "MB")


# --------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--full", action="store_true", help="1,000,000 holders")
    parser.add_argument("--quick", action="store_true", help="10,000 holders")
    parser.add_argument("--holders", type=int)
    parser.add_argument("--samples", type=int, help="holders per overview figure")
    parser.add_argument("--dir", type=Path, help="keep (and reuse) the SQLite file here")
    parser.add_argument(
        "--postgres",
        default="auto",
        help="'auto' (throwaway server), 'none', or a database URL to fill/reuse",
    )
    parser.add_argument(
        "--skip", default="", help="comma list: sqlite,postgresql,lookups,overview,plans,gui"
    )
    args = parser.parse_args()
    if not (args.full or args.quick or args.holders):
        print("bench_scale: city-scale figures run with --full (1M holders) or --quick; skipped")
        return 0
    holders = args.holders or (1_000_000 if args.full else 10_000)
    samples = args.samples or (60 if args.quick else 200)
    skip = set(filter(None, args.skip.split(",")))
    if args.quick:  # bench_db / bench_services measure lookups and overview at 10k already
        skip |= {"lookups", "overview"}
    import bench_db
    import bench_services

    with tempfile.TemporaryDirectory(prefix="counter-bench-scale-") as scratch:
        folder = args.dir or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        if "sqlite" not in skip:
            path = folder / f"demo-{holders}.sqlite3"
            url = f"sqlite:///{path}"
            build(url, "sqlite", holders)
            report_sqlite(path, holders)
            if "plans" not in skip:
                explain_plans(url, "sqlite", holders)
            if "lookups" not in skip:
                bench_db.bench_lookups(url, "sqlite", holders)
            if "overview" not in skip:
                bench_services.bench_overview(url, "sqlite", holders, samples)
            if "gui" not in skip:
                bench_gui_memory(path, holders)
        if "postgresql" not in skip and args.postgres != "none":
            server = None
            if args.postgres == "auto":
                from tests.pgserver import start_postgres

                server = start_postgres()
                url = server.create_database()
            else:
                url = args.postgres
            try:
                build(url, "postgresql", holders)
                report_postgres(url, holders)
                if "plans" not in skip:
                    explain_plans(url, "postgresql", holders)
                if "lookups" not in skip:
                    bench_db.bench_lookups(url, "postgresql", holders)
                if "overview" not in skip:
                    bench_services.bench_overview(url, "postgresql", holders, samples)
            finally:
                if server:
                    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
