"""An ID card reader that keeps to IDCARD.md byte for byte, served on a pseudo-terminal.

:class:`EmulatedIdReader` is the reader's logic: one command frame in, one reply frame out,
a card that can be placed and taken away, and the rule that after a successful read the card
must be taken away and placed again before find card succeeds (``80`` until then).
:class:`PtyIdReader` serves it on a pty (``os.openpty``, raw mode) from a thread, so clients
talk to it through the real termios layer exactly as to a USB-serial reader; its path is
``/dev/pts/N``. The GUI's demo panel and the tests drive it in-process with
:meth:`PtyIdReader.place` / :meth:`PtyIdReader.remove`; ``counter-admin idcard emulate``
adds a control file and signals for scripts.
"""

from __future__ import annotations

import os
import select
import threading
import time
import tty
from dataclasses import dataclass

from reader.idcard.errors import (
    FrameChecksumError,
    FrameError,
    FrameLengthError,
    FrameTruncated,
    IdReaderTimeout,
)
from reader.idcard.frames import Command, parse_command, read_frame, response_frame
from reader.idcard.profile import IdCardProfile

SW_DONE, SW_FOUND, SW_NO_CONTENT = 0x90, 0x9F, 0x91
SW_BAD_CHECKSUM, SW_BAD_LENGTH, SW_UNKNOWN = 0x10, 0x11, 0x21
SW_READ_FAILED, SW_NO_CARD, SW_SELECT_FAILED = 0x41, 0x80, 0x81


@dataclass
class _CardState:
    profile: IdCardProfile | None
    present: bool
    found: bool = False
    selected: bool = False
    #: After a successful read: find card answers 80 until the card is taken away.
    must_lift: bool = False
    #: Bumped on every place/remove, so a read in progress notices the card moved.
    generation: int = 0


class EmulatedIdReader:
    """The reader's answers (IDCARD.md "Frames"). Thread-safe: :meth:`place` and
    :meth:`remove` may come from another thread while a command is being answered."""

    def __init__(
        self, profile: IdCardProfile | None, sam_id: bytes | None = None, read_delay: float = 0.0
    ) -> None:
        present = profile is not None and profile.present
        self._state = _CardState(profile, present)
        self._sam_id = sam_id or (profile.sam_id if profile else bytes(16))
        self._lock = threading.Lock()
        #: Seconds a card read takes (a real reader needs ~0.5 s); the card may be taken
        #: away meanwhile, and the read then fails with 41 as on a real reader.
        self.read_delay = read_delay
        self.sam_status = SW_DONE  # tests set 0x60 (self-test failed) or 0x66
        self.commands = 0
        #: Set while a card read is under way (tests take the card away then).
        self.reading = threading.Event()

    @property
    def present(self) -> bool:
        return self._state.present

    def place(self, profile: IdCardProfile | None = None) -> None:
        with self._lock:
            s = self._state
            if profile is not None:
                s.profile = profile
            s.present = s.profile is not None
            s.found = s.selected = s.must_lift = False
            s.generation += 1

    def remove(self) -> None:
        with self._lock:
            s = self._state
            s.present = s.found = s.selected = s.must_lift = False
            s.generation += 1

    def answer_bytes(self, body: bytes) -> bytes:
        """The reply frame to a command frame's body."""
        try:
            command = parse_command(body)
        except FrameLengthError:
            return response_frame(SW_BAD_LENGTH)
        return self.answer(command)

    def answer(self, command: Command) -> bytes:
        self.commands += 1
        key = (command.cmd, command.para)
        if key not in _HANDLERS:
            return response_frame(SW_UNKNOWN)
        if command.data:
            return response_frame(SW_BAD_LENGTH)
        return _HANDLERS[key](self)

    # --- SAM ---------------------------------------------------------------------------

    def _reset(self) -> bytes:
        return response_frame(self.sam_status)

    def _sam_id_reply(self) -> bytes:
        if self.sam_status != SW_DONE:
            return response_frame(self.sam_status)
        return response_frame(SW_DONE, self._sam_id)

    # --- the card ----------------------------------------------------------------------

    def _find(self) -> bytes:
        with self._lock:
            s = self._state
            if self.sam_status != SW_DONE:
                return response_frame(self.sam_status)
            if not s.present or s.must_lift:
                return response_frame(SW_NO_CARD)
            s.found, s.selected = True, False
        return response_frame(SW_FOUND, bytes(4))

    def _select(self) -> bytes:
        with self._lock:
            s = self._state
            if not s.present:
                return response_frame(SW_NO_CARD)
            if not s.found:
                return response_frame(SW_SELECT_FAILED)
            s.selected = True
        return response_frame(SW_DONE, bytes(8))

    def _read(self, fingerprints: bool = False) -> bytes:
        with self._lock:
            s = self._state
            if not (s.present and s.selected) or s.profile is None:
                return response_frame(SW_READ_FAILED)
            generation, profile = s.generation, s.profile
        end = time.monotonic() + self.read_delay
        self.reading.set()
        try:
            while time.monotonic() < end:  # the chip is being read: the card may move
                if self._state.generation != generation:
                    break
                time.sleep(min(0.01, max(0.0, end - time.monotonic())))
        finally:
            self.reading.clear()
        with self._lock:
            s = self._state
            if s.generation != generation or not s.present:
                return response_frame(SW_READ_FAILED)
            s.found = s.selected = False
            s.must_lift = True
        text, photo = profile.text(), profile.photo()
        sizes = len(text).to_bytes(2, "big") + len(photo).to_bytes(2, "big")
        if fingerprints:
            sizes += (0).to_bytes(2, "big")  # the emulated card holds no fingerprints
        return response_frame(SW_DONE, sizes + text + photo)

    def _read_fingerprints(self) -> bytes:
        return self._read(fingerprints=True)

    def _newest_address(self) -> bytes:
        with self._lock:
            s = self._state
            if not s.present or s.profile is None:
                return response_frame(SW_READ_FAILED)
            address = s.profile.values.get("newest_address", "")
        if not address:
            return response_frame(SW_NO_CONTENT)
        raw = address.encode("utf-16-le")[:70]
        return response_frame(SW_DONE, raw + b" \x00" * ((70 - len(raw)) // 2))


_HANDLERS = {
    (0x10, 0xFF): EmulatedIdReader._reset,
    (0x11, 0xFF): EmulatedIdReader._reset,
    (0x12, 0xFF): EmulatedIdReader._sam_id_reply,
    (0x20, 0x01): EmulatedIdReader._find,
    (0x20, 0x02): EmulatedIdReader._select,
    (0x30, 0x01): EmulatedIdReader._read,
    (0x30, 0x10): EmulatedIdReader._read_fingerprints,
    (0x30, 0x03): EmulatedIdReader._newest_address,
}


#: How long a frame that has begun may take to arrive whole (IDCARD.md: one command at a
#: time, answered within 1 s).
FRAME_TIME = 1.0


class _FdSource:
    def __init__(self, fd: int) -> None:
        self.fd = fd

    def read(self, size: int, timeout: float) -> bytes:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return b""
        try:
            return os.read(self.fd, size)
        except OSError:  # EIO: no client has the port open right now
            time.sleep(min(timeout, 0.05))
            return b""


class PtyIdReader:
    """Serves an :class:`EmulatedIdReader` on a new pseudo-terminal from a daemon thread.

    ``start()`` returns the path a client opens (``/dev/pts/N``); ``place(profile)`` /
    ``remove()`` put the card on and take it away; ``stop()`` closes the pty.
    """

    def __init__(
        self, profile: IdCardProfile | None, read_delay: float = 0.0, sam_id: bytes | None = None
    ) -> None:
        self.reader = EmulatedIdReader(profile, sam_id=sam_id, read_delay=read_delay)
        self._master = self._slave = -1
        self.path = ""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> str:
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)  # no echo, no line discipline: bytes pass unchanged
        tty.setraw(self._master)
        self.path = os.ttyname(self._slave)
        self._thread = threading.Thread(target=self._serve, name="idcard-emulator", daemon=True)
        self._thread.start()
        return self.path

    def place(self, profile: IdCardProfile | None = None) -> None:
        self.reader.place(profile)

    def remove(self) -> None:
        self.reader.remove()

    def _serve(self) -> None:
        source = _FdSource(self._master)
        while not self._stop.is_set():
            # Idle in short waits (to see stop()), but a frame that has begun gets a
            # command's whole time: one deadline for both cut off a command that arrived
            # at the end of a wait, and the client waited in vain (IdReaderTimeout) — a
            # client polling every second, in step with the 0.2-s waits, hit it often.
            ready, _, _ = select.select([self._master], [], [], 0.2)
            if not ready:
                continue
            try:
                body = read_frame(source, FRAME_TIME)
            except (IdReaderTimeout, FrameTruncated):
                continue
            except FrameChecksumError:
                self._write(response_frame(SW_BAD_CHECKSUM))
                continue
            except FrameLengthError:
                self._write(response_frame(SW_BAD_LENGTH))
                continue
            except FrameError:
                continue
            except OSError:
                if self._stop.is_set():
                    return
                time.sleep(0.05)
                continue
            self._write(self.reader.answer_bytes(body))

    def _write(self, data: bytes) -> None:
        view = memoryview(data)
        while view and not self._stop.is_set():
            try:
                written = os.write(self._master, view)
            except OSError:
                return
            view = view[written:]

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
        for fd in (self._master, self._slave):
            if fd >= 0:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self._master = self._slave = -1

    def __enter__(self) -> PtyIdReader:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
