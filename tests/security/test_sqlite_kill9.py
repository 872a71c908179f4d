"""The app killed with SIGKILL in a write loop on SQLite (RELIABILITY.md, faults).

A child process appends audit events in WAL mode and acknowledges each on stdout after its
commit returned (``tests/security/sqlite_writer.py``); it is killed with SIGKILL at random
moments, several times over the same database. After every kill: ``PRAGMA integrity_check``
says ``ok``, every acknowledged event is there with its content, nothing unacknowledged
beyond at most the one write in flight, and the audit chain verifies.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from counter_app import db
from counter_app.models import AuditEvent
from counter_app.services import audit

ROOT = Path(__file__).resolve().parents[2]
KILLS = 8
SLOW_KILLS = 40


def _start(url: str, start: int) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.security.sqlite_writer", url, str(start)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    ready = _first_line(proc.stdout.fileno())
    assert ready == "ready", proc.stderr and proc.stderr.read()
    return proc


def _first_line(fd: int) -> str:
    """The writer's first line, read byte by byte from the pipe: ``readline`` on the text
    stream would read ahead into its own buffer, and acknowledgements written before the
    parent got round to reading (a busy machine) stayed in that buffer, unseen by
    ``communicate`` (which reads the pipe itself) — counted as unacknowledged writes."""
    line = bytearray()
    while not line.endswith(b"\n"):
        chunk = os.read(fd, 1)
        if not chunk:
            break
        line += chunk
    return line.decode().strip()


def _kill_rounds(url: str, kills: int, seed: int) -> tuple[int, dict[int, int]]:
    """Run, kill, check — ``kills`` times. Returns (total rows, {seq: n} acknowledged)."""
    rng = random.Random(seed)
    acked: dict[int, int] = {}
    next_n = 0
    engine = db.create_engine_for(url)
    try:
        for round_no in range(kills):
            proc = _start(url, next_n)
            time.sleep(rng.uniform(0.0, 0.6))  # a random moment, often mid-transaction
            proc.send_signal(signal.SIGKILL)
            out, _err = proc.communicate(timeout=30)
            assert proc.returncode == -signal.SIGKILL
            for line in out.splitlines():
                seq, n = map(int, line.split())
                acked[seq] = n
                next_n = max(next_n, n + 1)
            engine.dispose()  # a fresh look, as a restarted workstation would have
            with engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok"
                result = conn.execute(select(AuditEvent.seq, AuditEvent.details))
                rows = {r.seq: r.details for r in result}
                missing = [s for s in acked if s not in rows]
                assert not missing, (round_no, missing[:5])
                assert all(rows[s] == {"n": n} for s, n in acked.items())
                # Committed but killed before the acknowledgement: at most the write in flight.
                unacked = [s for s in rows if s not in acked]
                assert len(unacked) <= round_no + 1, unacked
                for s in unacked:  # adopt it: its number is used, the next run goes on
                    next_n = max(next_n, rows[s]["n"] + 1)
                report = audit.verify_chain(Session(bind=conn))
                assert report.ok, report
                assert report.count == len(rows)
                mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar_one()
                assert mode == "wal"
        with engine.connect() as conn:
            total = conn.execute(text("SELECT count(*) FROM audit_events")).scalar_one()
    finally:
        engine.dispose()
    return int(total), acked


def test_sqlite_survives_kill9_in_write_loop(sqlite_head_url: str) -> None:
    total, acked = _kill_rounds(sqlite_head_url, KILLS, seed=20261122)
    assert len(acked) > 0
    print(
        f"sqlite kill -9: {KILLS} kills, {len(acked)} acknowledged writes, {total} rows, "
        "integrity ok, chain ok"
    )


@pytest.mark.slow
def test_sqlite_survives_many_kill9(sqlite_head_url: str) -> None:
    total, acked = _kill_rounds(sqlite_head_url, SLOW_KILLS, seed=8)
    print(
        f"sqlite kill -9 (slow): {SLOW_KILLS} kills, {len(acked)} acknowledged writes, "
        f"{total} rows, integrity ok, chain ok"
    )
