"""A stalled database behind counter-server, on the real stack: the workstation's own
composition (``build_workstation`` with backend = remote), real mutual TLS, the server on
PostgreSQL, whose holder tables another connection holds locked — the server took the
request and answers nothing, as when the database under it hangs.

The clerk's window says that it is waiting for the server and for how long, and the line
goes when the answer comes. No wall clock: the runner's clock is the test's, the line's
tick is called by hand; only the search itself runs on a real pool thread (it must not
block the test's thread while the database is held).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PyQt6.QtCore import QThreadPool
from PyQt6.QtWidgets import QApplication
from sqlalchemy import text

from counter_app import db
from counter_app.demo.accounts import fixed_holder

pytestmark = [pytest.mark.gui, pytest.mark.remote_only]


class Clock:
    def __init__(self) -> None:
        self.now = 500.0

    def __call__(self) -> float:
        return self.now


class HeldTables:
    """An owner's transaction holding the holder tables locked until ``release``."""

    def __init__(self, url: str) -> None:
        self._engine = db.create_engine_for(url)
        self._conn = self._engine.connect()
        self._tx = self._conn.begin()
        self._conn.execute(text("LOCK TABLE holders, cards IN ACCESS EXCLUSIVE MODE"))

    def waiters(self) -> int:
        """Sessions waiting for these locks (the server's query, once it arrives)."""
        with self._engine.connect() as other:
            found = other.execute(
                text(
                    "SELECT count(*) FROM pg_locks l JOIN pg_class r ON r.oid = l.relation"
                    " WHERE NOT l.granted AND r.relname IN ('holders', 'cards')"
                )
            ).scalar_one()
        return int(found)

    def release(self) -> None:
        if self._tx.is_active:
            self._tx.rollback()
            self._conn.close()
        self._engine.dispose()


@pytest.fixture
def pool() -> Iterator[QThreadPool]:
    made = QThreadPool()
    yield made
    made.waitForDone(60000)


def test_a_search_stalled_at_the_database_is_counted_until_the_server_answers(
    counter: Any, pool: QThreadPool
) -> None:
    c = counter("YB500103-01")
    window, runner = c.window, c.ws.runner
    # The composition told the runner how long the connection waits for a silent server.
    assert runner.server_timeout_s == 120.0
    clock = Clock()
    runner.clock = clock
    runner._pool = pool
    card_number = fixed_holder("active_default_pin").card_number
    held = HeldTables(c.db_url)
    try:
        window.do_search(card_number)
        # The server's query is waiting on the locked tables (seen from the database).
        c.qtbot.waitUntil(lambda: held.waiters() > 0, timeout=60000)
        QApplication.processEvents()
        assert runner.pending  # and no answer has come back
        clock.now += 1
        window.wait_notice.tick()
        assert not window.wait_notice.isVisible()
        clock.now += 4
        window.wait_notice.tick()
        assert window.wait_notice.isVisible()
        assert window.wait_notice.text() == "正在等待业务服务器答复…（已等待 5 秒）"
        clock.now += 30
        window.wait_notice.tick()
        assert window.wait_notice.text() == (
            "业务服务器长时间未答复（已等待 35 秒），系统约 85 秒后停止等待并告知结果。"
        )
    finally:
        held.release()
    c.qtbot.waitUntil(lambda: runner.pending == 0, timeout=60000)
    assert not window.wait_notice.isVisible()
    assert window.hits.rowCount() == 1  # the answer itself, shown
    assert not window.banner.isVisible()
