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
