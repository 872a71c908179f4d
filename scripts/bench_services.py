#!/usr/bin/env python3
"""Service-layer figures of BENCHMARKS.md (a benchmark, not a test: it asserts nothing).

Prints JSON lines ``{"name", "value", "unit", "baseline", "ratio", "target"}``:

- ``overview_all.<backend>.<n>.p50_ms`` / ``.p99_ms``: the full holder overview a clerk
  opens — ``records.full_overview``: every tab in one transaction with one audit append —
  through the services, on SQLite and PostgreSQL with ``n`` demo holders. ``baseline``: the
  raw driver (sqlite3 / psycopg) replaying the very SQL the services sent (captured once per
  holder with a ``before_cursor_execute`` event, transactions included), with the audit
  event's chain position and hash patched so that each replay appends a real event.
- ``overview_all.<backend>.statements``: statements per full overview (round trips).
- ``lookup_view.*`` / ``lookup_search.*``: the audited lookups (one category's view; the
  holder search by ID number), same measurement, target ≤ 2× the raw replay.
- ``written_loss.pg.<workstations>ws.*``: written loss reports from 20 concurrent
  workstations (threads, each its own engine and connection) on PostgreSQL: throughput,
  p50/p99 latency, database errors that caused a retry, and — counted afterwards — duplicate
  active reports per card and duplicate form serials (must be 0). ``baseline``: the same
  threads doing a one-row ``INSERT`` + ``COMMIT`` through psycopg (the server's commit floor).
- ``cold_start.import_*``: ``python -c "import counter_app.ui.app"`` (and the services alone)
  in a fresh interpreter, beside ``python -c pass``. The GUI's time to the login window is
  ``bench_gui``'s figure; this one isolates the import cost of our modules.
- progress lines: PostgreSQL table + index sizes and rows per holder (docs/SCALING.md).

``--quick``: 10,000 holders; default and ``--full`` 100,000 (the 1,000,000-holder overview
figures are ``bench_scale.py --full``'s, which builds each 1M database once; ``--holders
1000000`` builds one here). ``--sqlite-db PATH`` / ``--pg-url URL``: measure the overview
on an existing, filled database instead of building one (``--holders`` labels the figures).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, event, select, text  # noqa: E402

from counter_app import db  # noqa: E402
from counter_app.demo import fill_demo  # noqa: E402
from counter_app.models import Card, Holder, Office, Staff  # noqa: E402
from counter_app.services import records, search, written_reports  # noqa: E402
from counter_app.services.context import Actor, ServiceContext  # noqa: E402
from counter_app.services.errors import ServiceError  # noqa: E402
from counter_app.services.idcheck import IdDocument, IdDocumentKind, ManualReason  # noqa: E402
from counter_app.services.permissions import OfficeKind, Role  # noqa: E402
from counter_app.services.sessions import HolderSession, open_id_session  # noqa: E402
from counter_app.settings import Settings  # noqa: E402

AS_OF = dt.date(2025, 6, 15)
WORKSTATIONS = 20


def _typed(ssn: str) -> IdDocument:
    """A resident ID card typed at the counter (no reader), as the GUI's fallback sends it."""
    return IdDocument(IdDocumentKind.RESIDENT_ID, ssn, manual_reason=ManualReason.NO_READER)


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


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# --------------------------------------------------------------------------- set-up


def build(url: str, holders: int) -> float:
    db.upgrade(url)
    engine = db.create_engine_for(url)
    try:
        started = time.perf_counter()
        fill_demo(engine, holders=holders, seed=1, as_of=AS_OF)
        seconds = time.perf_counter() - started
        if engine.dialect.name == "postgresql":
            with engine.connect() as conn:
                conn.exec_driver_sql("ANALYZE")
                conn.commit()
        return seconds
    finally:
        engine.dispose()


def make_ctx(engine: Engine, url: str, office_code: str) -> ServiceContext:
    return ServiceContext(
        session_factory=db.session_factory(engine),
        settings=Settings(mode="test", db_url=url, office_code=office_code),
    )


def card_center_actor(engine: Engine, workstation: str = "WS-BENCH") -> Actor:
    with engine.connect() as conn:
        row = conn.execute(
            select(
                Staff.id,
                Staff.staff_no,
                Staff.name,
                Staff.role,
                Office.id.label("oid"),
                Office.code,
                Office.name.label("oname"),
                Office.kind,
                Office.district_code,
            )
            .join(Office, Office.id == Staff.office_id)
            .where(
                Office.kind == OfficeKind.CARD_CENTER.value,
                Staff.role == Role.CARD_CENTER_STAFF.value,
                Staff.active.is_(True),
            )
            .order_by(Staff.id)
            .limit(1)
        ).one()
    return Actor(
        staff_id=row.id,
        staff_no=row.staff_no,
        name=row.name,
        role=Role(row.role),
        office_id=row.oid,
        office_code=row.code,
        office_name=row.oname,
        office_kind=OfficeKind(row.kind),
        district_code=row.district_code,
        workstation_id=workstation,
    )


def holders_with_card(engine: Engine, count: int, seed: int) -> list[tuple[int, str]]:
    """(holder id, ID number) of holders whose card is active and not reported lost."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(Holder.id, Holder.ssn)
            .join(Card, Card.holder_id == Holder.id)
            .where(Card.state == "active", Holder.status != "deceased")
        ).all()
    picked = random.Random(seed).sample(rows, min(count, len(rows)))
    return [(r[0], r[1]) for r in picked]


# --------------------------------------------------------------------------- overview


def full_overview(ctx: ServiceContext, actor: Actor, session: HolderSession) -> None:
    """Every tab: one transaction, one audit append (``records.full_overview``)."""
    records.full_overview(ctx, actor, session)


def lookup(ctx: ServiceContext, actor: Actor, session: HolderSession) -> None:
    """The audited lookup: one category's view (check, read, audit append, commit)."""
    records.category(ctx, actor, session, records.Category.CARD_BASIC)


def search_lookup(ctx: ServiceContext, actor: Actor, session: HolderSession) -> None:
    """The audited holder search by ID number (its hit list and the search audited)."""
    search.find_holders(ctx, actor, ssn_of[session.holder_id])


ssn_of: dict[int, str] = {}


Op = tuple[str, str, Any]  # ("sql", statement, parameters) | ("commit"|"rollback", "", None)


class Capture:
    """Records every statement (and commit/rollback) an engine sends while ``on``."""

    def __init__(self, engine: Engine) -> None:
        self.ops: list[Op] = []
        self.on = False
        event.listen(engine, "before_cursor_execute", self._sql)
        event.listen(engine, "commit", self._commit)
        event.listen(engine, "rollback", self._rollback)

    def _sql(
        self,
        conn: Any,
        cursor: Any,
        statement: str,
        parameters: Any,
        context: Any,
        executemany: bool,
    ) -> None:
        if self.on:
            self.ops.append(("sql", statement, parameters))

    def _commit(self, conn: Any) -> None:
        if self.on:
            self.ops.append(("commit", "", None))

    def _rollback(self, conn: Any) -> None:
        if self.on:
            self.ops.append(("rollback", "", None))

    def take(self) -> list[Op]:
        ops, self.ops = self.ops, []
        return ops


_INSERT_COLUMNS = re.compile(r"INSERT INTO audit_events \(([^)]*)\)", re.I)
_UPDATE_SET = re.compile(r"UPDATE audit_chains SET (.*?) WHERE", re.I | re.S)


def _patch(statement: str, params: Any, values: dict[str, Any]) -> Any:
    """``params`` with the named columns replaced (dict params, or positional by the
    column list of the INSERT / the SET list of the UPDATE)."""
    if isinstance(params, dict):
        patched = dict(params)
        for key in patched:
            if key in values:
                patched[key] = values[key]
        return patched
    match = _INSERT_COLUMNS.search(statement)
    if match:
        names = [c.strip() for c in match.group(1).split(",")]
    else:
        found = _UPDATE_SET.search(statement)
        names = [p.split("=")[0].strip() for p in found.group(1).split(",")] if found else []
    patched = list(params)
    for i, name in enumerate(names):
        if name in values and i < len(patched):
            patched[i] = values[name]
    return tuple(patched)


class Replayer:
    """Replays captured units of work through the raw driver (the baseline)."""

    made = 0

    def __init__(self, url: str) -> None:
        self.sqlite = url.startswith("sqlite")
        if self.sqlite:
            self.conn: Any = sqlite3.connect(
                url.removeprefix("sqlite:///"), isolation_level=None, check_same_thread=False
            )
            for pragma in (
                "journal_mode=WAL",
                "synchronous=NORMAL",
                "foreign_keys=ON",
                "busy_timeout=5000",
            ):
                self.conn.execute(f"PRAGMA {pragma}")
        else:
            import psycopg

            self.conn = psycopg.connect(**pg_conninfo(url), options="-c lock_timeout=5000")
        self.counter = 0
        Replayer.made += 1
        self.chain = f"replay-{os.getpid()}-{Replayer.made}"
        # The replayer's own chain head, moved by each replayed head UPDATE as the services
        # move theirs: an UPDATE that matches a row writes it (~40 µs on SQLite, a page in
        # the commit), one that matches none writes nothing — not the same work.
        self.head = (0, "0" * 64)
        placeholder = "?" if self.sqlite else "%s"
        self.conn.cursor().execute(
            "INSERT INTO audit_chains (name, last_seq, last_hash) "
            f"VALUES ({placeholder}, {placeholder}, {placeholder})",
            (self.chain, *self.head),
        )
        self.conn.commit()

    def run(self, ops: list[Op]) -> None:
        cur = self.conn.cursor()
        for kind, statement, params in ops:
            if kind == "commit":
                self.conn.commit()
                continue
            if kind == "rollback":
                self.conn.rollback()
                continue
            lowered = statement.lstrip()[:40].lower()
            if lowered.startswith("update audit_chains"):
                cur.execute(statement, self._move_head(params))
                if cur.rowcount != 1:
                    raise RuntimeError("the replayed chain-head UPDATE moved no head")
                continue
            if lowered.startswith("insert into audit_events"):
                # A real append each time: a chain of the replayer's own, the next position
                # and a fresh hash (the services' UPDATE of their chain head is replayed as
                # sent; it matches no row any more, as cheap as the real one).
                self.counter += 1
                params = _patch(
                    statement,
                    params,
                    {
                        "chain": self.chain,
                        "chain_seq": self.counter,
                        "hash": hashlib.sha256(f"{self.chain}-{self.counter}".encode()).hexdigest(),
                    },
                )
            cur.execute(statement, params if params is not None else ())
            if cur.description is not None:
                cur.fetchall()
        cur.close()

    def _move_head(self, params: Any) -> Any:
        """The services' chain-head UPDATE's parameters, on the replayer's own chain: the
        head it saw and the next position (``audit_chain._MOVE_SEEN_HEAD``)."""
        seq, seen = self.head
        self.head = (seq + 1, hashlib.sha256(f"{self.chain}-head-{seq + 1}".encode()).hexdigest())
        values = {
            "c_seq": self.head[0],
            "c_hash": self.head[1],
            "c_name": self.chain,
            "c_seen_seq": seq,
            "c_seen_hash": seen,
        }
        if isinstance(params, dict):  # psycopg: by name
            return {key: values.get(key, value) for key, value in params.items()}
        # sqlite3: SET last_seq=?, last_hash=? WHERE name=? AND last_seq=? AND last_hash=?
        return tuple(values.values())[: len(params)]

    def close(self) -> None:
        self.conn.close()


def pg_conninfo(url: str) -> dict[str, Any]:
    from sqlalchemy.engine import make_url

    u = make_url(url)
    params = {
        "host": u.query.get("host") or u.host,
        "port": u.query.get("port") or u.port,
        "user": u.username,
        "dbname": u.database,
        "password": u.password,
    }
    return {k: v for k, v in params.items() if v}


def bench_overview(url: str, backend: str, holders: int, samples: int) -> None:
    """The full overview, the one-category lookup and the holder search, each beside the
    raw driver replaying the same statements (audit append included) in the same run."""
    for name, work in (
        ("overview_all", full_overview),
        ("lookup_view", lookup),
        ("lookup_search", search_lookup),
    ):
        bench_replayed(url, backend, holders, samples, name, work)


def bench_replayed(
    url: str, backend: str, holders: int, samples: int, name: str, full_overview: Any
) -> None:
    engine = db.create_engine_for(url)
    actor = card_center_actor(engine)
    ctx = make_ctx(engine, url, actor.office_code)
    picked = holders_with_card(engine, samples, seed=11)
    ssn_of.update(picked)
    sessions = [open_id_session(ctx, actor, hid, _typed(ssn), "bench") for hid, ssn in picked]
    capture = Capture(engine)
    captured: list[list[Op]] = []
    for session in sessions:  # warm-up and capture, one per holder
        capture.on = True
        full_overview(ctx, actor, session)
        capture.on = False
        captured.append(capture.take())
    statements = sum(1 for op in captured[0] if op[0] == "sql")
    emit(f"{name}.{backend}.statements", statements, "stmts")
    ours: list[float] = []
    raw: list[float] = []
    replayer = Replayer(url)
    try:
        replayer.run(captured[0])  # warm the raw connection too
        for session, ops in zip(sessions, captured, strict=True):  # interleaved
            start = time.perf_counter()
            full_overview(ctx, actor, session)
            ours.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            replayer.run(ops)
            raw.append((time.perf_counter() - start) * 1000)
    finally:
        replayer.close()
        engine.dispose()
    for q, label in ((0.5, "p50"), (0.99, "p99")):
        emit(
            f"{name}.{backend}.{holders}.{label}_ms",
            pct(ours, q),
            "ms",
            baseline=pct(raw, q),
            target=2.0,
        )


# --------------------------------------------------------------------------- loss reports


def bench_written_loss(url: str, per_workstation: int) -> None:
    """20 workstations registering written loss reports at once on PostgreSQL."""
    from sqlalchemy import exc as sa_exc

    from counter_app.services.uow import sqlstate

    setup = db.create_engine_for(url)
    need = WORKSTATIONS * per_workstation
    pool = holders_with_card(setup, need, seed=23)
    setup.dispose()
    # Pairs of workstations share every fifth holder: two windows, one card (RULES L4).
    plans: list[list[tuple[int, str]]] = [[] for _ in range(WORKSTATIONS)]
    it = iter(pool)
    for t in range(0, WORKSTATIONS, 2):
        for j in range(per_workstation):
            a = next(it)
            b = a if j % 5 == 0 else next(it, a)
            plans[t].append(a)
            plans[t + 1].append(b)
    latencies: list[float] = []
    outcomes: dict[str, int] = {"ok": 0, "refused": 0, "error": 0, "db_retry_errors": 0}
    lock = threading.Lock()
    barrier = threading.Barrier(WORKSTATIONS)

    def workstation(t: int) -> None:
        engine = db.create_engine_for(url, pool_size=1, max_overflow=0)

        @event.listens_for(engine, "handle_error")
        def _count(context: Any) -> None:
            error = context.sqlalchemy_exception
            if isinstance(error, sa_exc.DBAPIError) and sqlstate(error) in (
                "40001",
                "40P01",
                "23505",
                "55P03",
            ):
                with lock:
                    outcomes["db_retry_errors"] += 1

        actor = card_center_actor(engine, f"WS-{t:02d}")
        ctx = make_ctx(engine, url, actor.office_code)
        mine: list[float] = []
        barrier.wait()
        for j, (holder_id, ssn) in enumerate(plans[t]):
            details = written_reports.WrittenLossInput(
                "13883251234", ctx.now().date(), "解放碑", "遗失", _typed(ssn)
            )
            start = time.perf_counter()
            try:
                written_reports.register_written_loss(
                    ctx, actor, holder_id, details, f"bench-ws{t:02d}-{j:05d}"
                )
                kind = "ok"
            except ServiceError:
                kind = "refused"
            except Exception as error:  # reported, not raised
                print(f"workstation {t}: {type(error).__name__}: {error}"[:300])
                kind = "error"
            mine.append((time.perf_counter() - start) * 1000)
            with lock:
                outcomes[kind] += 1
        engine.dispose()
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=workstation, args=(t,)) for t in range(WORKSTATIONS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - started
    raw_rate, raw_p99 = raw_insert_baseline(url, per_workstation * 3)
    check = db.create_engine_for(url)
    with check.connect() as conn:
        dup_reports = conn.execute(
            text(
                "SELECT count(*) FROM (SELECT card_id FROM loss_reports WHERE state IN "
                "('open','confirmed') GROUP BY card_id HAVING count(*) > 1) d"
            )
        ).scalar_one()
        dup_serials = conn.execute(
            text(
                "SELECT count(*) FROM (SELECT serial FROM form_documents GROUP BY serial "
                "HAVING count(*) > 1) d"
            )
        ).scalar_one()
        gaps = conn.execute(
            text(
                "SELECT count(*) FROM (SELECT office_id, year FROM form_documents GROUP BY "
                "office_id, year HAVING max(sequence) <> count(*)) g"
            )
        ).scalar_one()
    check.dispose()
    prefix = f"written_loss.pg.{WORKSTATIONS}ws"
    emit(f"{prefix}.throughput", outcomes["ok"] / wall, "reports/s", baseline=raw_rate)
    emit(f"{prefix}.p50_ms", pct(latencies, 0.5), "ms")
    emit(f"{prefix}.p99_ms", pct(latencies, 0.99), "ms", baseline=raw_p99)
    emit(f"{prefix}.refused_same_card", outcomes["refused"], "calls")
    emit(f"{prefix}.errors", outcomes["error"], "calls", target=0)
    emit(f"{prefix}.db_retry_errors", outcomes["db_retry_errors"], "errors")
    emit(f"{prefix}.duplicate_active_reports", dup_reports, "cards", target=0)
    emit(f"{prefix}.duplicate_or_missing_serials", dup_serials + gaps, "serials", target=0)


def raw_insert_baseline(url: str, per_thread: int) -> tuple[float, float]:
    """20 threads, each its own psycopg connection: INSERT one row, COMMIT."""
    import psycopg

    info = pg_conninfo(url)
    with psycopg.connect(**info, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS bench_raw_inserts (id bigserial PRIMARY KEY,"
            " card_id int NOT NULL, at timestamptz NOT NULL, note text)"
        )
    latencies: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(WORKSTATIONS)

    def worker(t: int) -> None:
        mine = []
        with psycopg.connect(**info) as conn:
            barrier.wait()
            for j in range(per_thread):
                start = time.perf_counter()
                conn.execute(
                    "INSERT INTO bench_raw_inserts (card_id, at, note) VALUES (%s, now(), %s)",
                    (t * 100000 + j, "遗失"),
                )
                conn.commit()
                mine.append((time.perf_counter() - start) * 1000)
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(t,)) for t in range(WORKSTATIONS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - started
    return len(latencies) / wall, pct(latencies, 0.99)


# --------------------------------------------------------------------------- sizes


def report_sizes(url: str, holders: int) -> None:
    """Progress lines: each table's total size (heap + indexes + TOAST) and rows/holder."""
    engine = db.create_engine_for(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT c.relname, pg_total_relation_size(c.oid), pg_relation_size(c.oid), "
                "pg_indexes_size(c.oid), c.reltuples::bigint FROM pg_class c JOIN pg_namespace n "
                "ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname = current_schema() "
                "ORDER BY 2 DESC"
            )
        ).all()
    engine.dispose()
    total = sum(r[1] for r in rows)
    print(f"postgresql sizes at {holders} holders: total {total / 2**20:.1f} MB")
    print("table | total MB | heap MB | index MB | rows | rows/holder | bytes/row")
    for name, tot, heap, idx, tuples in rows:
        if tot < 64 * 1024:
            continue
        per = tuples / holders if holders else 0
        print(
            f"{name} | {tot / 2**20:.2f} | {heap / 2**20:.2f} | {idx / 2**20:.2f} | "
            f"{tuples} | {per:.2f} | {tot / tuples if tuples > 0 else 0:.0f}"
        )


# --------------------------------------------------------------------------- cold start


def bench_cold_start(repeat: int) -> None:
    def best(code: str) -> float:
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-c", code],
                cwd=ROOT,
                check=True,
                env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
            )
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    bare = best("pass")
    emit("cold_start.import_ui_app", best("import counter_app.ui.app"), "s", baseline=bare)
    emit(
        "cold_start.import_services",
        best(
            "import counter_app.services.records, counter_app.services.written_reports, "
            "counter_app.services.search"
        ),
        "s",
        baseline=bare,
    )


# --------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="10,000 holders")
    parser.add_argument(
        "--full", action="store_true", help="100,000 holders (1M: bench_scale.py --full)"
    )
    parser.add_argument("--sqlite-db", type=Path, help="an existing, filled SQLite file")
    parser.add_argument("--pg-url", help="an existing, filled PostgreSQL database URL")
    parser.add_argument("--holders", type=int)
    parser.add_argument("--samples", type=int)
    parser.add_argument("--skip", default="", help="comma list: sqlite,postgresql,loss,cold")
    args = parser.parse_args()
    holders = args.holders or (10_000 if args.quick else 100_000)
    samples = args.samples or (60 if args.quick else 300)
    per_ws = 10 if args.quick else 40
    skip = set(filter(None, args.skip.split(",")))
    if args.sqlite_db or args.pg_url:
        if args.sqlite_db:
            bench_overview(f"sqlite:///{args.sqlite_db}", "sqlite", holders, samples)
        if args.pg_url:
            bench_overview(args.pg_url, "postgresql", holders, samples)
            report_sizes(args.pg_url, holders)
        return 0
    with tempfile.TemporaryDirectory(prefix="counter-bench-svc-") as scratch:
        if "sqlite" not in skip:
            url = f"sqlite:///{scratch}/svc.sqlite3"
            print(f"sqlite demo {holders}: {build(url, holders):.1f} s")
            bench_overview(url, "sqlite", holders, samples)
        if not {"postgresql"} <= skip or "loss" not in skip:
            from tests.pgserver import start_postgres

            server = start_postgres()
            try:
                url = server.create_database()
                print(f"postgresql demo {holders}: {build(url, holders):.1f} s")
                if "postgresql" not in skip:
                    bench_overview(url, "postgresql", holders, samples)
                    report_sizes(url, holders)
                if "loss" not in skip:
                    bench_written_loss(url, per_ws)
            finally:
                server.stop()
    if "cold" not in skip:
        bench_cold_start(3 if args.quick else 5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
