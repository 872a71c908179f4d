"""The application's card reader service on PC/SC: one worker thread owns the connection,
a monitor thread reports cards and readers coming and going.

The monitor is a plain ``SCardGetStatusChange`` loop with a timeout (not pyscard's observer
classes), which makes three things simple that the observers get wrong —
- the initial scan: a card already in the reader at start-up is reported (pyscard #231);
- recovery: when pcscd restarts (or Windows stops the service with the last reader) every
  context is dead; we release it and establish a new one (pyscard #27, #82, #153);
- reader hot-plug through the ``\\\\?PnP?\\Notification`` pseudo-reader.

Threads (docs/ARCHITECTURE.md "Threads"): ``CardReaderService`` runs every card
operation on one named single-worker executor, which alone holds the PC/SC context and the
card handle; the monitor has its own context (PC/SC contexts are not shared across threads).
Listeners are called on the monitor thread: a UI turns them into Qt signals at its edge.
Contexts, the transport and the error mapping are in ``reader.pcsc``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Literal, TypeVar

from reader.errors import (
    CardError,
    CardRemoved,
    CardUnresponsive,
    NoCard,
    OutcomeUnknown,
    ReaderUnavailable,
)
from reader.pcsc import PNP_READER, Context, PcscTransport, map_error, result_code, sc

log = logging.getLogger(__name__)
T = TypeVar("T")


EventKind = Literal[
    "card_inserted",
    "card_removed",
    "reader_added",
    "reader_removed",
    "service_lost",
    "service_restored",
]


@dataclass(frozen=True)
class ReaderEvent:
    """Something changed at the counter. ``atr`` is set for ``card_inserted``."""

    kind: EventKind
    reader: str = ""
    atr: bytes = b""


Listener = Callable[[ReaderEvent], None]


class CardReaderService:
    """The application's card reader: one worker thread owns the connection; a monitor
    thread reports cards and readers coming and going, and recovers from a pcscd restart.

    ``reader_name``: use that reader (exact name, or a unique part of one); ``None``: the
    first reader holding a card. Listeners added before ``start()`` see the initial scan.
    """

    def __init__(
        self,
        reader_name: str | None = None,
        *,
        poll_timeout: float = 0.5,
        retry_interval: float = 0.2,
    ) -> None:
        self.reader_name = reader_name or None
        self.poll_timeout = poll_timeout
        self.retry_interval = retry_interval
        self._listeners: list[Listener] = []
        self._executor = ThreadPoolExecutor(
            1, thread_name_prefix="card-reader", initializer=self._mark_worker
        )
        self._worker_ident: int | None = None
        self._stop = threading.Event()
        self._monitor: threading.Thread | None = None
        self._monitor_lock = threading.Lock()
        self._monitor_context: Context | None = None
        # worker-thread state
        self._context: Context | None = None
        self._transport: PcscTransport | None = None
        # monitor state, read by snapshot()
        self._cards: dict[str, bytes] = {}
        self._readers: list[str] = []

    # --- public --------------------------------------------------------------------------

    def add_listener(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def start(self) -> None:
        if self._monitor is None:
            self._monitor = threading.Thread(
                target=self._monitor_loop, name="card-monitor", daemon=True
            )
            self._monitor.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the monitor, disconnect, and end the worker thread. Idempotent."""
        if self._stop.is_set():
            return
        self._stop.set()
        with self._monitor_lock:
            if self._monitor_context is not None:
                self._monitor_context.cancel()
        if self._monitor is not None:
            self._monitor.join(timeout)
        self._executor.submit(self._drop, True)
        self._executor.shutdown(wait=True)

    def __enter__(self) -> CardReaderService:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def snapshot(self) -> tuple[list[str], dict[str, bytes]]:
        """(readers, {reader: ATR of the card in it}) as the monitor last saw them."""
        return list(self._readers), dict(self._cards)

    def submit(self, fn: Callable[[PcscTransport], T]) -> Future[T]:
        """Run ``fn(transport)`` on the reader thread; a typed ``CardError`` on failure."""
        return self._executor.submit(self._call, fn)

    def run(self, fn: Callable[[PcscTransport], T], timeout: float | None = None) -> T:
        """``submit(fn).result()``; called from the reader thread itself it runs inline.

        ``timeout``: give up waiting after that many seconds with ``OutcomeUnknown`` (the
        reader may still be working on it; the reader thread stays busy until it returns).
        """
        if threading.get_ident() == self._worker_ident:
            return self._call(fn)
        future = self.submit(fn)
        try:
            return future.result(timeout)
        except FutureTimeout:
            raise OutcomeUnknown(
                "读卡器长时间没有应答，操作结果未知。请取出卡片后重新插卡，"
                "核实卡片状态；仍不行请运行“读卡诊断”。"
            ) from None

    # --- the reader thread ---------------------------------------------------------------

    def _mark_worker(self) -> None:
        self._worker_ident = threading.get_ident()

    def _call(self, fn: Callable[[PcscTransport], T]) -> T:
        assert threading.get_ident() == self._worker_ident, "card I/O off the reader thread"
        try:
            if self._transport is None:
                if self._context is None:
                    self._context = Context()
                name = self._context.choose_reader(self.reader_name)
                self._transport = PcscTransport(self._context, name)
            return fn(self._transport)
        except ReaderUnavailable:
            self._drop(True)  # the context may be dead (pcscd restarted): make a new one
            raise
        except (CardRemoved, OutcomeUnknown, CardUnresponsive, NoCard):
            self._drop(False)
            raise

    def _drop(self, context_too: bool) -> None:
        transport, self._transport = self._transport, None
        if transport is not None:
            transport.close()
        if context_too and self._context is not None:
            self._context.release()
            self._context = None

    # --- the monitor thread --------------------------------------------------------------

    def _emit(self, event: ReaderEvent) -> None:
        drop: bool | None = None
        if event.kind in ("card_inserted", "card_removed", "reader_removed"):
            drop = False  # a new or gone card makes the handle stale
        elif event.kind == "service_lost":
            drop = True  # the worker's context died with the service
        if drop is not None:
            # Same queue, earlier place: the worker drops the handle before any work a
            # listener submits in answer to this event.
            try:
                self._executor.submit(self._drop, drop)
            except RuntimeError:  # stopping: the executor is shut down
                return
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:  # a listener's bug must not stop the monitor
                log.exception("card event listener failed on %s", event)

    def _monitor_loop(self) -> None:
        known: dict[str, int] = {}
        pnp_state = sc.SCARD_STATE_UNAWARE
        lost = False
        while not self._stop.is_set():
            context = self._monitor_context
            if context is None:
                try:
                    context = Context()
                except CardError:
                    if not lost:
                        lost = True
                        self._emit(ReaderEvent("service_lost"))
                    self._stop.wait(self.retry_interval)
                    continue
                with self._monitor_lock:
                    self._monitor_context = context
                if lost:
                    lost = False
                    self._emit(ReaderEvent("service_restored"))
                pnp_state = sc.SCARD_STATE_UNAWARE
            try:
                pnp_state = self._watch_once(context, known, pnp_state)
            except CardError:
                self._lose_context(known)
                lost = True
                self._emit(ReaderEvent("service_lost"))
                self._stop.wait(self.retry_interval)
        if self._monitor_context is not None:
            self._monitor_context.release()

    def _lose_context(self, known: dict[str, int]) -> None:
        with self._monitor_lock:
            context, self._monitor_context = self._monitor_context, None
        if context is not None:
            context.release()
        for name in list(known):
            self._reader_gone(name, known)

    def _reader_gone(self, name: str, known: dict[str, int]) -> None:
        if self._cards.pop(name, None) is not None:
            self._emit(ReaderEvent("card_removed", name))
        known.pop(name, None)
        self._readers = [r for r in self._readers if r != name]
        self._emit(ReaderEvent("reader_removed", name))

    def _watch_once(self, context: Context, known: dict[str, int], pnp_state: int) -> int:
        """One ``SCardGetStatusChange`` round; returns the new PnP state."""
        names = context.readers()
        for name in [n for n in known if n not in names]:
            self._reader_gone(name, known)
        for name in names:
            if name not in known:
                known[name] = sc.SCARD_STATE_UNAWARE
                self._readers.append(name)
                self._emit(ReaderEvent("reader_added", name))
        states = [(name, known[name]) for name in names] + [(PNP_READER, pnp_state)]
        hresult, new_states = sc.SCardGetStatusChange(
            context.handle, int(self.poll_timeout * 1000), states
        )
        code = result_code(hresult)
        if code in (sc.SCARD_E_TIMEOUT, sc.SCARD_E_CANCELLED, sc.SCARD_E_UNKNOWN_READER):
            return pnp_state  # nothing new, stopping, or a reader left: list again
        if code != sc.SCARD_S_SUCCESS:
            raise map_error(hresult)
        for name, state, atr in new_states:
            state = int(state) & ~sc.SCARD_STATE_CHANGED
            if name == PNP_READER:
                pnp_state = state
            elif name in known:
                self._card_state(name, known, state, bytes(atr))
        return pnp_state

    def _card_state(self, name: str, known: dict[str, int], state: int, atr: bytes) -> None:
        previous = known[name]
        known[name] = state
        if state & (sc.SCARD_STATE_UNKNOWN | sc.SCARD_STATE_UNAVAILABLE):
            return
        present = bool(state & sc.SCARD_STATE_PRESENT)
        was = name in self._cards
        # pcsc-lite counts card events in the upper 16 bits: a card swapped between two
        # rounds shows as present → present with a new count.
        swapped = was and present and previous != 0 and (previous >> 16) != (state >> 16)
        if was and (not present or swapped):
            del self._cards[name]
            self._emit(ReaderEvent("card_removed", name))
        if present and (not was or swapped):
            self._cards[name] = atr
            self._emit(ReaderEvent("card_inserted", name, atr))
