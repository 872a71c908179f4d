"""PC/SC backend on pyscard: readers, one connection as a ``Transport``, and the service
that owns the reader for the application.

Built on pyscard's thin ``smartcard.scard`` layer (one PC/SC call each), not on its
observer classes: the monitor here is a plain ``SCardGetStatusChange`` loop with a timeout,
which makes three things simple that the observers get wrong —
- the initial scan: a card already in the reader at start-up is reported (pyscard #231);
- recovery: when pcscd restarts (or Windows stops the service with the last reader) every
  context is dead; we release it and establish a new one (pyscard #27, #82, #153);
- reader hot-plug through the ``\\\\?PnP?\\Notification`` pseudo-reader.

Threads (STYLE.md "One thread owns the card reader"): ``CardReaderService`` runs every card
operation on one named single-worker executor, which alone holds the PC/SC context and the
card handle; the monitor has its own context (PC/SC contexts are not shared across threads).
Listeners are called on the monitor thread: a UI turns them into Qt signals at its edge.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from smartcard import scard as _scard

from reader.errors import (
    CardError,
    CardRemoved,
    CardUnresponsive,
    NoCard,
    NoReader,
    OutcomeUnknown,
    ReaderUnavailable,
)
from reader.transport import Transport

log = logging.getLogger(__name__)
sc: Any = _scard  # SWIG module without types
T = TypeVar("T")

PNP_READER = "\\\\?PnP?\\Notification"

_REMOVED = {sc.SCARD_W_REMOVED_CARD, sc.SCARD_W_RESET_CARD, sc.SCARD_W_UNPOWERED_CARD}
_NO_CARD = {sc.SCARD_E_NO_SMARTCARD}
_UNRESPONSIVE = {
    sc.SCARD_W_UNRESPONSIVE_CARD,
    sc.SCARD_W_UNSUPPORTED_CARD,
    sc.SCARD_E_PROTO_MISMATCH,
}
_NO_READER = {sc.SCARD_E_NO_READERS_AVAILABLE, sc.SCARD_E_UNKNOWN_READER}
#: The service or the context is gone: recreate the context (pyscard #82).
_SERVICE_LOST = {
    sc.SCARD_E_NO_SERVICE,
    sc.SCARD_E_SERVICE_STOPPED,
    sc.SCARD_E_INVALID_HANDLE,
    sc.SCARD_F_COMM_ERROR,
    sc.SCARD_E_READER_UNAVAILABLE,
}
#: A transmit that failed with one of these may have reached the card before failing.
_MAYBE_DELIVERED = {
    sc.SCARD_E_NOT_TRANSACTED,
    sc.SCARD_F_COMM_ERROR,
    sc.SCARD_E_COMM_DATA_LOST,
    sc.SCARD_F_UNKNOWN_ERROR,
    sc.SCARD_E_TIMEOUT,
    sc.SCARD_E_NO_SMARTCARD,
    sc.SCARD_E_READER_UNAVAILABLE,
    sc.SCARD_W_UNRESPONSIVE_CARD,
}


def _code(hresult: int) -> int:
    return int(hresult) & 0xFFFFFFFF


def _describe(code: int) -> str:
    try:
        return f"{code:08X} {sc.SCardGetErrorMessage(code)}"
    except Exception:  # noqa: BLE001 - message lookup is best effort
        return f"{code:08X}"


def map_error(hresult: int, *, sent: bool = False) -> CardError:
    """The typed error for a PC/SC result code.

    ``sent``: the failing call was a transmit whose command may already have reached the card
    — then an ambiguous failure is ``OutcomeUnknown``, never a plain failure.
    """
    code = _code(hresult)
    if code in _REMOVED:
        return CardRemoved()  # pcscd knew before sending: the command did not go out
    if sent and code in _MAYBE_DELIVERED:
        return OutcomeUnknown()
    if code in _NO_CARD:
        return NoCard()
    if code in _UNRESPONSIVE:
        return CardUnresponsive()
    if code in _NO_READER:
        return NoReader()
    if code == sc.SCARD_E_SHARING_VIOLATION:
        return ReaderUnavailable("读卡器正被其他程序独占使用。请关闭其他读卡程序后重试。")
    if code in _SERVICE_LOST:
        return ReaderUnavailable()
    return ReaderUnavailable(
        f"读卡器通信失败（PC/SC {_describe(code)}）。请重新插卡后重试；仍不行请运行“读卡诊断”。"
    )


def is_service_lost(hresult: int) -> bool:
    return _code(hresult) in _SERVICE_LOST


class Context:
    """One PC/SC context (``SCardEstablishContext``); used by one thread at a time."""

    def __init__(self) -> None:
        hresult, handle = sc.SCardEstablishContext(sc.SCARD_SCOPE_USER)
        if hresult != sc.SCARD_S_SUCCESS:
            raise map_error(hresult)
        self.handle: int = handle
        self._released = False

    def release(self) -> None:
        if not self._released:
            self._released = True
            try:
                sc.SCardReleaseContext(self.handle)
            except Exception:  # noqa: BLE001 - a dead service cannot refuse a release
                pass

    def cancel(self) -> None:
        """Wake a blocking ``SCardGetStatusChange`` on this context (any thread)."""
        if not self._released:
            sc.SCardCancel(self.handle)

    def readers(self) -> list[str]:
        hresult, names = sc.SCardListReaders(self.handle, [])
        code = _code(hresult)
        if code in (sc.SCARD_E_NO_READERS_AVAILABLE,):
            return []
        if code != sc.SCARD_S_SUCCESS:
            raise map_error(hresult)
        return [str(name) for name in names]

    def status(self, readers: list[str]) -> dict[str, tuple[int, bytes]]:
        """Current (event state, ATR) of each reader, without waiting."""
        if not readers:
            return {}
        hresult, states = sc.SCardGetStatusChange(
            self.handle, 0, [(name, sc.SCARD_STATE_UNAWARE) for name in readers]
        )
        if _code(hresult) not in (sc.SCARD_S_SUCCESS, sc.SCARD_E_TIMEOUT):
            raise map_error(hresult)
        return {str(name): (int(state), bytes(atr)) for name, state, atr in states}

    def choose_reader(self, wanted: str | None) -> str:
        """``wanted`` (exact, else a unique part of a name), or the first reader with a card."""
        names = self.readers()
        if not names:
            raise NoReader()
        if wanted:
            if wanted in names:
                return wanted
            matches = [n for n in names if wanted.lower() in n.lower()]
            if len(matches) == 1:
                return matches[0]
            raise NoReader(
                f"未找到读卡器“{wanted}”。已连接的读卡器：{'、'.join(names)}。"
                "请检查设置中的读卡器名称。"
            )
        for name, (state, _atr) in self.status(names).items():
            if state & sc.SCARD_STATE_PRESENT:
                return name
        raise NoCard()


def list_readers() -> list[str]:
    """Names of the PC/SC readers now connected; ``ReaderUnavailable`` if pcscd is not
    reachable."""
    context = Context()
    try:
        return context.readers()
    finally:
        context.release()


class PcscTransport:
    """``Transport`` over one PC/SC card connection.

    Bound to the thread that created it (asserted on every call): one thread owns a
    connection. ``transaction()`` nests; only the outermost one talks to PC/SC.
    """

    def __init__(self, context: Context, reader: str, *, owns_context: bool = False) -> None:
        self._owner = threading.get_ident()
        self.context = context
        self.reader = reader
        self._owns_context = owns_context
        self._depth = 0
        hresult, handle, protocol = sc.SCardConnect(
            context.handle,
            reader,
            sc.SCARD_SHARE_SHARED,
            sc.SCARD_PROTOCOL_T0 | sc.SCARD_PROTOCOL_T1,
        )
        if hresult != sc.SCARD_S_SUCCESS:
            if owns_context:
                context.release()
            raise map_error(hresult)
        self._handle: int | None = handle
        self._protocol: int = protocol
        hresult, _name, _state, _proto, atr = sc.SCardStatus(handle)
        self._atr = bytes(atr) if hresult == sc.SCARD_S_SUCCESS else b""

    @classmethod
    def open(cls, reader: str | None = None) -> PcscTransport:
        """Connect with a context of its own: by reader name, or the first holding a card."""
        context = Context()
        try:
            name = context.choose_reader(reader)
        except BaseException:
            context.release()
            raise
        return cls(context, name, owns_context=True)

    def _live(self) -> int:
        if threading.get_ident() != self._owner:
            raise AssertionError("PcscTransport used from a thread that does not own it")
        if self._handle is None:
            raise CardRemoved()
        return self._handle

    def atr(self) -> bytes:
        self._live()
        return self._atr

    def transmit(self, apdu: bytes | bytearray) -> bytes:
        handle = self._live()
        command = list(apdu)  # pyscard takes a list; emptied at once, for PIN commands
        try:
            hresult, response = sc.SCardTransmit(handle, self._protocol, command)
        finally:
            command.clear()
        if hresult != sc.SCARD_S_SUCCESS:
            raise map_error(hresult, sent=True)
        if len(response) < 2:
            # Every card answer ends in SW1 SW2. pcscd reports success with no bytes when the
            # reader lost the card mid-exchange (seen with vpcd): the command went out.
            raise OutcomeUnknown()
        return bytes(response)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        handle = self._live()
        if self._depth == 0:
            hresult = sc.SCardBeginTransaction(handle)
            if hresult != sc.SCARD_S_SUCCESS:
                raise map_error(hresult)
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
            if self._depth == 0 and self._handle is not None:
                # A card pulled after its last answer does not undo the operation: the
                # result of EndTransaction is not the operation's outcome.
                sc.SCardEndTransaction(handle, sc.SCARD_LEAVE_CARD)

    def control(self, code: int, data: bytes | bytearray) -> bytes:
        handle = self._live()
        hresult, response = sc.SCardControl(handle, code, list(data))
        if _code(hresult) == sc.SCARD_E_UNSUPPORTED_FEATURE:
            raise NotImplementedError(f"reader {self.reader!r} does not support control {code:#x}")
        if hresult != sc.SCARD_S_SUCCESS:
            raise map_error(hresult)
        return bytes(response)

    def reader_serial(self) -> str:
        """The reader's serial number (``SCARD_ATTR_VENDOR_IFD_SERIAL_NO``); empty when the
        reader will not say."""
        handle = self._live()
        try:
            hresult, value = sc.SCardGetAttrib(handle, sc.SCARD_ATTR_VENDOR_IFD_SERIAL_NO)
        except Exception:  # noqa: BLE001 - optional attribute
            return ""
        if hresult != sc.SCARD_S_SUCCESS:
            return ""
        return bytes(value).rstrip(b"\x00").decode("ascii", "replace").strip()

    def close(self) -> None:
        """Disconnect (leaving the card powered) and release an owned context. Idempotent."""
        handle, self._handle = self._handle, None
        if handle is not None:
            try:
                sc.SCardDisconnect(handle, sc.SCARD_LEAVE_CARD)
            except Exception:  # noqa: BLE001 - the card or the service may be gone already
                pass
        if self._owns_context:
            self.context.release()

    def __enter__(self) -> PcscTransport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --- the service ------------------------------------------------------------------------

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
        code = _code(hresult)
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


if TYPE_CHECKING:

    def _is_a_transport(transport: PcscTransport) -> Transport:
        return transport  # mypy checks PcscTransport against the protocol here
