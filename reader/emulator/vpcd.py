"""Serve an emulated card to a real pcscd through the vsmartcard ``vpcd`` reader driver.

The vpcd driver (loaded by pcscd, configured in ``/etc/reader.conf.d/``) listens on TCP
``127.0.0.1:35963`` for slot ``Virtual PCD 00 00`` (35964 for ``… 00 01``). This module is the
*card* side: it connects to that port and answers. Wire format, both ways: a 2-byte
big-endian length, then the payload. A 1-byte payload from the driver is a control message
(``00`` power off, ``01`` power on, ``02`` reset, ``04`` get ATR — only the last is answered;
any other single byte is a too-short APDU and answered ``6700``, CARD.md); anything longer
is a command APDU, answered with the response APDU.

A connected socket is a card in the reader; closing it is pulling the card. The client
reconnects by itself when pcscd restarts. ``TCP_NODELAY`` and one ``sendall`` per message
matter: without them each APDU waits ~45 ms for a delayed acknowledgement.

Fault injection for tests (``fault=``): a callable that sees each command APDU and may pull
the card before the card sees the command (``Fault.PULL_BEFORE``) or after the card acted on
it but before the answer goes out (``Fault.PULL_AFTER`` — the host cannot know the outcome).
"""

from __future__ import annotations

import enum
import json
import logging
import socket
import struct
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from reader.emulator.files import replace_file

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 35963

POWER_OFF = 0x00
POWER_ON = 0x01
RESET = 0x02
GET_ATR = 0x04

_LENGTH = struct.Struct(">H")
SW_NO_DIAGNOSIS = b"\x6f\x00"
SW_WRONG_LENGTH = b"\x67\x00"
log = logging.getLogger(__name__)
_QUICKACK: int | None = getattr(socket, "TCP_QUICKACK", None)  # Linux only


class VirtualCard(Protocol):
    """What the vpcd client serves: the emulated card (``reader.emulator.card``) or any
    object with the same five methods (the benchmark's echo card)."""

    def atr(self) -> bytes: ...

    def process(self, apdu: bytes) -> bytes: ...

    def power_off(self) -> object: ...

    def power_on(self) -> object: ...

    def reset(self) -> object: ...


class Fault(enum.Enum):
    """What a test's fault hook makes of one command APDU."""

    PULL_BEFORE = "pull-before"  # the card never sees the command
    PULL_AFTER = "pull-after"  # the card acts on it; the answer is lost


FaultHook = Callable[[bytes], "Fault | None"]


class _Disconnected(Exception):
    """The driver side closed the connection (pcscd stopped) or a fault pulled the card."""


def parse_hostport(text: str) -> tuple[str, int]:
    """``HOST:PORT``, ``HOST`` or ``:PORT`` → (host, port) with the vpcd defaults."""
    host, sep, port = text.rpartition(":")
    if not sep:
        return text or DEFAULT_HOST, DEFAULT_PORT
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"端口无效: {text!r}（应为 HOST:PORT，例如 127.0.0.1:35963）")
    return host.strip("[]") or DEFAULT_HOST, int(port)


class ProfileWriter:
    """Writes the card's profile (``to_profile()``) to a file whenever it changed.

    Called after the card processed an APDU and *before* the answer is sent, so a PIN change
    or a spent try that the host saw answered survives a kill of the emulator. The write is
    atomic (temporary file + rename); the file is never half-written. No fsync: it must
    survive a killed emulator, not a power cut of the test machine.
    """

    def __init__(self, card: Any, path: str | Path) -> None:
        self._card = card
        self._path = Path(path)
        self._last: dict[str, Any] | None = None

    def __call__(self) -> None:
        profile: dict[str, Any] = self._card.to_profile()
        if profile == self._last:
            return
        text = json.dumps(profile, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        replace_file(self._path, text)
        self._last = profile


class VpcdClient:
    """Serves one card to one vpcd slot until stopped.

    ``serve()`` blocks (use ``start()`` for a daemon thread). ``remove()`` pulls the card
    (closes the connection and stays out) and ``insert()`` puts it back. ``after_apdu`` runs
    after each processed command and before its answer is sent (``ProfileWriter``).
    """

    def __init__(
        self,
        card: VirtualCard,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        *,
        after_apdu: Callable[[], None] | None = None,
        fault: FaultHook | None = None,
        retry_interval: float = 0.1,
        min_out_time: float = 0.6,
    ) -> None:
        self.card = card
        self.host = host
        self.port = port
        self.after_apdu = after_apdu
        self.fault = fault
        self.retry_interval = retry_interval
        #: After leaving the reader, stay out this long before coming back: pcscd polls
        #: vpcd for the card every 400 ms and must see it gone, or it would carry on with
        #: a stale card handle and the card's lost power state.
        self.min_out_time = min_out_time
        self._out_since = 0.0
        self._stop = threading.Event()
        self._inserted = threading.Event()
        self._inserted.set()
        self._connected = threading.Event()
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self.apdus_served = 0

    # --- control from other threads ----------------------------------------------------

    def start(self) -> threading.Thread:
        """Serve on a daemon thread; returns it."""
        thread = threading.Thread(target=self.serve, name=f"vpcd-{self.port}", daemon=True)
        self._thread = thread
        thread.start()
        return thread

    def stop(self, timeout: float | None = 5.0) -> None:
        """Stop serving (the card leaves the reader) and wait for the serving thread."""
        self._stop.set()
        self._inserted.set()
        self._close_socket()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def remove(self) -> None:
        """Pull the card: close the connection and stay out until ``insert()``."""
        self._inserted.clear()
        self._close_socket()

    def insert(self) -> None:
        self._inserted.set()

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def wait_connected(self, timeout: float) -> bool:
        """True once connected to the driver (pcscd still needs one poll to see the card)."""
        return self._connected.wait(timeout)

    # --- serving -------------------------------------------------------------------------

    def serve(self) -> None:
        """Connect, serve, reconnect on loss, until ``stop()``."""
        while not self._stop.is_set():
            if not self._inserted.is_set():
                self._inserted.wait(0.2)
                continue
            pause = self._out_since + self.min_out_time - time.monotonic()
            if pause > 0:
                self._stop.wait(pause)
                continue
            sock = self._connect()
            if sock is None:
                self._stop.wait(self.retry_interval)
                continue
            try:
                self._serve_connection(sock)
            except (_Disconnected, OSError):
                pass
            finally:
                self._connected.clear()
                self._out_since = time.monotonic()
                self._close_socket()
                # Out of the reader is out of power: the card loses its security state.
                self.card.power_off()

    def _connect(self) -> socket.socket | None:
        try:
            sock = socket.create_connection((self.host, self.port), timeout=1.0)
        except OSError:
            return None
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.settimeout(0.25)  # lets the loop notice stop() without a busy wait
        with self._lock:
            if self._stop.is_set() or not self._inserted.is_set():
                sock.close()
                return None
            self._sock = sock
        self._connected.set()
        return sock

    def _close_socket(self) -> None:
        with self._lock:
            sock, self._sock = self._sock, None
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def _serve_connection(self, sock: socket.socket) -> None:
        reader = _MessageReader(sock, self._stop)
        while not self._stop.is_set():
            message = reader.read()
            if message is None:
                continue
            answer = self._handle(message)
            if answer is not None:
                sock.sendall(_LENGTH.pack(len(answer)) + answer)

    def _handle(self, message: bytes) -> bytes | None:
        if len(message) == 1:
            code = message[0]
            if code == GET_ATR:
                return self.card.atr()
            if code == POWER_OFF:
                self.card.power_off()
            elif code == POWER_ON:
                self.card.power_on()
            elif code == RESET:
                self.card.reset()
            else:
                # CARD.md: any other 1-byte message is a (too short) APDU, answered 6700;
                # an unanswered message would leave the client waiting forever.
                return SW_WRONG_LENGTH
            return None
        fault = self.fault(message) if self.fault is not None else None
        if fault is Fault.PULL_BEFORE:
            self.remove()
            raise _Disconnected
        try:
            response = self.card.process(message)
        except Exception:  # a card model bug must not take the reader down with it
            log.exception("emulated card failed on an APDU")
            response = SW_NO_DIAGNOSIS
        self.apdus_served += 1
        if self.after_apdu is not None:
            self.after_apdu()  # before answering: CARD.md state must survive a kill
        if fault is Fault.PULL_AFTER:
            self.remove()
            raise _Disconnected
        return response


class _MessageReader:
    """Length-prefixed messages from a socket with a timeout; one buffer, few syscalls."""

    def __init__(self, sock: socket.socket, stop: threading.Event) -> None:
        self._sock = sock
        self._stop = stop
        self._buffer = bytearray()

    def read(self) -> bytes | None:
        """One message, or None when the timeout passed with no complete message."""
        while True:
            if len(self._buffer) >= 2:
                (length,) = _LENGTH.unpack_from(self._buffer)
                if len(self._buffer) >= 2 + length:
                    message = bytes(self._buffer[2 : 2 + length])
                    del self._buffer[: 2 + length]
                    return message
            try:
                chunk = self._sock.recv(65536)
            except TimeoutError:
                return None
            if not chunk:
                raise _Disconnected
            if _QUICKACK is not None:
                # The driver writes the length and the payload with two send() calls under
                # Nagle: it holds the payload until the length is acknowledged. Acknowledge
                # at once instead of after the ~40 ms delayed-ACK timer (Linux re-arms
                # delayed ACKs after each receive, so this is set each time).
                self._sock.setsockopt(socket.IPPROTO_TCP, _QUICKACK, 1)
            self._buffer += chunk


def serve_forever(
    card: VirtualCard,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    *,
    state_out: str | Path | None = None,
    stop: threading.Event | None = None,
) -> VpcdClient:
    """Serve ``card`` until ``stop`` is set (or SIGINT/SIGTERM in the main thread).

    With ``state_out`` the card's profile is written there whenever an APDU changed it,
    before the answer goes out, and once more at exit.
    """
    import signal

    writer = ProfileWriter(card, state_out) if state_out is not None else None
    client = VpcdClient(card, host, port, after_apdu=writer)
    stop_event = stop or threading.Event()

    def _on_signal(signum: int, frame: object) -> None:
        stop_event.set()

    previous: dict[signal.Signals, Any] = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, _on_signal)
    if writer is not None:
        writer()
    client.start()
    try:
        while not stop_event.wait(0.2):
            pass
    finally:
        client.stop()
        if writer is not None:
            writer()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return client
