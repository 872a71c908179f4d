"""The tamper-evident audit trail (issue 8 item 3; RULES Q7 "every look-up is recorded").

Each mutation is made directly in the database, the way an intruder with table access
would, inside a transaction that is rolled back afterwards; ``verify_chain`` must name the
sequence number where it happened. On PostgreSQL the protective triggers (if installed)
are switched off for the tampering connection (``session_replication_role = replica``):
the test is about detection, not prevention.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import Connection, delete, select, text, update
from sqlalchemy.orm import Session

from counter_app import db
from counter_app.cli.main import main as cli_main
from counter_app.models.audit import GENESIS_HASH, AuditChainHead, AuditEvent
from counter_app.services import audit
from counter_app.services.context import ServiceContext
from counter_app.services.uow import run_retrying
from tests.services.conftest import NOW, Clock, actor_for, holder_id_of, make_ctx

EVENTS = 24
ROUNDS_PER_KIND = 6


def _fill_chain(ctx: ServiceContext, n: int = EVENTS) -> None:
    actor = actor_for(ctx, "YB500103-01")
    holder = holder_id_of(ctx, "active_default_pin")
    for i in range(n):
        with ctx.uow() as uow:
            audit.record(
                uow, actor if i % 5 else None, "record.view" if i % 2 else "loss.report_written",
                holder_id=holder if i % 3 else None, category="pension" if i % 2 else None,
                reason="持卡人来窗口查询" if i % 4 == 0 else None,
                outcome=["success", "refused", "failed"][i % 3],
                details={"i": i, "名称": "养老·明细", "nested": {"b": [1, 2.5, None]}}
                if i % 2 else None,
                at=NOW + dt.timedelta(seconds=i), workstation=None if i % 5 else "12333",
            )  # fmt: skip
            uow.commit()


@contextmanager
def _tampering(url: str) -> Iterator[tuple[Connection, Session]]:
    """A connection whose changes are rolled back at the end, triggers off on PostgreSQL."""
    engine = db.create_engine_for(url)
    try:
        with engine.connect() as conn:
            trans = conn.begin()
            if conn.dialect.name == "postgresql":
                conn.execute(text("SET LOCAL session_replication_role = replica"))
            else:  # SQLite DDL is transactional: the triggers come back on rollback
                names = conn.execute(text(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN "
                    "('audit_events', 'audit_chain_head', 'audit_checkpoints')")).scalars()
                for name in list(names):
                    conn.execute(text(f'DROP TRIGGER "{name}"'))
            session = Session(bind=conn)
            try:
                yield conn, session
            finally:
                session.close()
                trans.rollback()
    finally:
        engine.dispose()


def _row(conn: Connection, seq: int) -> dict[str, Any]:
    return dict(conn.execute(select(AuditEvent.__table__).where(AuditEvent.seq == seq))
                .mappings().one())  # fmt: skip


def _change_field(conn: Connection, rng: random.Random) -> int:
    seq = rng.randint(1, EVENTS)
    row = _row(conn, seq)
    changes: list[dict[str, Any]] = [
        {"reason": (row["reason"] or "") + "x"},
        {"action": "record.viewx"},
        {"outcome": "unknown" if row["outcome"] != "unknown" else "success"},
        {"at": row["at"] + dt.timedelta(seconds=1)},
        {"details": {"i": -1}},
        {"category": "medical"},
        {"workstation": "WS-99"},
        {"holder_id": None} if row["holder_id"] else {"holder_id": 1},
        {"staff_id": None} if row["staff_id"] else {"staff_id": 1},
        {"prev_hash": "f" * 64},
        {"hash": "e" * 64},
    ]
    conn.execute(update(AuditEvent).where(AuditEvent.seq == seq).values(**rng.choice(changes)))
    return seq


def _delete_row(conn: Connection, rng: random.Random) -> int:
    seq = rng.randint(1, EVENTS)
    conn.execute(delete(AuditEvent).where(AuditEvent.seq == seq))
    return seq


def _swap_rows(conn: Connection, rng: random.Random) -> int:
    a, b = sorted(rng.sample(range(1, EVENTS + 1), 2))
    ra, rb = _row(conn, a), _row(conn, b)
    content = [k for k in ra if k != "seq"]
    conn.execute(update(AuditEvent).where(AuditEvent.seq == a).values(hash="tmp"))
    conn.execute(update(AuditEvent).where(AuditEvent.seq == b)
                 .values(**{k: ra[k] for k in content}))  # fmt: skip
    conn.execute(update(AuditEvent).where(AuditEvent.seq == a)
                 .values(**{k: rb[k] for k in content}))  # fmt: skip
    return a


def _insert_forged(conn: Connection, rng: random.Random) -> int:
    """A forged event at seq k with a correct link and hash; later rows renumbered."""
    k = rng.randint(1, EVENTS + 1)
    prev = GENESIS_HASH if k == 1 else _row(conn, k - 1)["hash"]
    if k <= EVENTS:  # make room: k..n -> k+1..n+1 (via a high offset: the PK is checked
        # row by row on PostgreSQL)
        conn.execute(update(AuditEvent).where(AuditEvent.seq >= k)
                     .values(seq=AuditEvent.seq + 1_000_000))  # fmt: skip
        conn.execute(update(AuditEvent).where(AuditEvent.seq >= 1_000_000)
                     .values(seq=AuditEvent.seq - 999_999))  # fmt: skip
        conn.execute(update(AuditChainHead).values(last_seq=EVENTS + 1))
    at = NOW + dt.timedelta(seconds=k, milliseconds=500)
    content = audit.event_content(
        seq=k, at=at, staff_id=None, office_id=None, workstation="WS-01", action="record.view",
        category="pension", holder_id=None, card_id=None, reason=None, outcome="success",
        details=None, prev_hash=prev,
    )  # fmt: skip
    forged = audit.chain_hash(prev, content)
    conn.execute(AuditEvent.__table__.insert().values(
        seq=k, at=at, workstation="WS-01", action="record.view", category="pension",
        outcome="success", details=None, prev_hash=prev, hash=forged))  # fmt: skip
    return k


MUTATIONS: dict[str, Callable[[Connection, random.Random], int]] = {
    "change_field": _change_field,
    "delete_row": _delete_row,
    "swap_rows": _swap_rows,
    "insert_forged": _insert_forged,
}


def test_Q7_audit_chain_intact_after_appends(ctx: ServiceContext) -> None:
    _fill_chain(ctx)
    with ctx.uow() as uow:
        report = audit.verify_chain(uow.session)
        head = uow.session.get(AuditChainHead, 1)
        assert head is not None and head.last_seq == EVENTS
    assert report == audit.ChainReport(True, None, None, EVENTS)


@pytest.mark.parametrize("kind", list(MUTATIONS))
def test_audit_single_mutation_detected_at_its_seq(
    ctx: ServiceContext, demo_url: str, kind: str
) -> None:
    _fill_chain(ctx)
    rng = random.Random(f"audit-{kind}")
    for _ in range(ROUNDS_PER_KIND):
        with _tampering(demo_url) as (conn, session):
            seq = MUTATIONS[kind](conn, rng)
            report = audit.verify_chain(session)
        assert not report.ok, (kind, seq)
        assert report.first_broken_seq == seq, (kind, seq, report)
        assert report.reason
    with ctx.uow() as uow:  # every tampering was rolled back
        assert audit.verify_chain(uow.session).ok


def test_audit_tail_rewrite_caught_by_checkpoint(ctx: ServiceContext, demo_url: str) -> None:
    _fill_chain(ctx)
    with ctx.uow() as uow:
        audit.checkpoint_day(uow, NOW.date())
        uow.commit()
    with _tampering(demo_url) as (conn, session):
        # A full rewrite of the tail (row and head) is caught by a printed checkpoint only.
        conn.execute(update(AuditEvent).where(AuditEvent.seq == EVENTS)
                     .values(reason="rewritten"))  # fmt: skip
        row = _row(conn, EVENTS)
        new_hash = audit.chain_hash(row["prev_hash"], audit.event_content(
            **{k: row[k] for k in row if k != "hash"}))  # fmt: skip
        conn.execute(update(AuditEvent).where(AuditEvent.seq == EVENTS).values(hash=new_hash))
        conn.execute(update(AuditChainHead).values(last_hash=new_hash))
        report = audit.verify_chain(session)
    assert report.first_broken_seq == EVENTS
    assert "校验点" in (report.reason or "")


def test_audit_rollback_leaves_no_gap(ctx: ServiceContext) -> None:
    actor = actor_for(ctx, "YB500103-01")
    with ctx.uow() as uow:
        audit.record(uow, actor, "record.view", category="pension")
        # no commit: the business transaction failed, its audit event goes with it
    with ctx.uow() as uow:
        event = audit.record(uow, actor, "record.view", category="medical")
        uow.commit()
    assert event.seq == 1
    with ctx.uow() as uow:
        assert audit.verify_chain(uow.session).ok


@pytest.mark.parametrize("key", ["pin", "new_pin", "oldPin", "password", "servicePassword",
                                 "PIN", "pwd", "puk_code", "passwd"])
def test_audit_details_refuse_password_keys(sqlite_ctx: ServiceContext, key: str) -> None:
    with sqlite_ctx.uow() as uow, pytest.raises(audit.AuditSecretRejected):
        audit.record(uow, None, "pin.change", details={"ok": 1, "inner": {key: "123456"}})
    with sqlite_ctx.uow() as uow, pytest.raises(audit.AuditSecretRejected):
        audit.record(uow, None, "pin.change", details={"list": [{key: 1}]})


def test_audit_details_allow_ordinary_keys(sqlite_ctx: ServiceContext) -> None:
    with sqlite_ctx.uow() as uow:
        event = audit.record(uow, None, "pin.change", details={
            "tries_left": 2, "spinner": "x", "shipping": 1, "mapping": {"a": dt.date(2024, 1, 2)}})
        uow.commit()
    assert event.details == {"tries_left": 2, "spinner": "x", "shipping": 1,
                             "mapping": {"a": "2024-01-02"}}  # fmt: skip


def test_audit_canonical_json_is_stable() -> None:
    a = audit.canonical_json({"b": 1, "a": "重庆", "c": [1, {"z": None, "y": 2.5}]})
    assert a == '{"a":"重庆","b":1,"c":[1,{"y":2.5,"z":null}]}'
    at = dt.datetime(2025, 3, 10, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert audit.format_at(at) == "2025-03-10T02:00:00.000000Z"


def test_audit_concurrent_appenders_never_fork(demo_url: str) -> None:
    """Four workstations appending at once: gap-free seq, one unbroken chain."""
    threads, per_thread = 4, 15
    contexts = [make_ctx(demo_url, Clock()) for _ in range(threads)]
    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []

    def work(ctx: ServiceContext, n: int) -> None:
        try:
            barrier.wait()
            for i in range(per_thread):
                def one(i: int = i) -> None:
                    with ctx.uow() as uow:
                        audit.record(uow, None, "record.view", details={"t": n, "i": i},
                                     workstation=f"WS-{n}")  # fmt: skip
                        uow.commit()

                run_retrying(one, attempts=20)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    workers = [threading.Thread(target=work, args=(c, n)) for n, c in enumerate(contexts)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert not errors, errors
    with contexts[0].uow() as uow:
        report = audit.verify_chain(uow.session)
        seqs = list(uow.session.scalars(select(AuditEvent.seq).order_by(AuditEvent.seq)))
    print(f"concurrent audit appends: {threads} x {per_thread} on {demo_url.split(':')[0]}")
    assert report.ok and report.count == threads * per_thread
    assert seqs == list(range(1, threads * per_thread + 1))


def test_audit_checkpoint_day(sqlite_ctx: ServiceContext) -> None:
    _fill_chain(sqlite_ctx, 5)
    day = (NOW + dt.timedelta(hours=8)).date()
    with sqlite_ctx.uow() as uow:
        cp = audit.checkpoint_day(uow, day)
        uow.commit()
    assert cp.seq == 5
    with sqlite_ctx.uow() as uow:
        event = uow.session.get(AuditEvent, 5)
        assert event is not None and cp.hash == event.hash
        assert audit.checkpoint_day(uow, day).hash == cp.hash  # idempotent
        empty = audit.checkpoint_day(uow, dt.date(2000, 1, 1))
        assert (empty.seq, empty.hash) == (0, GENESIS_HASH)


def test_audit_verify_cli(sqlite_demo_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    ctx = make_ctx(sqlite_demo_url)
    _fill_chain(ctx, 6)
    assert cli_main(["audit", "verify", "--db", sqlite_demo_url]) == 0
    assert "6 条事件" in capsys.readouterr().out
    engine = db.create_engine_for(sqlite_demo_url)
    with engine.begin() as conn:
        for name in list(conn.execute(text(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'audit_events'")).scalars()):  # fmt: skip
            conn.execute(text(f'DROP TRIGGER "{name}"'))
        conn.execute(update(AuditEvent).where(AuditEvent.seq == 4).values(reason="x"))
    engine.dispose()
    assert cli_main(["audit", "verify", "--db", sqlite_demo_url]) == 1
    assert "事件 4" in capsys.readouterr().err
