#!/usr/bin/env python3
"""``scripts/load``: many workstations against one PostgreSQL, beside a raw-driver baseline.

A benchmark, not a test (it asserts nothing about time; its post-run checks decide the exit
status). For every ``--latency-ms`` value and every ``--workers`` count N:

1. N worker processes are forked (each its own engine and connections, as separate
   workstations are), each at its own workstation of one of 39 offices, serving its own
   holders (scripts/load_worker.py: session, overview, view, search, PIN change, written loss
   report, lift, session end);
2. service phase, ``--seconds``: the mix through the real services; a sealer thread writes a
   city audit seal every ``--seal-every`` seconds meanwhile (no clerk waits on it);
3. baseline phase, ``--seconds``: the same workers replay the same actions through psycopg —
   the same reads, plain inserts instead of the writes, the same commits;
4. during both phases ``pg_locks`` / ``pg_stat_activity`` are sampled every 20 ms: every
   backend waiting on a lock, named by its relation. A wait is *shared* when the relation's
   rows are shared by workstations of different offices (anything but a card's rows, a
   holder's session, a workstation's audit chain, an office's serial counter).

5. ``--via-server [--servers 1|2]``: a third phase, the same workers through one or two
   ``counter-server`` processes (throwaway PKI, mutual TLS, same database) running the part
   of the mix that is remote today; each row gains ``remote_*`` figures and
   ``server_added_p50_ms``/``server_added_p99_ms`` (remote minus in-process, same run).
   Card operations are not remote yet: their rows say so (``remote_note``;
   scripts/load_remote.py).

6. ``--focus view,written_loss``: after the mix, each named action runs alone in every
   worker for ``--seconds``, then its baseline alone, with the workstation's CPU and the
   database's CPU per action on both sides (rows with ``"phase": "focus"``;
   scripts/load_focus.py) — the figures the mix's single ratio cannot give. Written loss
   reports use up the workers' cards: give ``--holders-per-worker`` enough (120 at 1 worker).

7. ``--fill-audit N``: before the runs, N valid audit events over 3,000 history chains
   (``HIST-0001`` …), sealed — a city's trail instead of a young one, so that a cost that
   grows with history shows (scripts/load_history.py; ``"history"`` in the JSON).

Afterwards: duplicate active loss reports, duplicate or missing form serials per office and
year, and ``audit verify`` (after a last seal). JSON (``--json FILE``)::

    {"runs": [{"workers", "latency_ms", "action", "count", "throughput", "p50_ms", "p99_ms",
               "baseline_count", "baseline_throughput", "baseline_p50_ms", "baseline_p99_ms",
               "throughput_ratio", "p99_ratio", "shared_lock_waits", "lock_waits",
               "baseline_lock_waits", "errors"}],
     "checks": {"duplicate_active_reports", "duplicate_or_missing_serials", "audit_verify_ok",
                "audit_events", "audit_chains", "seals"}, "machine": {…}, "params": {…}}

The server is a throwaway one (tests/pgserver.py: fsync off, unix socket), started and
removed by the script; ``--pg-url`` uses an existing database instead (it must be empty or
made by an earlier run of this script with the same ``--workers`` maximum).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from load_focus import FOCUSABLE, backend_cpu, cpu_between, focus_table  # noqa: E402
from load_seed import seed  # noqa: E402
from load_worker import run_worker  # noqa: E402

#: Relations whose rows belong to one card, holder, workstation, office or key: a wait on
#: them is between windows serving the same card/holder or the same office — not city-wide.
LOCAL_RELATIONS = {
    "audit_chains": "workstation",
    "form_serial_counters": "office",
    "cards": "card",
    "loss_reports": "card",
    "replacement_applications": "card",
    "holder_sessions": "holder",
    "idempotency_keys": "submission",
    "password_events": "card",
    "form_documents": "card",
    "form_contents": "card",
    "service_cases": "holder",
    "case_counters": "office",
}
_LOCK_SQL = """
SELECT w.pid, w.locktype,
       COALESCE(w.relation, t.relation)::regclass::text AS rel,
       left(a.query, 80) AS query, a.application_name
FROM pg_locks w
JOIN pg_stat_activity a ON a.pid = w.pid
LEFT JOIN LATERAL (SELECT relation FROM pg_locks t WHERE t.pid = w.pid
                   AND t.locktype = 'tuple' AND t.granted LIMIT 1) t ON true
WHERE NOT w.granted AND a.datname = current_database()
"""
_TABLE_IN_QUERY = re.compile(r"(?:UPDATE|INTO|FROM)\s+\"?(\w+)", re.I)


class Sampler(threading.Thread):
    """Samples lock waits of the database every ``interval`` s into ``phase``'s counter."""

    def __init__(self, conninfo: str, interval: float = 0.02) -> None:
        super().__init__(daemon=True)
        import psycopg

        self.conn = psycopg.connect(conninfo, autocommit=True)
        self.interval = interval
        self.phase: str | None = None
        self.waits: dict[str, Counter[str]] = {}
        self.samples: Counter[str] = Counter()
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            phase = self.phase
            if phase is not None:
                rows = self.conn.execute(_LOCK_SQL).fetchall()
                self.samples[phase] += 1
                counter = self.waits.setdefault(phase, Counter())
                for _pid, locktype, rel, query, app in rows:
                    if not str(app).startswith("load-"):
                        continue
                    if rel is None:
                        found = _TABLE_IN_QUERY.search(query or "")
                        rel = found.group(1) if found else f"({locktype})"
                    counter[str(rel)] += 1
            time.sleep(self.interval)
        self.conn.close()


class Sealer(threading.Thread):
    """The city sealer: ``audit.seal`` every ``every`` seconds while running."""

    def __init__(self, url: str, every: float) -> None:
        super().__init__(daemon=True)
        from counter_app import db

        self.engine = db.create_engine_for(url)
        self.factory = db.session_factory(self.engine)
        self.every = every
        self.stop = threading.Event()
        self.durations: list[float] = []
        self.sealed = 0

    def run(self) -> None:
        from counter_app.services import audit

        while not self.stop.wait(self.every):
            start = time.perf_counter()
            with self.factory() as session:
                if audit.seal(session) is not None:
                    self.sealed += 1
                session.commit()
            self.durations.append((time.perf_counter() - start) * 1000)
        self.engine.dispose()


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)


def shared(counter: Counter[str]) -> int:
    return sum(n for rel, n in counter.items() if rel not in LOCAL_RELATIONS)


def run_one(
    url: str,
    conninfo: str,
    plan: dict[str, Any],
    n: int,
    latency: float,
    args: argparse.Namespace,
    pins: dict[str, str],
    run_no: int,
    remote: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    context = mp.get_context("fork")
    barrier = context.Barrier(n + 1)
    results = context.Queue()
    procs = []
    for wid in range(n):
        cfg = {
            "wid": wid,
            "plan": plan["workers"][wid],
            "url": url,
            "latency_ms": latency,
            "seconds": args.seconds,
            "seed": args.seed,
            "run": run_no,
            "pins": pins,
            "remote": remote,
            "focus": list(args.focus),
        }
        proc = context.Process(target=run_worker, args=(cfg, barrier, results), daemon=True)
        proc.start()
        procs.append(proc)
    sampler = Sampler(conninfo)
    sealer = Sealer(url, args.seal_every)
    db_cpu: dict[tuple[str, str], float | None] = {}
    sampler.start()
    try:
        barrier.wait(timeout=600)  # every worker warmed up
        sealer.start()
        sampler.phase = "service"
        barrier.wait(timeout=600)  # service phase over
        sampler.phase = None
        sealer.stop.set()
        barrier.wait(timeout=600)  # baseline starts
        sampler.phase = "baseline"
        barrier.wait(timeout=600)  # baseline over
        sampler.phase = None
        for action in args.focus:  # scripts/load_focus.py: services, then baseline
            for side in ("service", "baseline"):
                barrier.wait(timeout=600)
                sampler.phase = f"focus-{action}-{side}"
                cpu0 = backend_cpu(conninfo)
                barrier.wait(timeout=600)
                cpu1 = backend_cpu(conninfo, list(cpu0))
                sampler.phase = None
                db_cpu[(action, side)] = cpu_between(cpu0, cpu1)
        if remote:
            barrier.wait(timeout=600)  # logged in through counter-server, remote phase starts
            sampler.phase = "remote"
            barrier.wait(timeout=600)  # remote phase over
    except threading.BrokenBarrierError:
        failed = []
        while True:
            try:
                failed.append(results.get(timeout=5))
            except Exception:  # queue drained
                break
        fatal = [o for o in failed if "fatal" in o]
        detail = f"{fatal[0]['fatal']}\n{fatal[0].get('trace', '')}" if fatal else "no detail"
        raise RuntimeError(f"a worker failed ({len(fatal)} of {n}): {detail}") from None
    finally:
        sampler.phase = None
        sampler.stop.set()
        sealer.stop.set()
        if sealer.is_alive():
            sealer.join()
        sampler.join()
    outs = [results.get(timeout=600) for _ in range(n)]
    for proc in procs:
        proc.join(timeout=60)
    fatal = [o for o in outs if "fatal" in o]
    if fatal:
        raise RuntimeError(f"worker failed: {fatal[0]['fatal']}\n{fatal[0].get('trace', '')}")
    for o in outs:
        pins.update(o["pins"])
    service_waits = sampler.waits.get("service", Counter())
    base_waits = sampler.waits.get("baseline", Counter())
    actions = sorted({a for o in outs for a in o["service"]["latencies"]})
    remote_waits = sampler.waits.get("remote", Counter())
    rows = []
    for action in actions:
        ours = [x for o in outs for x in o["service"]["latencies"].get(action, [])]
        raw = [x for o in outs for x in o["baseline"]["latencies"].get(action, [])]
        errs = Counter()
        for o in outs:
            errs.update({k: v for k, v in o["service"]["errors"].items() if k.startswith(action)})
        statements = max((o["statements"].get(action, 0) for o in outs), default=0)
        tput = len(ours) / args.seconds
        btput = len(raw) / args.seconds
        p99, bp99 = pct(ours, 0.99), pct(raw, 0.99)
        rows.append(
            {
                "workers": n,
                "latency_ms": latency,
                "action": action,
                "count": len(ours),
                "throughput": round(tput, 1),
                "p50_ms": pct(ours, 0.5),
                "p99_ms": p99,
                "baseline_count": len(raw),
                "baseline_throughput": round(btput, 1),
                "baseline_p50_ms": pct(raw, 0.5),
                "baseline_p99_ms": bp99,
                "throughput_ratio": round(tput / btput, 3) if btput else None,
                "p99_ratio": round(p99 / bp99, 3) if p99 and bp99 else None,
                "statements": statements,
                "shared_lock_waits": shared(service_waits),
                "lock_waits": dict(service_waits),
                "baseline_lock_waits": dict(base_waits),
                "lock_samples": sampler.samples.get("service", 0),
                "errors": dict(errs),
                "seals": sealer.sealed,
                "seal_p99_ms": pct(sealer.durations, 0.99),
            }
        )
        if remote:
            rows[-1].update(_remote_figures(outs, action, args.seconds, rows[-1]))
            rows[-1]["remote_shared_lock_waits"] = shared(remote_waits)
    for action in args.focus:
        rows.append(_focus_row(outs, action, n, latency, args.seconds, db_cpu, sampler))
    return rows


def _focus_row(
    outs: list[dict[str, Any]],
    action: str,
    n: int,
    latency: float,
    seconds: float,
    db_cpu: dict[tuple[str, str], float | None],
    sampler: Sampler,
) -> dict[str, Any]:
    """One focus phase's figures (scripts/load_focus.py): the action alone beside its
    baseline alone, with the workstations' and the database server's CPU per action."""
    sides = {}
    for side in ("service", "baseline"):
        parts = [o["focus"][action][side] for o in outs]
        lat = [x for p in parts for x in p["latencies"]]
        count = len(lat)
        cpu = db_cpu.get((action, side))
        sides[side] = {
            "count": count,
            "throughput": round(count / seconds, 1),
            "p50_ms": pct(lat, 0.5),
            "p99_ms": pct(lat, 0.99),
            "errors": sum(p["errors"] for p in parts),
            "client_cpu_ms": round(1000 * sum(p["cpu_s"] for p in parts) / count, 3)
            if count
            else None,
            "db_cpu_ms": round(1000 * cpu / count, 3) if cpu is not None and count else None,
        }
    ours, raw = sides["service"], sides["baseline"]

    def ratio(a: float | None, b: float | None) -> float | None:
        return round(a / b, 3) if a and b else None

    waits = sampler.waits.get(f"focus-{action}-service", Counter())
    return {
        "workers": n,
        "latency_ms": latency,
        "action": action,
        "phase": "focus",
        **ours,
        **{f"baseline_{k}": v for k, v in raw.items()},
        "throughput_ratio": ratio(ours["throughput"], raw["throughput"]),
        "p99_ratio": ratio(ours["p99_ms"], raw["p99_ms"]),
        "db_cpu_ratio": ratio(ours["db_cpu_ms"], raw["db_cpu_ms"]),
        "client_cpu_ratio": ratio(ours["client_cpu_ms"], raw["client_cpu_ms"]),
        "statements": max((o["statements"].get(action, 0) for o in outs), default=0),
        "shared_lock_waits": shared(waits),
        "lock_waits": dict(waits),
        "exhausted_workers": sum(1 for o in outs if o["focus"][action]["service"].get("exhausted")),
    }


def _remote_figures(
    outs: list[dict[str, Any]], action: str, seconds: float, row: dict[str, Any]
) -> dict[str, Any]:
    """The action through counter-server, and the server's added latency per call: the
    remote p50/p99 minus the in-process p50/p99 of the same run (same workers, same
    database, the server processes sharing the machine's cores)."""
    from load_remote import NOT_REMOTE

    calls = [x for o in outs for x in (o["remote"] or {}).get("latencies", {}).get(action, [])]
    errs: Counter[str] = Counter()
    for o in outs:
        errs.update(
            {k: v for k, v in (o["remote"] or {}).get("errors", {}).items() if k.startswith(action)}
        )
    if not calls:
        return {
            "remote_count": 0,
            "remote_note": NOT_REMOTE.get(action, "no call"),
            "remote_errors": dict(errs),
        }
    p50, p99 = pct(calls, 0.5), pct(calls, 0.99)
    return {
        "remote_count": len(calls),
        "remote_throughput": round(len(calls) / seconds, 1),
        "remote_p50_ms": p50,
        "remote_p99_ms": p99,
        "server_added_p50_ms": round(p50 - row["p50_ms"], 2) if p50 and row["p50_ms"] else None,
        "server_added_p99_ms": round(p99 - row["p99_ms"], 2) if p99 and row["p99_ms"] else None,
        "remote_errors": dict(errs),
    }


def _remote_table(rows: list[dict[str, Any]]) -> str:
    head = (
        "workers",
        "action",
        "in-process p50",
        "via server /s",
        "p50",
        "p99",
        "server adds p50",
        "adds p99",
        "note",
    )
    lines = ["via counter-server: " + " | ".join(head)]
    for r in rows:
        lines.append(
            " | ".join(
                str(v)
                for v in (
                    r["workers"],
                    r["action"],
                    r["p50_ms"],
                    r.get("remote_throughput", "-"),
                    r.get("remote_p50_ms", "-"),
                    r.get("remote_p99_ms", "-"),
                    r.get("server_added_p50_ms", "-"),
                    r.get("server_added_p99_ms", "-"),
                    r.get("remote_note", ""),
                )
            )
        )
    return "\n".join(lines)


def checks(url: str) -> dict[str, Any]:
    from sqlalchemy import text

    from counter_app import db
    from counter_app.services import audit

    engine = db.create_engine_for(url)
    try:
        with db.session_factory(engine)() as session:
            audit.seal(session)
            session.commit()
        with engine.connect() as conn:
            dup_reports = conn.execute(
                text(
                    "SELECT count(*) FROM (SELECT card_id FROM loss_reports WHERE state IN "
                    "('open', 'confirmed') GROUP BY card_id HAVING count(*) > 1) x"
                )
            ).scalar_one()
            serial_rows = conn.execute(
                text(
                    "SELECT d.office_id, d.year, count(*) AS n, count(DISTINCT d.sequence) AS k, "
                    "max(d.sequence) AS hi, max(c.last_sequence) AS counter "
                    "FROM form_documents d LEFT JOIN form_serial_counters c "
                    "ON c.office_id = d.office_id AND c.year = d.year "
                    "GROUP BY d.office_id, d.year"
                )
            ).all()
            bad_serials = sum(
                (r.n - r.k) + (r.hi - r.k) + max(0, (r.counter or 0) - r.hi) for r in serial_rows
            )
            events = conn.execute(text("SELECT count(*) FROM audit_events")).scalar_one()
        with db.session_factory(engine, read_only=True)() as session:
            report = audit.verify_chain(session)
        return {
            "duplicate_active_reports": int(dup_reports),
            "duplicate_or_missing_serials": int(bad_serials),
            "audit_verify_ok": report.ok,
            "audit_events": int(events),
            "audit_chains": report.chains,
            "seals": report.seals,
            "audit_breaks": [b.reason for b in report.breaks][:5],
            "serial_ranges": len(serial_rows),
        }
    finally:
        engine.dispose()


def _table(rows: list[dict[str, Any]]) -> str:
    head = (
        "workers",
        "lat ms",
        "action",
        "/s",
        "p50",
        "p99",
        "base /s",
        "base p99",
        "ratio",
        "p99 ×",
        "stmts",
        "shared waits",
    )
    lines = [" | ".join(head)]
    for r in rows:
        lines.append(
            " | ".join(
                str(v)
                for v in (
                    r["workers"],
                    r["latency_ms"],
                    r["action"],
                    r["throughput"],
                    r["p50_ms"],
                    r["p99_ms"],
                    r["baseline_throughput"],
                    r["baseline_p99_ms"],
                    r["throughput_ratio"],
                    r["p99_ratio"],
                    r["statements"],
                    r["shared_lock_waits"],
                )
            )
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", default="1,2,5,10,20,40")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--latency-ms", default="0", help="one value or a comma list")
    parser.add_argument("--json", type=Path, metavar="FILE")
    parser.add_argument("--holders-per-worker", type=int, default=30)
    parser.add_argument(
        "--fill",
        type=int,
        default=10000,
        help="demo holders filled first, for realistic table sizes",
    )
    parser.add_argument(
        "--fill-audit",
        type=int,
        default=0,
        metavar="N",
        help="first append N valid audit events over 3,000 history chains (a city's trail; "
        "scripts/load_history.py), sealed",
    )
    parser.add_argument("--seal-every", type=float, default=1.0)
    parser.add_argument(
        "--focus",
        default="",
        help="comma list of actions (view, written_loss) also run alone, each beside its "
        "baseline alone, with client and database CPU per action (scripts/load_focus.py)",
    )
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--pg-url", help="an existing database instead of a throwaway server")
    parser.add_argument(
        "--via-server",
        action="store_true",
        help="a third phase: the workstations through counter-server (mTLS)",
    )
    parser.add_argument(
        "--servers",
        type=int,
        default=1,
        choices=(1, 2),
        help="counter-server processes for --via-server",
    )
    args = parser.parse_args(argv)
    args.focus = [a for a in args.focus.split(",") if a.strip()]
    unknown = set(args.focus) - set(FOCUSABLE)
    if unknown:
        parser.error(f"--focus: not an action that can run alone: {', '.join(sorted(unknown))}")
    counts = [int(x) for x in args.workers.split(",") if x.strip()]
    latencies = [float(x) for x in args.latency_ms.split(",") if x.strip()]

    import datetime as dt

    from counter_app import db
    from counter_app.demo import fill_demo

    server = None
    server_procs: list[Any] = []
    scratch = ""
    if args.pg_url:
        url = args.pg_url
        from sqlalchemy.engine import make_url

        u = make_url(url)
        conninfo = (
            f"host={u.query.get('host')} port={u.query.get('port')} "
            f"user={u.username} dbname={u.database}"
        )
    else:
        from tests.pgserver import start_postgres

        server = start_postgres()
        url = server.create_database()
        conninfo = server.conninfo(url.split("@/", 1)[1].split("?", 1)[0])
    try:
        started = time.perf_counter()
        db.upgrade(url)
        if args.fill:
            engine = db.create_engine_for(url)
            fill_demo(engine, holders=args.fill, seed=1, as_of=dt.date.today())
            engine.dispose()
        plan = seed(url, max(counts), args.holders_per_worker)
        history: dict[str, Any] | None = None
        trail = ""
        if args.fill_audit:
            from load_history import fill_audit

            history = fill_audit(url, conninfo, args.fill_audit, seed=args.seed)
            trail = (
                f", audit trail filled: {history['events']:,} events in "
                f"{history['chains']:,} chains in {history['seconds']} s, audit_events "
                f"{history['audit_events_bytes'] / 2**20:,.0f} MiB"
            )
        print(
            f"set-up: {time.perf_counter() - started:.1f} s ({args.fill} demo holders, "
            f"{max(counts)} workstations x {args.holders_per_worker} holders, 39 offices"
            f"{trail})",
            flush=True,
        )
        remote = None
        if args.via_server:
            from load_remote import start_servers

            scratch = tempfile.mkdtemp(prefix="counter-load-pki-")
            urls, pki_dir, server_procs = start_servers(url, Path(scratch), plan, args.servers)
            remote = {"urls": urls, "pki": str(pki_dir)}
            print(
                f"counter-server: {len(urls)} process(es) {', '.join(urls)} (mutual TLS); "
                "card operations (pin_change, lift) are not remote yet and are not run "
                "through the server; the full overview is not in the remote interface",
                flush=True,
            )
        rows: list[dict[str, Any]] = []
        pins: dict[str, str] = {}
        run_no = 0
        for latency in latencies:
            for n in counts:
                run_no += 1
                t0 = time.perf_counter()
                got = run_one(url, conninfo, plan, n, latency, args, pins, run_no, remote)
                rows.extend(got)
                mix = [r for r in got if r.get("phase") != "focus"]
                print(_table(mix), flush=True)
                if remote:
                    print(_remote_table(mix), flush=True)
                if args.focus:
                    print(focus_table([r for r in got if r.get("phase") == "focus"]), flush=True)
                print(f"-- {n} workers, {latency} ms: {time.perf_counter() - t0:.1f} s", flush=True)
        result = {
            "runs": rows,
            "checks": checks(url),
            "machine": {"cpus": os.cpu_count(), "load_avg": os.getloadavg()},
            "params": {k: str(v) for k, v in vars(args).items()},
            "history": history,
        }
        print(json.dumps(result["checks"], ensure_ascii=False), flush=True)
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1))
        c = result["checks"]
        ok = (
            c["duplicate_active_reports"] == 0
            and c["duplicate_or_missing_serials"] == 0
            and c["audit_verify_ok"]
        )
        return 0 if ok else 1
    finally:
        if server_procs:
            from load_remote import stop_servers

            stop_servers(server_procs)
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
        if server is not None:
            server.stop()


if __name__ == "__main__":
    sys.exit(main())
