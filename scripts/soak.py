#!/usr/bin/env python3
"""The "nothing lost" soak (RELIABILITY.md, faults).

Several workstations — separate processes, each with its own engine and connection pool —
do random counter work on one PostgreSQL database for a bounded time: written loss
reports, lifts (the holder's PIN verified by an emulated card), replacement applications,
PIN changes on emulated cards, and record views (ID session → overview → end). Every
submission carries an idempotency key; a submission that fails with a database error is
retried with the same key after a short pause, as the UI does. Every operation the service
acknowledged (it returned) goes into the worker's own append-only journal (JSON lines,
``fsync`` after each) with its key and result.

Meanwhile a chaos loop kills random backends of the workers (``pg_terminate_backend`` on
the connections whose ``application_name`` is a worker's, a few per second) and restarts
the server once (``pg_ctl restart -m fast``). The server is a dedicated throwaway one
(``tests/pgserver.py``), so the restart disturbs nothing else.

At the end every acknowledged operation must be in the database exactly once (idempotency
key, form serial, password event, session — and its one audit event), with no duplicate,
no card with two active loss reports, card states that agree with the reports, gap-free
form serials per office and year, and ``audit.verify_chain`` ok. Exit status 1 if not.

    .venv/bin/python scripts/soak.py --minutes 10            # the long run
    .venv/bin/python scripts/soak.py --seconds 55 --json out.json   # what the test runs

Loopback only (a unix socket); every loop is bounded by the deadline.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OFFICE = ("500103-YB", "渝中区医疗保险分中心", "district_subcenter", "500103")
FIRST_PIN = "135790"
APP_PREFIX = "soak-w"
LOCK_TIMEOUT_MS = 3000
#: A submission is retried at most this many times (and never past the grace period).
MAX_ATTEMPTS = 80
GRACE_S = 25.0


# --------------------------------------------------------------------------- seeding


def card_number(n: int) -> str:
    """A card number with a valid check character (CARD.md)."""
    body = f"A{n:07d}"
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    values = [int(c) if c.isdigit() else ord(c) - 55 for c in body]
    check = 11 - sum(v * w for v, w in zip(values, weights, strict=True)) % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


def ssn_for(n: int, district: str = "500103") -> str:
    first17 = f"{district}1980{(n % 12) + 1:02d}{(n % 28) + 1:02d}{n % 1000:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c) * w for c, w in zip(first17, weights, strict=True))
    return first17 + "10X98765432"[total % 11]


def seed(url: str, workers: int, per_worker: int) -> dict[str, Any]:
    """Office, one clerk per workstation, holders with cards; returns the plan."""
    from counter_app import db
    from counter_app.models import Card, Holder, Office, Staff

    engine = db.create_engine_for(url)
    plan: dict[str, Any] = {"workers": []}
    try:
        with db.session_factory(engine)() as s:
            code, name, kind, district = OFFICE
            office = Office(code=code, name=name, kind=kind, district_code=district)
            s.add(office)
            s.flush()
            n = 0
            for w in range(workers):
                staff = Staff(
                    staff_no=f"YB500103-S{w:02d}",
                    name=f"窗口{w}",
                    office_id=office.id,
                    role="subcenter_staff",
                    password_hash="$argon2id$unused",
                    must_change_password=False,
                )
                s.add(staff)
                holders = []
                for _ in range(per_worker):
                    n += 1
                    holder = Holder(
                        ssn=ssn_for(n),
                        name=f"持卡人{n:04d}",
                        gender="1",
                        ethnicity="01",
                        birth_date=dt.date(1980, 1, 1),
                        birthplace="500103",
                        household_district="500103",
                        phone=f"1388325{n:04d}",
                        address=f"重庆市渝中区测试路{n}号",
                        status="employed",
                    )
                    s.add(holder)
                    s.flush()
                    cid = f"500103D156000005{n:016X}"
                    card = Card(
                        holder_id=holder.id,
                        card_number=card_number(n),
                        card_id_code=cid,
                        region_code="500103",
                        card_type="3",
                        spec_version="3.00",
                        init_org="500000000000000000000001",
                        issue_date=dt.date(2020, 5, 1),
                        expiry_date=dt.date(2030, 5, 1),
                        state="active",
                    )
                    s.add(card)
                    s.flush()
                    holders.append(
                        {
                            "n": n,
                            "holder_id": holder.id,
                            "card_id": card.id,
                            "ssn": holder.ssn,
                            "card_number": card.card_number,
                            "card_id_code": cid,
                        }
                    )
                plan["workers"].append({"staff_no": staff.staff_no, "holders": holders})
            s.commit()
    finally:
        engine.dispose()
    return plan


# --------------------------------------------------------------------------- a workstation


@dataclass
class Held:
    """One holder served by this workstation, and the chip in their hand."""

    info: dict[str, Any]
    card: Any
    pin: str
    state: str = "active"  # active | lost | replaced | unknown


class Journal:
    """Append-only, fsync'ed after every line: what the clerk saw acknowledged."""

    def __init__(self, path: Path) -> None:
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    def write(self, entry: dict[str, Any]) -> None:
        os.write(self._fd, (json.dumps(entry, ensure_ascii=False) + "\n").encode())
        os.fsync(self._fd)


def _random_pin(rng: random.Random, old: str) -> str:
    while True:
        value = "".join(rng.choice("0123456789") for _ in range(6))
        steps = {int(b) - int(a) for a, b in zip(value, value[1:], strict=False)}
        if value != old and steps not in ({0}, {1}, {-1}):
            return value


def worker(args: argparse.Namespace) -> int:
    from sqlalchemy import exc as sa_exc
    from sqlalchemy import select

    from counter_app import db
    from counter_app.models import Card, Office, Staff
    from counter_app.services import lifting, records, sessions, written_reports
    from counter_app.services import replacement as replacement_service
    from counter_app.services.context import Actor, ServiceContext
    from counter_app.services.errors import (
        ConcurrentChange,
        DatabaseUnavailable,
        ServiceError,
    )
    from counter_app.services.idcheck import IdDocument, IdDocumentKind, ManualReason
    from counter_app.services.permissions import OfficeKind, Role
    from counter_app.services.pin_change import change_pin
    from counter_app.settings import Settings
    from reader.client import SocialSecurityCardClient
    from reader.emulator.card import EmulatedCard
    from reader.emulator.inprocess import InProcessTransport
    from reader.errors import CardError
    from reader.keys import TEST_KEYS, SoftwareKeyProvider
    from reader.pinbuffer import PinBuffer

    plan = json.loads(Path(args.plan).read_text())["workers"][args.wid]
    rng = random.Random(args.seed)
    engine = db.create_engine_for(
        args.url,
        lock_timeout_ms=LOCK_TIMEOUT_MS,
        pool_size=3,
        max_overflow=2,
        connect_args={"application_name": f"{APP_PREFIX}{args.wid}", "connect_timeout": 3},
    )
    settings = Settings(
        mode="test",
        four_eyes=False,
        office_code=OFFICE[0],
        workstation_id=f"WS-SOAK-{args.wid}",
        lock_timeout_ms=LOCK_TIMEOUT_MS,
    )
    keys = SoftwareKeyProvider(TEST_KEYS)
    ctx = ServiceContext(db.session_factory(engine), settings, keys)
    journal = Journal(Path(args.journal))
    stats: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    samples: dict[str, str] = {}
    until = args.until
    hard_stop = until + GRACE_S

    def transient(error: BaseException) -> bool:
        return isinstance(
            error,
            (DatabaseUnavailable, ConcurrentChange, sa_exc.DBAPIError, sa_exc.PendingRollbackError),
        )

    def note(error: BaseException) -> None:
        name = type(error).__name__
        if isinstance(error, sa_exc.DBAPIError):
            # A database error the services did not turn into a message: where it came from.
            frames = [
                f for f in traceback.extract_tb(error.__traceback__) if "counter_app" in f.filename
            ]
            where = (
                f"{Path(frames[0].filename).stem}.{frames[0].name}"
                if frames
                else "the soak's own read"
            )
            name = f"raw {name} from {where}"
        errors[name] += 1
        samples.setdefault(name, str(error).splitlines()[0][:200])

    def retrying(fn: Any) -> Any:
        """Run ``fn`` until it returns; database failures retried after a short pause."""
        attempt = 0
        while True:
            attempt += 1
            try:
                return fn()
            except Exception as error:
                if not transient(error) or attempt >= MAX_ATTEMPTS or time.time() > hard_stop:
                    raise
                note(error)
                stats["retries"] += 1
                time.sleep(rng.uniform(0.05, 0.25))

    # The actor, read once (retried: the server may be restarting).
    def load_actor() -> Actor:
        with ctx.uow() as uow:
            staff, office = uow.session.execute(
                select(Staff, Office)
                .join(Office, Office.id == Staff.office_id)
                .where(Staff.staff_no == plan["staff_no"])
            ).one()
            return Actor(
                staff.id,
                staff.staff_no,
                staff.name,
                Role(staff.role),
                office.id,
                office.code,
                office.name,
                OfficeKind(office.kind),
                office.district_code,
                settings.workstation_id,
            )

    actor = retrying(load_actor)
    held = []
    for h in plan["holders"]:
        profile = {
            "card_number": h["card_number"],
            "card_id_code": h["card_id_code"],
            "card_type": "3",
            "spec_version": "3.00",
            "init_org": "500000000000000000000001",
            "issue_date": "2020-05-01",
            "expiry_date": "2030-05-01",
            "birth_date": "1980-01-01",
            "ssn": h["ssn"],
            "name": f"持卡人{h['n']:04d}",
            "gender": "1",
            "ethnicity": "01",
            "birthplace": "500103",
            "pin": FIRST_PIN,
            "pin_tries_max": 3,
            "pin_tries_left": 3,
            "app_state": "ok",
        }
        held.append(Held(h, EmulatedCard.from_profile(profile), FIRST_PIN))

    def doc(h: Held) -> IdDocument:
        return IdDocument(
            IdDocumentKind.RESIDENT_ID, h.info["ssn"], manual_reason=ManualReason.NO_READER
        )

    def client(h: Held) -> SocialSecurityCardClient:
        return SocialSecurityCardClient(InProcessTransport(h.card), keys)

    def pin(value: str) -> PinBuffer:
        return PinBuffer.from_keys(value.encode())

    def resync(h: Held) -> None:
        def read() -> str:
            with ctx.uow() as uow:
                return str(
                    uow.session.scalar(select(Card.state).where(Card.id == h.info["card_id"]))
                )

        try:
            state = retrying(read)
        except Exception:  # still down: look again before the next operation
            h.state = "unknown"
            return
        h.state = {
            "active": "active",
            "lost": "lost",
            "phone_reported_lost": "lost",
            "replacement_applied": "replaced",
        }.get(state, "replaced")

    seq = 0

    def key(op: str) -> str:
        nonlocal seq
        seq += 1
        return f"soak-{args.wid}-{op}-{seq:06d}"

    def keyed(call: Any) -> Any:
        """One submission; now and then its answer is "lost on the wire" (dropped here) and
        the same key is sent again, which must answer already-done with the same serial."""
        first = retrying(call)
        if rng.random() < args.lost_ack:
            stats["simulated_lost_ack"] += 1
            again = retrying(call)
            if again.already_done and again.serial == first.serial:
                stats["already_done_on_retry"] += 1
            else:
                stats["lost_ack_retry_mismatch"] += 1
                samples.setdefault("lost_ack_retry_mismatch", f"{first!r} / {again!r}"[:300])
        return first

    def written(h: Held) -> dict[str, Any]:
        k = key("loss")
        today = ctx.now().date() - dt.timedelta(days=1)
        details = written_reports.WrittenLossInput(
            "13883251234", today, "解放碑", "乘车时遗失", doc(h)
        )
        r = keyed(
            lambda: written_reports.register_written_loss(
                ctx, actor, h.info["holder_id"], details, k
            )
        )
        h.state = "lost"
        return {
            "key": k,
            "serial": r.serial,
            "report_id": r.report.id,
            "already_done": r.already_done,
        }

    def lift(h: Held) -> dict[str, Any]:
        k = key("lift")
        r = keyed(
            lambda: lifting.lift_loss_report(ctx, actor, client(h), pin(h.pin), doc(h), None, k)
        )
        h.state = "active"
        return {
            "key": k,
            "serial": r.serial,
            "report_id": r.report_id,
            "already_done": r.already_done,
        }

    def replace(h: Held) -> dict[str, Any]:
        k = key("repl")
        r = keyed(
            lambda: replacement_service.apply_replacement(
                ctx, actor, h.info["holder_id"], doc(h), k
            )
        )
        h.state = "replaced"
        return {
            "key": k,
            "serial": r.serial,
            "application_id": r.application_id,
            "already_done": r.already_done,
        }

    def change(h: Held) -> dict[str, Any]:
        new = _random_pin(rng, h.pin)
        session = retrying(
            lambda: sessions.open_id_session(ctx, actor, h.info["holder_id"], doc(h), "修改密码")
        )
        attempt = 0
        while True:
            attempt += 1
            try:
                r = change_pin(
                    ctx, actor, session, client(h), pin(h.pin), pin(new), pin(new), doc(h)
                )
                break
            except Exception as error:
                changed = h.card.to_profile()["pin"] == new
                if changed:
                    # The card took the new PIN but the service's record of it failed: the
                    # holder's PIN is the new one; nothing acknowledged to the clerk.
                    h.pin = new
                    stats["pin_card_changed_unacknowledged"] += 1
                    journal.write(
                        {
                            "op": "pin_change_unacknowledged",
                            "wid": args.wid,
                            "holder_id": h.info["holder_id"],
                            "error": type(error).__name__,
                        }
                    )
                    raise
                if not transient(error) or attempt >= MAX_ATTEMPTS or time.time() > hard_stop:
                    raise
                note(error)
                stats["retries"] += 1
                time.sleep(rng.uniform(0.05, 0.25))
        h.pin = new
        try:
            retrying(lambda: sessions.end_session(ctx, actor, session))
        except Exception as error:  # the change itself was acknowledged
            note(error)
        return {"event_id": r.event_id, "holder_id": h.info["holder_id"]}

    def view(h: Held) -> dict[str, Any]:
        def once() -> int:
            session = sessions.open_id_session(ctx, actor, h.info["holder_id"], doc(h), "查询")
            records.overview(ctx, actor, session)
            sessions.end_session(ctx, actor, session)
            return session.session_id

        return {"session_id": retrying(once), "holder_id": h.info["holder_id"]}

    choices = {
        "active": [(written, 35), (change, 25), (view, 40)],
        "lost": [(lift, 55), (replace, 15), (view, 30)],
        "replaced": [(view, 100)],
    }
    while time.time() < until:
        h = rng.choice(held)
        if h.state == "unknown":
            resync(h)
            if h.state == "unknown":
                time.sleep(0.2)
                continue
        ops, weights = zip(*choices[h.state], strict=True)
        op = rng.choices(ops, weights)[0]
        stats["operations"] += 1
        try:
            result = op(h)
        except Exception as error:  # counted; the holder's state is re-read
            note(error)
            stats["not_acknowledged"] += 1
            if isinstance(error, (ServiceError, CardError)) and not transient(error):
                stats["refused"] += 1
            resync(h)
            continue
        stats["acknowledged"] += 1
        stats[f"acknowledged.{op.__name__}"] += 1
        if result.get("already_done"):
            stats["already_done_on_retry"] += 1
        journal.write({"op": op.__name__, "wid": args.wid, **result})
    engine.dispose()
    print(json.dumps({"wid": args.wid, "stats": stats, "errors": errors, "samples": samples}))
    return 0


# --------------------------------------------------------------------------- chaos


class Chaos(threading.Thread):
    """Kills workers' backends every ``interval`` seconds; restarts the server once."""

    def __init__(
        self,
        server: Any,
        dbname: str,
        until: float,
        interval: float,
        restart_at: float | None,
        seed: int,
    ) -> None:
        super().__init__(name="chaos", daemon=True)
        self.server, self.dbname, self.until = server, dbname, until
        self.interval, self.restart_at = interval, restart_at
        self.rng = random.Random(seed)
        self.kills = 0
        self.restarts = 0
        self.restart_s = 0.0
        self.errors: list[str] = []

    def run(self) -> None:
        import psycopg

        conn = None
        while time.time() < self.until:
            if self.restart_at is not None and time.time() >= self.restart_at:
                self.restart_at = None
                if conn is not None:
                    conn.close()
                    conn = None
                self._restart()
                continue
            try:
                if conn is None:
                    conn = psycopg.connect(
                        self.server.conninfo(self.dbname), autocommit=True, connect_timeout=3
                    )
                pids = [
                    r[0]
                    for r in conn.execute(
                        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                        "AND application_name LIKE %s",
                        (APP_PREFIX + "%",),
                    ).fetchall()
                ]
                for pid in self.rng.sample(pids, min(len(pids), self.rng.choice((1, 1, 2)))):
                    row = conn.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone()
                    self.kills += bool(row and row[0])
            except psycopg.Error as error:
                self.errors.append(type(error).__name__)
                if conn is not None:
                    conn.close()
                conn = None
            time.sleep(self.interval * self.rng.uniform(0.5, 1.5))
        if conn is not None:
            conn.close()

    def _restart(self) -> None:
        argv = [
            str(self.server.bindir / "pg_ctl"),
            "-D",
            str(self.server.data_dir),
            "-l",
            str(self.server.root / "server.log"),
            "-m",
            "fast",
            "-w",
            "-t",
            "60",
            "restart",
        ]
        if self.server.run_as:
            argv = ["runuser", "-u", self.server.run_as, "--", *argv]
        started = time.monotonic()
        subprocess.run(argv, capture_output=True, check=True, timeout=90, cwd="/")
        self.restart_s = time.monotonic() - started
        self.restarts += 1


# --------------------------------------------------------------------------- verification


def verify(url: str, journals: list[Path]) -> dict[str, Any]:
    """Every acknowledged operation present exactly once; the invariants hold."""
    from sqlalchemy import text
    from sqlalchemy.orm import Session

    from counter_app import db
    from counter_app.services import audit

    entries = [
        json.loads(line)
        for path in journals
        if path.exists()
        for line in path.read_text().splitlines()
        if line.strip()
    ]
    acked = [e for e in entries if e["op"] != "pin_change_unacknowledged"]
    problems: list[str] = []
    engine = db.create_engine_for(url)
    try:
        with engine.connect() as conn:

            def rows(sql: str) -> list[Any]:
                return list(conn.execute(text(sql)))

            keys = {r.key: r for r in rows("SELECT key, action, result_ref FROM idempotency_keys")}
            serials = Counter(r.serial for r in rows("SELECT serial FROM form_documents"))
            events = rows("SELECT seq, action, outcome, details FROM audit_events")
            by_serial: Counter[tuple[str, str]] = Counter()
            by_event: Counter[tuple[str, int]] = Counter()
            by_session: Counter[tuple[str, int]] = Counter()
            for e in events:
                d = e.details or {}
                if e.outcome == "success" and d.get("form_serial"):
                    by_serial[(e.action, d["form_serial"])] += 1
                if e.outcome == "success" and "event_id" in d:
                    by_event[(e.action, int(d["event_id"]))] += 1
                if "session_id" in d:
                    by_session[(e.action, int(d["session_id"]))] += 1
            pw = {r.id: r for r in rows("SELECT id, kind, outcome, holder_id FROM password_events")}
            apps = Counter(
                r.idempotency_key
                for r in rows("SELECT idempotency_key FROM replacement_applications")
            )
            hs = {r.id for r in rows("SELECT id FROM holder_sessions")}
            action_of = {
                "written": ("loss.written", "loss_reports"),
                "lift": ("loss.lift", "loss_reports"),
                "replace": ("card.replacement", "replacement_applications"),
            }
            for e in acked:
                op = e["op"]
                if op in action_of:
                    action, table = action_of[op]
                    row = keys.get(e["key"])
                    if row is None:
                        problems.append(f"lost: {op} {e['key']} has no idempotency key row")
                        continue
                    ref = f"{table}:{e.get('report_id', e.get('application_id'))}"
                    if row.action != action or row.result_ref != ref:
                        problems.append(f"{op} {e['key']}: key row {row.action} {row.result_ref}")
                    forms, audited = serials[e["serial"]], by_serial[(action, e["serial"])]
                    if forms != 1:
                        problems.append(f"{op} {e['key']}: form {e['serial']} x{forms}")
                    if audited != 1:
                        problems.append(f"{op} {e['key']}: audit event x{audited}")
                    if op == "replace" and apps[e["key"]] != 1:
                        problems.append(f"replace {e['key']}: applications x{apps[e['key']]}")
                elif op == "change":
                    event = pw.get(e["event_id"])
                    if event is None or event.outcome != "success" or event.kind != "pin_change":
                        problems.append(f"lost: PIN change event {e['event_id']}: {event}")
                    n = by_event[("password.pin_change", e["event_id"])]
                    if n != 1:
                        problems.append(f"PIN change event {e['event_id']}: audit x{n}")
                elif op == "view":
                    sid = e["session_id"]
                    if sid not in hs:
                        problems.append(f"lost: session {sid}")
                    for action, want in (("session.open", 1), ("session.end", 1)):
                        if by_session[(action, sid)] != want:
                            problems.append(f"session {sid}: {action} x{by_session[(action, sid)]}")
                    if by_session[("record.view", sid)] < 1:
                        problems.append(f"session {sid}: no record.view")
            # Invariants over the whole database.
            for r in rows(
                "SELECT card_id, count(*) AS n FROM loss_reports WHERE state IN "
                "('open', 'confirmed') GROUP BY card_id HAVING count(*) > 1"
            ):
                problems.append(f"card {r.card_id}: {r.n} active loss reports")
            for r in rows("""
                SELECT c.id, c.state, count(l.id) AS active FROM cards c
                LEFT JOIN loss_reports l ON l.card_id = c.id AND l.state IN ('open', 'confirmed')
                GROUP BY c.id, c.state"""):
                expect = 1 if r.state in ("lost", "phone_reported_lost") else 0
                if r.active != expect:
                    problems.append(f"card {r.id} is {r.state} with {r.active} active reports")
            for r in rows("""
                SELECT c.id FROM cards c WHERE c.state = 'replacement_applied' AND NOT EXISTS
                (SELECT 1 FROM replacement_applications a WHERE a.old_card_id = c.id)"""):
                problems.append(f"card {r.id} replacement_applied without an application")
            for dup in [s for s, n in serials.items() if n > 1]:
                problems.append(f"form serial {dup} issued {serials[dup]} times")
            counters = {
                (r.office_id, r.year): r.last_sequence
                for r in rows("SELECT office_id, year, last_sequence FROM form_serial_counters")
            }
            per: dict[tuple[int, int], list[int]] = {}
            for r in rows("SELECT office_id, serial FROM form_documents"):
                year, number = r.serial.rsplit("-", 2)[-2:]
                per.setdefault((r.office_id, int(year)), []).append(int(number))
            for (office, year), numbers in per.items():
                if sorted(numbers) != list(range(1, len(numbers) + 1)):
                    problems.append(f"serials of office {office}/{year} not gap-free")
                last = counters.get((office, year))
                if last != len(numbers):
                    problems.append(f"counter {office}/{year} = {last}, {len(numbers)} forms")
            unacked_keys = len(set(keys) - {e["key"] for e in acked if "key" in e})
            report = audit.verify_chain(Session(bind=conn))
            if not report.ok:
                problems.append(f"audit chain broken at {report.first_broken_seq}: {report.reason}")
            unrecorded = 0
            for e in entries:
                if e["op"] == "pin_change_unacknowledged":
                    unrecorded += 1
            # The history knows of a change when it recorded it as done, or as pending
            # ("unknown", written ahead before the card was touched) to be settled by
            # re-reading the card.
            pw_success = Counter(
                r.holder_id
                for r in pw.values()
                if r.kind == "pin_change" and r.outcome in ("success", "unknown")
            )
            acked_changes = Counter(e["holder_id"] for e in acked if e["op"] == "change")
            changed_on_card = Counter(
                e["holder_id"] for e in entries if e["op"] == "pin_change_unacknowledged"
            )
            # A change the card made whose record was lost: the card and the history disagree.
            card_db_disagree = sum(
                max(0, acked_changes[h] + changed_on_card[h] - pw_success[h])
                for h in set(acked_changes) | set(changed_on_card)
            )
            return {
                "acknowledged": len(acked),
                "problems": problems,
                "audit_events": report.count,
                "chain_ok": report.ok,
                "committed_without_ack": unacked_keys,
                "pin_changes_card_only": unrecorded,
                "pin_changes_missing_from_history": card_db_disagree,
                "forms": sum(serials.values()),
            }
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- orchestration


def orchestrate(args: argparse.Namespace) -> int:
    from counter_app import db
    from tests.pgserver import start_postgres

    duration = args.seconds if args.seconds else args.minutes * 60
    work = Path(tempfile.mkdtemp(prefix="counter-soak-"))
    started = time.monotonic()
    server = start_postgres()
    try:
        url = server.create_database()
        dbname = url.split("@/", 1)[1].split("?", 1)[0]
        db.upgrade(url)
        plan = seed(url, args.workers, args.holders)
        (work / "plan.json").write_text(json.dumps(plan))
        until = time.time() + duration
        procs = []
        journals = []
        for wid in range(args.workers):
            journal = work / f"journal-{wid}.jsonl"
            journals.append(journal)
            procs.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        str(Path(__file__).resolve()),
                        "worker",
                        "--url",
                        url,
                        "--plan",
                        str(work / "plan.json"),
                        "--wid",
                        str(wid),
                        "--until",
                        str(until),
                        "--journal",
                        str(journal),
                        "--seed",
                        str(args.seed * 100 + wid),
                        "--lost-ack",
                        str(args.lost_ack),
                    ],
                    cwd=ROOT,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
            )
        restart_at = None if args.no_restart else time.time() + duration * 0.45
        chaos = Chaos(server, dbname, until, args.kill_interval, restart_at, args.seed)
        chaos.start()
        chaos.join(duration + 120)
        outputs = []
        failed = []
        for wid, proc in enumerate(procs):
            try:
                out, err = proc.communicate(timeout=GRACE_S + 60)
            except subprocess.TimeoutExpired:
                proc.kill()
                out, err = proc.communicate()
            if proc.returncode != 0 or not out.strip():
                failed.append(f"worker {wid} exit {proc.returncode}: {err[-2000:]}")
                continue
            outputs.append(json.loads(out.strip().splitlines()[-1]))
        result = verify(url, journals)
        stats: Counter[str] = Counter()
        errors: Counter[str] = Counter()
        samples: dict[str, str] = {}
        for o in outputs:
            stats.update(o["stats"])
            errors.update(o["errors"])
            samples.update(o["samples"])
        summary = {
            "seconds": duration,
            "workers": args.workers,
            "holders": args.workers * args.holders,
            "operations": stats["operations"],
            "acknowledged": stats["acknowledged"],
            "acknowledged_by_op": {
                k.split(".", 1)[1]: v for k, v in stats.items() if k.startswith("acknowledged.")
            },
            "not_acknowledged": stats["not_acknowledged"],
            "refused": stats["refused"],
            "retries": stats["retries"],
            "simulated_lost_ack": stats["simulated_lost_ack"],
            "already_done_on_retry": stats["already_done_on_retry"],
            "kills": chaos.kills,
            "restarts": chaos.restarts,
            "restart_s": round(chaos.restart_s, 2),
            "errors": dict(errors),
            "samples": samples,
            "journal_acknowledged": result["acknowledged"],
            "committed_without_ack": result["committed_without_ack"],
            "pin_changes_card_only": result["pin_changes_card_only"],
            "pin_changes_missing_from_history": result["pin_changes_missing_from_history"],
            "forms": result["forms"],
            "audit_events": result["audit_events"],
            "chain_ok": result["chain_ok"],
            "problems": result["problems"]
            + failed
            + (
                [
                    f"{stats['lost_ack_retry_mismatch']} resent submissions not answered "
                    "already-done with the same serial"
                ]
                if stats["lost_ack_retry_mismatch"]
                else []
            ),
            "wall_s": round(time.monotonic() - started, 1),
        }
        text_out = json.dumps(summary, ensure_ascii=False, indent=1)
        if args.json:
            Path(args.json).write_text(text_out)
        print(text_out)
        return 1 if summary["problems"] or stats["acknowledged"] != result["acknowledged"] else 0
    finally:
        server.stop()
        if args.keep:
            print(f"journals kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command")
    w = sub.add_parser("worker", help="internal: one workstation")
    w.add_argument("--url", required=True)
    w.add_argument("--plan", required=True)
    w.add_argument("--wid", type=int, required=True)
    w.add_argument("--until", type=float, required=True)
    w.add_argument("--journal", required=True)
    w.add_argument("--seed", type=int, default=0)
    w.add_argument("--lost-ack", type=float, default=0.1)
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--seconds", type=float, default=0.0, help="overrides --minutes")
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--holders", type=int, default=30, help="holders per workstation")
    parser.add_argument("--kill-interval", type=float, default=0.35)
    parser.add_argument("--no-restart", action="store_true")
    parser.add_argument(
        "--lost-ack",
        type=float,
        default=0.1,
        help="share of keyed submissions whose answer is dropped and resent",
    )
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--json", help="also write the summary here")
    parser.add_argument("--keep", action="store_true", help="keep the journals' folder")
    args = parser.parse_args(argv)
    if args.command == "worker":
        return worker(args)
    return orchestrate(args)


if __name__ == "__main__":
    sys.exit(main())
