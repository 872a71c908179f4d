"""PC/SC backend on pyscard: contexts and readers, one card connection as a ``Transport``,
and the mapping of PC/SC result codes to the typed errors of ``reader.errors``.

Built on pyscard's thin ``smartcard.scard`` layer (one PC/SC call each), not on its
observer classes. The service that owns the reader for the application (one worker thread,
a monitor that recovers from a pcscd restart) is in ``reader.pcsc_service``, which imports
this module and never the other way round.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

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

sc: Any = _scard  # SWIG module without types

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


def result_code(hresult: int) -> int:
    """A PC/SC result as an unsigned 32-bit code (pyscard may hand back negatives)."""
    return int(hresult) & 0xFFFFFFFF


def _describe(code: int) -> str:
    try:
        return f"{code:08X} {sc.SCardGetErrorMessage(code)}"
    except Exception:  # message lookup is best effort
        return f"{code:08X}"


def map_error(hresult: int, *, sent: bool = False) -> CardError:
    """The typed error for a PC/SC result code.

    ``sent``: the failing call was a transmit whose command may already have reached the card
    — then an ambiguous failure is ``OutcomeUnknown``, never a plain failure.
    """
    code = result_code(hresult)
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
    return result_code(hresult) in _SERVICE_LOST


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
            except Exception:  # a dead service cannot refuse a release
                pass

    def cancel(self) -> None:
        """Wake a blocking ``SCardGetStatusChange`` on this context (any thread)."""
        if not self._released:
            sc.SCardCancel(self.handle)

    def readers(self) -> list[str]:
        hresult, names = sc.SCardListReaders(self.handle, [])
        code = result_code(hresult)
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
        if result_code(hresult) not in (sc.SCARD_S_SUCCESS, sc.SCARD_E_TIMEOUT):
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
        if result_code(hresult) == sc.SCARD_E_UNSUPPORTED_FEATURE:
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
        except Exception:  # optional attribute
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
            except Exception:  # the card or the service may be gone already
                pass
        if self._owns_context:
            self.context.release()

    def __enter__(self) -> PcscTransport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


if TYPE_CHECKING:

    def _is_a_transport(transport: PcscTransport) -> Transport:
        return transport  # mypy checks PcscTransport against the protocol here


__all__ = [
    "PNP_READER",
    "Context",
    "PcscTransport",
    "is_service_lost",
    "list_readers",
    "map_error",
    "result_code",
    "sc",
]
