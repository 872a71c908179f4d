"""Faults survived on PostgreSQL (RELIABILITY.md, faults), with a real server and the real service.

- A workstation's backend is terminated (``pg_terminate_backend`` from a second connection)
  in the middle of a written loss report, after the report, the form and the card change
  are written and before the audit event: the clerk gets ``DatabaseUnavailable`` with its
  message, nothing of the transaction is left, the next call on the same engine works (the
  pool drops the dead connection), and the retry with the same idempotency key is applied
  exactly once.
- A "frozen workstation" holds ``SELECT … FOR UPDATE`` on a card row: a second window's
  write on that card gives up after the lock timeout with ``ConcurrentChange`` and its
  Chinese message, writes nothing, and succeeds once the lock is gone.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import psycopg
import pytest
from sqlalchemy import func, select

from counter_app.models import AuditEvent, Card, FormDocument, IdempotencyKey, LossReport
from counter_app.services import audit, written_reports
from counter_app.services.errors import ConcurrentChange, DatabaseUnavailable
from tests.id_documents import manual_doc
from tests.services_b.conftest import World, build_world

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(120)]

TERMINATE_ROUNDS = 5


@pytest.fixture
def pg_world(pg_server: Any, pg_head_url: str) -> Iterator[World]:
    world = build_world("postgresql", pg_head_url, 12)
    yield world
    world.engine.dispose()


def _conninfo(world: World) -> str:
    url = world.engine.url
    host = url.query["host"]
    return f"host={host} port={url.query['port']} user=postgres dbname={url.database}"


def _details(world: World, key: str) -> written_reports.WrittenLossInput:
    return written_reports.WrittenLossInput(
        "13883251234",
        dt.date(2026, 3, 1),
        "解放碑",
        "乘车时遗失",
        manual_doc(world.holders[key].ssn),
    )


def _written(
    world: World, key: str, idem: str, **settings: Any
) -> written_reports.WrittenLossResult:
    ctx = world.context(**settings) if settings else world.ctx
    return written_reports.register_written_loss(
        ctx, world.actors["yb103"], world.holders[key].holder_id, _details(world, key), idem
    )


def _in_thread(fn: Callable[[], Any]) -> tuple[threading.Thread, dict[str, Any]]:
    out: dict[str, Any] = {}

    def run() -> None:
        try:
            out["result"] = fn()
        except BaseException as error:  # inspected by the test
            out["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, out


def _waiting_backend(admin: psycopg.Connection[Any], deadline_s: float = 20.0) -> int:
    """The pid of the one backend of this database waiting for a lock."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        pids = [
            r[0]
            for r in admin.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            ).fetchall()
        ]
        if len(pids) == 1:
            return int(pids[0])
        time.sleep(0.02)
    raise AssertionError("the service write never started waiting")


def _holds_write_lock_on(admin: psycopg.Connection[Any], pid: int, table: str) -> bool:
    row = admin.execute(
        "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
        "WHERE l.pid = %s AND c.relname = %s AND l.mode = 'RowExclusiveLock'",
        (pid, table),
    ).fetchone()
    return bool(row and row[0])


def _state(world: World, key: str) -> dict[str, Any]:
    card_id = world.holders[key].card_id
    with world.session() as s:
        return {
            "card": s.scalar(select(Card.state).where(Card.id == card_id)),
            "reports": s.scalar(
                select(func.count()).select_from(LossReport).where(LossReport.card_id == card_id)
            ),
            "forms": s.scalar(
                select(func.count())
                .select_from(FormDocument)
                .where(FormDocument.card_id == card_id)
            ),
            "keys": s.scalar(select(func.count()).select_from(IdempotencyKey)),
            "events": s.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.card_id == card_id)
            ),
        }


def _hold_chain(conn: psycopg.Connection[Any], chain: str) -> None:
    """Lock ``chain``'s head row in ``conn``'s open transaction (created if missing)."""
    conn.execute(
        "INSERT INTO audit_chains (name, last_seq, last_hash) VALUES (%s, 0, %s) "
        "ON CONFLICT (name) DO NOTHING",
        (chain, audit.genesis_of(chain)),
    )
    conn.commit()
    conn.execute("SELECT * FROM audit_chains WHERE name = %s FOR UPDATE", (chain,))


def test_backend_terminated_mid_transaction(pg_world: World) -> None:
    world = pg_world
    admin = psycopg.connect(_conninfo(world), autocommit=True)
    blocker = psycopg.connect(_conninfo(world))
    try:
        for n in range(1, TERMINATE_ROUNDS + 1):
            key, idem = f"h{n:03d}", f"terminate-{n:04d}"
            before = _state(world, key)
            assert before["card"] == "active" and before["reports"] == 0
            # Hold the workstation's audit chain head: the service does all its writes,
            # then waits here (its audit append is the last write).
            _hold_chain(blocker, world.actors["yb103"].workstation_id)
            thread, out = _in_thread(partial(_written, world, key, idem, lock_timeout_ms=60000))
            pid = _waiting_backend(admin)
            assert _holds_write_lock_on(admin, pid, "loss_reports")  # half-way: rows written
            assert _holds_write_lock_on(admin, pid, "form_documents")
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
            thread.join(60)
            assert not thread.is_alive()
            blocker.rollback()
            error = out.get("error")
            assert isinstance(error, DatabaseUnavailable), out
            assert str(error) == DatabaseUnavailable.message and "未保存" in str(error)
            assert _state(world, key) == before  # nothing half-written
            # Same engine, same pool: the next call works, and applies the report once.
            first = _written(world, key, idem)
            again = _written(world, key, idem)
            assert not first.already_done and again.already_done
            assert again.serial == first.serial
            after = _state(world, key)
            assert after["card"] == "lost" and after["reports"] == 1 and after["forms"] == 1
            assert after["keys"] == before["keys"] + 1
        with world.session() as s:
            assert audit.verify_chain(s).ok
        print(f"pg backend terminated mid-transaction: {TERMINATE_ROUNDS} rounds survived")
    finally:
        blocker.close()
        admin.close()


def test_frozen_workstation_row_lock_times_out(pg_world: World) -> None:
    world = pg_world
    key = "h002"
    frozen = psycopg.connect(_conninfo(world))
    try:
        frozen.execute(
            "SELECT * FROM cards WHERE id = %s FOR UPDATE", (world.holders[key].card_id,)
        )
        before = _state(world, key)
        started = time.monotonic()
        with pytest.raises(ConcurrentChange) as info:
            _written(world, key, "frozen-0001", lock_timeout_ms=800)
        waited = time.monotonic() - started
        assert str(info.value) == "另一窗口正在办理同一张卡的业务，请稍候片刻后重试。"
        assert _state(world, key) == before
        # Other cards are not held up by the frozen one.
        assert not _written(world, "h003", "frozen-0002", lock_timeout_ms=800).already_done
        print(f"frozen workstation: refused after {waited:.2f} s (lock_timeout 0.8 s)")
    finally:
        frozen.rollback()
        frozen.close()
    result = _written(world, key, "frozen-0001", lock_timeout_ms=800)
    assert not result.already_done and _state(world, key)["reports"] == 1
