"""One workstation of ``scripts/load``: the service phase, then the raw-driver baseline.

Service phase: the realistic mix through the real services, each action timed on its own —
``session`` (ID check opens a holder session), ``overview`` (every tab, one transaction),
``view`` (one category), ``search`` (by ID number), ``pin_change`` (on an emulated card),
``written_loss`` (on this workstation's own cards), ``lift`` (at the holder's district
sub-centre, PIN verified by the card), ``session_end``. The first run of each action is
captured statement by statement (SQLAlchemy ``before_cursor_execute``).

Baseline phase: the same sequence of actions, each replayed through psycopg on one
connection: every captured read as it was sent, every write as one plain ``INSERT`` into
``load_baseline``, and the same commits — the database work without the services'
Python, locks and hashing. ``latency_ms`` is slept before every statement and commit in both
phases (the network between a window and the data centre).
"""

from __future__ import annotations

import datetime as dt
import random
import time
import traceback
from collections import Counter
from dataclasses import dataclass
from typing import Any

from load_seed import FIRST_PIN

Op = tuple[str, str, Any]


@dataclass
class Held:
    info: dict[str, Any]
    card: Any
    pin: str
    state: str = "active"


def _new_pin(rng: random.Random, old: str) -> str:
    while True:
        value = "".join(rng.choice("0123456789") for _ in range(6))
        steps = {int(b) - int(a) for a, b in zip(value, value[1:], strict=False)}
        if value != old and steps not in ({0}, {1}, {-1}) and value != "123456":
            return value


def run_worker(cfg: dict[str, Any], barrier: Any, results: Any) -> None:
    """Entry point of a worker process (forked). Puts one result dict on ``results``."""
    try:
        results.put(_work(cfg, barrier))
    except BaseException as error:  # reported to the orchestrator
        results.put(
            {
                "wid": cfg["wid"],
                "fatal": f"{type(error).__name__}: {error}",
                "trace": traceback.format_exc()[-2000:],
            }
        )
        try:
            barrier.abort()
        except Exception:
            pass


def _work(cfg: dict[str, Any], barrier: Any) -> dict[str, Any]:
    import psycopg
    from sqlalchemy import event, select

    from counter_app import db
    from counter_app.models import Office, Staff
    from counter_app.services import lifting, records, search, sessions, written_reports
    from counter_app.services.context import Actor, ServiceContext
    from counter_app.services.idcheck import IdDocument, IdDocumentKind, ManualReason
    from counter_app.services.permissions import OfficeKind, Role
    from counter_app.services.pin_change import change_pin
    from counter_app.services.records import Category
    from counter_app.settings import Settings
    from reader.client import SocialSecurityCardClient
    from reader.emulator.card import EmulatedCard
    from reader.emulator.inprocess import InProcessTransport
    from reader.keys import TEST_KEYS, SoftwareKeyProvider
    from reader.pinbuffer import PinBuffer

    wid, plan, latency = cfg["wid"], cfg["plan"], cfg["latency_ms"] / 1000.0
    rng = random.Random(f"{cfg['seed']}-{wid}")
    workstation = f"LOAD-{cfg['run']}-{wid:03d}"
    engine = db.create_engine_for(
        cfg["url"],
        lock_timeout_ms=5000,
        pool_size=2,
        max_overflow=1,
        connect_args={"application_name": f"load-w{wid}"},
    )
    capturing: dict[str, list[Op]] = {}
    current: list[str | None] = [None]

    def on_sql(_c: Any, _cur: Any, statement: str, params: Any, _ctx: Any, _many: bool) -> None:
        if latency:
            time.sleep(latency)
        name = current[0]
        if name is not None and name in capturing:
            capturing[name].append(("sql", statement, params))

    def on_commit(_conn: Any) -> None:
        if latency:
            time.sleep(latency)
        name = current[0]
        if name is not None and name in capturing:
            capturing[name].append(("commit", "", None))

    event.listen(engine, "before_cursor_execute", on_sql)
    event.listen(engine, "commit", on_commit)
    settings = Settings(
        mode="test", four_eyes=False, office_code=plan["office"], workstation_id=workstation
    )
    keys = SoftwareKeyProvider(TEST_KEYS)
    ctx = ServiceContext(db.session_factory(engine), settings, keys)
    with ctx.uow() as uow:
        staff, office = uow.session.execute(
            select(Staff, Office)
            .join(Office, Office.id == Staff.office_id)
            .where(Staff.staff_no == plan["staff_no"])
        ).one()
        actor = Actor(
            staff.id,
            staff.staff_no,
            staff.name,
            Role(staff.role),
            office.id,
            office.code,
            office.name,
            OfficeKind(office.kind),
            office.district_code,
            workstation,
        )
    from counter_app.models import Card

    held: list[Held] = []
    with ctx.uow() as uow:
        mine = [h["card_id"] for h in plan["holders"]]
        card_states = {
            r[0]: r[1]
            for r in uow.session.execute(select(Card.id, Card.state).where(Card.id.in_(mine)))
        }
    pins: dict[str, str] = cfg.get("pins", {})
    for h in plan["holders"]:
        pin = pins.get(str(h["holder_id"]), FIRST_PIN)
        profile = {
            "card_number": h["card_number"],
            "card_id_code": h["card_id_code"],
            "card_type": "3",
            "spec_version": "3.00",
            "init_org": "500000000000000000000001",
            "issue_date": "2020-05-01",
            "expiry_date": "2030-05-01",
            "birth_date": "1975-01-01",
            "ssn": h["ssn"],
            "name": h["name"],
            "gender": "1",
            "ethnicity": "01",
            "birthplace": h["district"],
            "pin": pin,
            "pin_tries_max": 3,
            "pin_tries_left": 3,
            "app_state": "ok",
        }
        state = card_states.get(h["card_id"], "active")
        held.append(
            Held(
                h,
                EmulatedCard.from_profile(profile),
                pin,
                "active" if state == "active" else "lost",
            )
        )

    def doc(h: Held) -> IdDocument:
        return IdDocument(
            IdDocumentKind.RESIDENT_ID, h.info["ssn"], manual_reason=ManualReason.NO_READER
        )

    def client(h: Held) -> SocialSecurityCardClient:
        return SocialSecurityCardClient(InProcessTransport(h.card), keys)

    def pin(value: str) -> PinBuffer:
        return PinBuffer.from_keys(value.encode())

    lat: dict[str, list[float]] = {}
    errors: Counter[str] = Counter()
    sequence: list[str] = []
    counter = [0]

    done_ops: dict[str, list[Op]] = {}

    def timed(name: str, fn: Any) -> Any:
        """Run one action, timed; its statements are captured the first time it succeeds."""
        record = name not in done_ops
        if record:
            capturing[name] = []
        current[0] = name
        start = time.perf_counter()
        try:
            result = fn()
        except Exception as error:
            errors[f"{name}: {type(error).__name__}"] += 1
            capturing.pop(name, None)
            raise
        finally:
            current[0] = None
        lat.setdefault(name, []).append((time.perf_counter() - start) * 1000)
        sequence.append(name)
        if record:
            done_ops[name] = capturing.pop(name)
        return result

    def key(op: str) -> str:
        counter[0] += 1
        return f"load-{cfg['run']}-{wid}-{op}-{counter[0]:06d}"

    def visit(h: Held, purpose: str = "查询") -> None:
        s = timed(
            "session",
            lambda: sessions.open_id_session(ctx, actor, h.info["holder_id"], doc(h), purpose),
        )
        try:
            timed("overview", lambda: records.full_overview(ctx, actor, s))
            for _ in range(2):
                which = rng.choice(list(Category))
                timed("view", lambda which=which: records.category(ctx, actor, s, which))
            timed("search", lambda: search.find_holders(ctx, actor, h.info["ssn"]))
        finally:
            timed("session_end", lambda: sessions.end_session(ctx, actor, s))

    def written(h: Held) -> None:
        details = written_reports.WrittenLossInput(
            "13883251234", dt.date.today() - dt.timedelta(days=1), "解放碑", "乘车时遗失", doc(h)
        )
        timed(
            "written_loss",
            lambda: written_reports.register_written_loss(
                ctx, actor, h.info["holder_id"], details, key("loss")
            ),
        )
        h.state = "lost"

    def lift(h: Held) -> None:
        timed(
            "lift",
            lambda: lifting.lift_loss_report(
                ctx, actor, client(h), pin(h.pin), doc(h), None, key("lift")
            ),
        )
        h.state = "active"

    def pin_change(h: Held) -> None:
        s = timed(
            "session",
            lambda: sessions.open_id_session(ctx, actor, h.info["holder_id"], doc(h), "修改密码"),
        )
        new = _new_pin(rng, h.pin)
        try:
            timed(
                "pin_change",
                lambda: change_pin(
                    ctx, actor, s, client(h), pin(h.pin), pin(new), pin(new), doc(h)
                ),
            )
            h.pin = new
        finally:
            if h.card.to_profile()["pin"] == new:
                h.pin = new
            timed("session_end", lambda: sessions.end_session(ctx, actor, s))

    def one_visit() -> None:
        h = rng.choice(held)
        if h.state == "active":
            ops = [(visit, 60), (written, 20), (pin_change, 20)]
        elif plan["lifts"]:
            ops = [(lift, 70), (visit, 30)]
        else:
            ops = [(visit, 100)]
        fns, weights = zip(*ops, strict=True)
        try:
            rng.choices(fns, weights)[0](h)
        except Exception:  # counted by ``timed``; the card state is re-read
            try:
                with ctx.uow() as uow:
                    state = uow.session.scalar(
                        select(Card.state).where(Card.id == h.info["card_id"])
                    )
                h.state = "active" if state == "active" else "lost"
            except Exception as error:  # the next visit tries again
                errors[f"state reread: {type(error).__name__}"] += 1

    # Warm-up (not timed into the figures): one visit opens connections and caches.
    one_visit()
    lat.clear()
    sequence.clear()
    errors.clear()
    barrier.wait(timeout=600)
    until = time.perf_counter() + cfg["seconds"]
    while time.perf_counter() < until:
        one_visit()
    service = {"latencies": lat, "errors": dict(errors), "sequence_len": len(sequence)}
    barrier.wait(timeout=600)

    # ---------------------------------------------------------------- raw-driver baseline
    from sqlalchemy.engine import make_url

    u = make_url(cfg["url"])
    conn = psycopg.connect(
        host=u.query.get("host"),
        port=u.query.get("port"),
        user=u.username,
        dbname=u.database,
        application_name=f"load-b{wid}",
        options="-c lock_timeout=5000",
    )
    cur = conn.cursor()
    base: dict[str, list[float]] = {}
    base_errors: Counter[str] = Counter()
    plain = "INSERT INTO load_baseline (worker, action, payload) VALUES (%s, %s, %s)"

    def replay(name: str, ops: list[Op]) -> None:
        for kind, statement, params in ops:
            if latency:
                time.sleep(latency)
            if kind == "commit":
                conn.commit()
                continue
            head = statement.lstrip()[:12].upper()
            if head.startswith(("INSERT", "UPDATE", "DELETE")):
                cur.execute(plain, (wid, name, statement[:40]))
            else:
                cur.execute(statement, params if params is not None else ())
                if cur.description is not None:
                    cur.fetchall()
        conn.commit()

    replayable = [n for n in sequence if n in done_ops] or list(done_ops)
    i = 0
    barrier.wait(timeout=600)
    until = time.perf_counter() + cfg["seconds"]
    while replayable and time.perf_counter() < until:
        name = replayable[i % len(replayable)]
        i += 1
        start = time.perf_counter()
        try:
            replay(name, done_ops[name])
        except psycopg.Error as error:
            conn.rollback()
            base_errors[f"{name}: {type(error).__name__}"] += 1
            continue
        base.setdefault(name, []).append((time.perf_counter() - start) * 1000)
    barrier.wait(timeout=600)

    # ------------------------------------------------ focus phases (scripts/load_focus.py)
    focus_results: dict[str, Any] = {}
    if cfg.get("focus"):
        from load_focus import Focus

        def capture(name: str, fn: Any) -> list[Op]:
            capturing[name] = []
            current[0] = name
            try:
                fn()
            finally:
                current[0] = None
            return capturing.pop(name)

        def replay_ops(ops: list[Op]) -> None:
            try:
                replay("focus", ops)
            except psycopg.Error:
                conn.rollback()
                raise

        def register(h: Held) -> None:
            details = written_reports.WrittenLossInput(
                "13883251234",
                dt.date.today() - dt.timedelta(days=1),
                "解放碑",
                "乘车时遗失",
                doc(h),
            )
            written_reports.register_written_loss(
                ctx, actor, h.info["holder_id"], details, key("loss")
            )
            h.state = "lost"

        focus = Focus(
            run_view=lambda s, c: records.category(ctx, actor, s, c),
            open_session=lambda h: sessions.open_id_session(
                ctx, actor, h.info["holder_id"], doc(h), "查询"
            ),
            end_session=lambda s: sessions.end_session(ctx, actor, s),
            register=register,
            active=lambda: [h for h in held if h.state == "active"],
            anyone=lambda: held[0],
            capture=capture,
            replay=replay_ops,
            categories=[c.value for c in Category],
        )
        for action in cfg["focus"]:
            focus_results[action] = focus.run(action, cfg["seconds"], barrier)
    conn.close()
    engine.dispose()
    remote = None
    if cfg.get("remote"):  # --via-server: the same workstation through counter-server
        from load_remote import remote_phase

        remote = remote_phase(cfg, barrier, held, doc, rng, key)
    statements = {n: sum(1 for o in ops if o[0] == "sql") for n, ops in done_ops.items()}
    return {
        "wid": wid,
        "service": service,
        "baseline": {"latencies": base, "errors": dict(base_errors)},
        "statements": statements,
        "remote": remote,
        "focus": focus_results,
        "pins": {str(h.info["holder_id"]): h.pin for h in held},
    }
