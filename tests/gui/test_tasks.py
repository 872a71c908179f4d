from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtCore import QThread, QThreadPool

from counter_app.ui.tasks import InlinePool, TaskRunner

pytestmark = pytest.mark.gui


def test_inline_pool_delivers_result_and_error(qtbot: Any) -> None:
    runner = TaskRunner(InlinePool(), InlinePool())
    got: list[Any] = []
    runner.run(lambda: 41 + 1, got.append)
    runner.run(lambda: 1 / 0, None, got.append)
    assert got[0] == 42
    assert isinstance(got[1], ZeroDivisionError)
    assert runner.pending == 0


def test_real_pool_runs_off_gui_thread_and_calls_back_on_it(qtbot: Any) -> None:
    pool = QThreadPool()
    runner = TaskRunner(pool)
    gui = QThread.currentThread()
    seen: dict[str, Any] = {}

    def work() -> str:
        seen["worker_is_gui"] = QThread.currentThread() == gui
        return "done"

    def done(result: str) -> None:
        seen["callback_is_gui"] = QThread.currentThread() == gui
        seen["result"] = result

    runner.run(work, done)
    qtbot.waitUntil(lambda: "result" in seen, timeout=5000)
    assert seen == {"worker_is_gui": False, "callback_is_gui": True, "result": "done"}
    pool.waitForDone()
    runner.wait()


def test_card_work_runs_on_one_thread(qtbot: Any) -> None:
    runner = TaskRunner(QThreadPool())
    threads: list[Any] = []
    for _ in range(5):
        runner.run(lambda: threads.append(int(QThread.currentThreadId())), card=True)
    qtbot.waitUntil(lambda: len(threads) == 5, timeout=5000)
    assert len(set(threads)) == 1
    runner.wait()


def test_cancelled_task_never_calls_back(qtbot: Any) -> None:
    pool = QThreadPool()
    runner = TaskRunner(pool)
    got: list[Any] = []
    task = runner.run(lambda: 1, got.append)
    task.cancel()
    pool.waitForDone()
    qtbot.wait(50)
    assert got == []
    runner.wait()


def test_id_reader_work_does_not_hold_a_service_thread(qtbot: Any) -> None:
    """A 读取身份证 waits up to half a minute for the card: on its own thread, so a service
    call started meanwhile runs even when the shared pool has a single thread (a 2-core
    clerk PC has two)."""
    import threading

    shared = QThreadPool()
    shared.setMaxThreadCount(1)
    runner = TaskRunner(shared, InlinePool(), id_pool=None)
    runner._id_pool = QThreadPool()  # the default of a production runner (pool=None)
    release = threading.Event()
    answered = threading.Event()
    runner.run(release.wait, id_reader=True, name="read_id_card")
    runner.run(answered.set, name="find_holders")
    try:
        assert answered.wait(10), "the service call waited behind the ID card read"
    finally:
        release.set()
        runner.wait()


def test_production_runner_gives_the_id_reader_its_own_thread(qtbot: Any) -> None:
    runner = TaskRunner()
    try:
        pools = {id(runner._pool), id(runner._card_pool), id(runner._id_pool)}
        assert len(pools) == 3
        assert runner._id_pool.maxThreadCount() == 1  # type: ignore[attr-defined]
    finally:
        runner.wait()


def test_a_test_pool_also_runs_the_id_readers_work(qtbot: Any) -> None:
    pool = InlinePool()
    runner = TaskRunner(pool, InlinePool())
    got: list[str] = []
    runner.run(lambda: "read", got.append, id_reader=True)
    assert got == ["read"] and pool.started == 1
