"""The one helper that runs work off the GUI thread and calls back on it.

Picard's ``run_task(func, next_func)`` / Anki's ``QueryOp`` in a few lines on ``QThreadPool``:
``runner.run(func, on_done, on_error)`` runs ``func()`` on a pool thread and delivers its
result (or the exception it raised) to the callbacks on the GUI thread. Card work goes to a
single-thread pool (``card=True``) so that one thread owns the reader (docs/ARCHITECTURE.md
"Threads"); the ID card reader's work likewise to its own (``id_reader=True``): a read waits
up to half a minute for the holder to place the card, and must not hold one of the few
threads the clerk's service calls run on meanwhile.

Promises: callbacks always run on the thread that owns the runner; a cancelled task never
calls back. Every task that succeeds off the card thread, and is not marked ``local``,
emits ``answered`` first: the services answered it, so an outage the window shows (its
banner) is over — the one place that learns so, whatever the call was. It must not:
touch widgets from ``func``; swallow exceptions silently (an unhandled one is logged and
given to ``on_error``).

Tests pass :class:`InlinePool` (Picard's ``FakeThreadPool``): the work runs at once on the
calling thread, so a click in a test has finished, callbacks included, when it returns.

Work that holds the GIL for long stretches — a C call that does not release it (QtPdf's
page rendering) or pure-Python rendering that fills the heap — stalls the GUI thread even
on a pool thread, because the GUI thread needs the GIL for every Python slot and virtual.
``runner.run_in_process(func, *args)`` sends such work to the one :class:`HelperProcess`
(``spawn``, started and warmed once by the composition root); without one it runs on a
pool thread as before.

How long the clerk has been waiting for the services (``runner.longest_wait()``, on the
runner's own ``clock``) is what ``ui.wait_notice`` shows once an answer is slow: a task
waits on the services unless it is the reader's or local work (``services=False``), and
the clerk waits for it unless it runs on its own in the background (``quiet=True``).
"""

from __future__ import annotations

import logging
import multiprocessing
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

from PyQt6.QtCore import QObject, QRunnable, QThreadPool, pyqtSignal

log = logging.getLogger(__name__)

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


class Pool(Protocol):
    def start(self, runnable: QRunnable) -> None: ...


class InlinePool:
    """A pool that runs each runnable immediately on the caller's thread (tests, scripts)."""

    def __init__(self) -> None:
        self.started = 0

    def start(self, runnable: QRunnable) -> None:
        self.started += 1
        runnable.run()

    def waitForDone(self, msecs: int = -1) -> bool:  # QThreadPool's name
        return True


@dataclass(frozen=True)
class Wait:
    """How long the clerk has been waiting for the services' answer to one task."""

    seconds: float
    #: The task runs on the card thread: the card is part of the work (请勿拔卡).
    card: bool


class Task(QObject):
    """One piece of work in flight. ``cancel()`` drops its callbacks (the work itself, once
    started on the card thread or in the database, finishes; its result is ignored)."""

    _finished = pyqtSignal(object)
    _failed = pyqtSignal(object)

    def __init__(
        self,
        name: str,
        on_done: Done | None,
        on_error: Failed | None,
        on_answered: Callable[[], None] | None = None,
        *,
        started_at: float | None = None,
        card: bool = False,
        clerk_waits: bool = False,
        on_settled: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self.name = name
        self._on_answered = on_answered
        self.cancelled = False
        self.done = False
        self.started_at = time.perf_counter() if started_at is None else started_at
        self.card = card
        #: The clerk waits for the services' answer to it (``TaskRunner.longest_wait``).
        self.clerk_waits = clerk_waits
        #: Called as the answer arrives, before any callback (which may open a dialog of
        #: its own): whatever showed the wait goes first.
        self._on_settled = on_settled
        self._on_done = on_done
        self._on_error = on_error
        self._finished.connect(self._deliver_result)
        self._failed.connect(self._deliver_error)

    def cancel(self) -> None:
        self.cancelled = True

    def _deliver_result(self, result: Any) -> None:
        self.done = True
        if self._on_settled is not None:
            self._on_settled()
        if self._on_answered is not None:
            # Before the callback: a call it starts may fail, and its outage must stand.
            self._on_answered()
        if not self.cancelled and self._on_done is not None:
            self._on_done(result)

    def _deliver_error(self, error: BaseException) -> None:
        self.done = True
        if self._on_settled is not None:
            self._on_settled()
        if self.cancelled:
            return
        if self._on_error is not None:
            self._on_error(error)
        else:
            log.error("task %s failed: %s", self.name, error, exc_info=error)


class _Job(QRunnable):
    def __init__(self, task: Task, func: Callable[[], Any]) -> None:
        super().__init__()
        self._task = task
        self._func = func

    def run(self) -> None:
        try:
            result = self._func()
        except BaseException as error:  # handed to the GUI thread
            if not _expected(error):
                log.exception("task %s raised", self._task.name)
            self._task._failed.emit(error)
        else:
            self._task._finished.emit(result)


def _expected(error: BaseException) -> bool:
    """Domain errors (services, card, validation) are expected; anything else is logged."""
    from counter_app.services.errors import ServiceError
    from counter_app.validation.errors import ValidationError
    from reader.errors import CardError
    from reader.idcard.errors import IdCardError  # logged where it happens, in one line

    return isinstance(error, (ServiceError, CardError, IdCardError, ValidationError))


class HelperProcess:
    """One long-lived helper process for work that must not share the GUI process's GIL.

    Started with the ``spawn`` context (the same on Windows counters and Linux; no forked
    copy of the Qt application), once, by the composition root; ``warm`` runs in it at once
    (imports, fonts) so the first real job does not pay for them. ``func`` and its
    arguments must be picklable (module-level functions, plain data). It must not: receive
    a PIN or anything that the GUI process would have to wipe.
    """

    def __init__(self, warm: Callable[[], Any] | None = None) -> None:
        context = multiprocessing.get_context("spawn")
        self._executor = ProcessPoolExecutor(max_workers=1, mp_context=context)
        self.warmed: Future[Any] | None = None
        if warm is not None:
            self.warmed = self._executor.submit(warm)  # starts the process now

    def call(self, func: Callable[..., Any], *args: Any) -> Any:
        """``func(*args)`` in the helper process; blocks the calling (pool) thread."""
        return self._executor.submit(func, *args).result()

    def pid(self) -> int:
        import os

        return int(self.call(os.getpid))

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)


class TaskRunner(QObject):
    """Runs callables off the GUI thread: ``pool`` for database/PDF work, ``card_pool``
    (one thread) for everything that talks to the card reader, ``process`` (optional) for
    work that must leave the GUI process (:meth:`run_in_process`)."""

    busy_changed = pyqtSignal(bool)
    #: A task that may ask the services (not ``card``, not ``local``) succeeded: they are
    #: reachable again (the main window takes its outage banner down).
    answered = pyqtSignal()
    #: A task started or ended (its callbacks ran): ``longest_wait`` may have changed.
    tasks_changed = pyqtSignal()

    def __init__(
        self,
        pool: Pool | None = None,
        card_pool: Pool | None = None,
        process: HelperProcess | None = None,
        *,
        id_pool: Pool | None = None,
        clock: Callable[[], float] = time.monotonic,
        server_timeout_s: float | None = None,
    ) -> None:
        """``clock``: seconds, for ``longest_wait`` (tests pass one they move by hand).
        ``server_timeout_s``: the services are ``counter-server``'s, and the connection
        gives up on a call after hearing nothing for this many seconds; ``None``: the
        services run in this process (the embedded setup). ``id_pool``: where the ID card
        reader's work runs (default: its own thread — or, when a test passes ``pool``, that
        pool, as everything else of the clerk's work)."""
        super().__init__()
        self.process = process
        self.clock = clock
        self.server_timeout_s = server_timeout_s
        self._pool: Pool = pool if pool is not None else QThreadPool.globalInstance()  # type: ignore[assignment]
        if card_pool is None:
            card_pool = QThreadPool()
            card_pool.setMaxThreadCount(1)  # one thread owns the reader (Electrum plugin.py)
        self._card_pool: Pool = card_pool
        if id_pool is None:
            if pool is not None:
                id_pool = pool
            else:
                id_pool = QThreadPool()
                id_pool.setMaxThreadCount(1)  # one thread owns the ID card reader too
        self._id_pool: Pool = id_pool
        self._live: set[Task] = set()
        self._when_idle: list[Callable[[], None]] = []

    def run(
        self,
        func: Callable[[], Any],
        on_done: Done | None = None,
        on_error: Failed | None = None,
        *,
        card: bool = False,
        id_reader: bool = False,
        local: bool = False,
        services: bool | None = None,
        quiet: bool = False,
        name: str = "",
    ) -> Task:
        """``local=True``: the work asks nothing of the services (a PDF drawn, a file
        saved), so its success says nothing of an outage; card work (``card=True``) is
        the reader's, likewise. ``id_reader=True``: the ID card reader's work (always
        ``local``), on that reader's own thread.

        ``services``: whether the work waits on the services (default: neither card nor
        local work does; card work that also asks them says ``services=True``) — a slow
        answer is then shown to the clerk (``ui.wait_notice``) unless ``quiet=True``: the
        work runs on its own (a heartbeat, a badge's count) and nobody waits for it."""
        local = local or id_reader
        answered = None if card or local else self.answered.emit
        asks_services = (not card and not local) if services is None else services
        task = Task(
            name or getattr(func, "__name__", "task"),
            on_done,
            on_error,
            answered,
            started_at=self.clock(),
            card=card,
            clerk_waits=asks_services and not quiet,
            on_settled=self.tasks_changed.emit,
        )
        self._live.add(task)
        task._finished.connect(lambda _r, t=task: self._forget(t))
        task._failed.connect(lambda _e, t=task: self._forget(t))
        if len(self._live) == 1:
            self.busy_changed.emit(True)
        self.tasks_changed.emit()
        pool = self._card_pool if card else self._id_pool if id_reader else self._pool
        pool.start(_Job(task, func))
        return task

    def longest_wait(self) -> Wait | None:
        """The clerk's longest wait for the services now: the oldest task in flight that
        they wait for and did not cancel (``None``: none)."""
        waited = [t for t in self._live if t.clerk_waits and not t.cancelled and not t.done]
        if not waited:
            return None
        oldest = min(waited, key=lambda t: t.started_at)
        return Wait(max(0.0, self.clock() - oldest.started_at), oldest.card)

    def run_in_process(
        self,
        func: Callable[..., Any],
        *args: Any,
        on_done: Done | None = None,
        on_error: Failed | None = None,
        name: str = "",
    ) -> Task:
        """``func(*args)`` in the helper process (from a pool thread), callbacks on this
        thread; without a helper process, ``func(*args)`` on a pool thread."""
        return self.run(
            lambda: self.call_in_process(func, *args),
            on_done,
            on_error,
            local=True,
            name=name or getattr(func, "__name__", "task"),
        )

    def call_in_process(self, func: Callable[..., Any], *args: Any) -> Any:
        """Inside a job (pool thread): ``func(*args)`` in the helper process if there is
        one, else right here. Never call it on the GUI thread: it blocks."""
        process = self.process
        return func(*args) if process is None else process.call(func, *args)

    def _forget(self, task: Task) -> None:
        self._live.discard(task)
        self.tasks_changed.emit()
        if not self._live:
            self.busy_changed.emit(False)
            waiting, self._when_idle = self._when_idle, []
            for callback in waiting:
                callback()

    def when_idle(self, callback: Callable[[], None]) -> None:
        """``callback()`` once no task is in flight: now, or after the last one's callbacks
        ran (a closed window is let go only when no answer can come back to it)."""
        if self._live:
            self._when_idle.append(callback)
        else:
            callback()

    @property
    def pending(self) -> int:
        return len(self._live)

    def wait(self, msecs: int = 10000) -> None:
        """Block until the pools are idle (shutdown, scripts); never call from a handler."""
        for pool in (self._pool, self._card_pool, self._id_pool):
            waiter = getattr(pool, "waitForDone", None)
            if waiter is not None:
                waiter(msecs)
