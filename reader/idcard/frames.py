"""The GA 467 SAM frames of IDCARD.md "Frames", both directions.

Command:  ``AA AA AA 96 69`` · LEN (2, BE) · CMD · PARA · DATA · CHK
Response: ``AA AA AA 96 69`` · LEN (2, BE) · SW1 SW2 SW3 · DATA · CHK

LEN counts the bytes after it, CHK included; CHK is the XOR of every byte from the first LEN
byte to the last byte before CHK. :func:`read_frame` collects one frame from a byte source
that may deliver it in pieces, skips garbage before the header, and turns a bad checksum, an
impossible length or a frame cut short into a typed error; every wait has a deadline, so a
silent or vanished reader never hangs the caller.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from reader.idcard.errors import (
    FrameChecksumError,
    FrameError,
    FrameLengthError,
    FrameTruncated,
    IdReaderTimeout,
)

HEADER = bytes.fromhex("AAAAAA9669")
#: The longest frame body accepted. The largest reply of IDCARD.md (text, photo and
#: fingerprints: 3 + 6 + 256 + 1024 + 1024 + 1) is well below; anything longer is noise.
MAX_LEN = 4096
#: Bytes of noise tolerated before a header before the reply is called garbage.
MAX_GARBAGE = 4096


class ByteSource(Protocol):
    """Where frames come from: ``read`` returns up to ``size`` bytes, or ``b""`` when
    ``timeout`` seconds passed with nothing; a vanished device raises an error."""

    def read(self, size: int, timeout: float) -> bytes: ...


def checksum(data: bytes) -> int:
    value = 0
    for byte in data:
        value ^= byte
    return value


def _frame(body: bytes) -> bytes:
    length = (len(body) + 1).to_bytes(2, "big")
    return HEADER + length + body + bytes([checksum(length + body)])


def command_frame(cmd: int, para: int, data: bytes = b"") -> bytes:
    """The bytes of one command (IDCARD.md "Frames")."""
    return _frame(bytes([cmd, para]) + data)


def response_frame(sw3: int, data: bytes = b"") -> bytes:
    """The bytes of one reply: SW1 SW2 are ``00 00``."""
    return _frame(bytes([0, 0, sw3]) + data)


@dataclass(frozen=True)
class Command:
    cmd: int
    para: int
    data: bytes


@dataclass(frozen=True)
class Response:
    sw3: int
    data: bytes


def parse_command(body: bytes) -> Command:
    """A command from a frame body (between LEN and CHK)."""
    if len(body) < 2:
        raise FrameLengthError()
    return Command(body[0], body[1], bytes(body[2:]))


def parse_response(body: bytes) -> Response:
    """A reply from a frame body; SW1 SW2 other than ``00 00`` is a malformed reply."""
    if len(body) < 3:
        raise FrameLengthError()
    if body[0] != 0 or body[1] != 0:
        raise FrameError()
    return Response(body[2], bytes(body[3:]))


class _Deadline:
    def __init__(self, timeout: float, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._end = clock() + timeout

    def left(self) -> float:
        return max(0.0, self._end - self._clock())


def _read_exact(source: ByteSource, size: int, deadline: _Deadline, started: bool) -> bytes:
    """``size`` bytes, however many reads they take. Running out of time is a frame cut
    short once a header was seen (``started``), or no answer at all before."""
    parts: list[bytes] = []
    got = 0
    while got < size:
        left = deadline.left()
        chunk = source.read(size - got, left) if left > 0 else b""
        if not chunk:
            if left > 0:
                continue  # a short read before the deadline: wait on
            raise FrameTruncated() if started or got else IdReaderTimeout()
        parts.append(chunk)
        got += len(chunk)
    return b"".join(parts)


def read_frame(
    source: ByteSource, timeout: float, clock: Callable[[], float] = time.monotonic
) -> bytes:
    """One frame's body (the bytes after LEN, before CHK), checksum verified.

    Raises :class:`IdReaderTimeout` when no header arrived within ``timeout`` seconds,
    :class:`FrameTruncated` when a frame started but did not finish in time,
    :class:`FrameLengthError` for a LEN that no frame can have, :class:`FrameChecksumError`
    for a bad CHK, and :class:`FrameError` for more noise than any reader sends.
    """
    deadline = _Deadline(timeout, clock)
    window = b""
    skipped = 0
    while window != HEADER:
        # read as much as could complete the header; keep the longest tail that may start it
        window += _read_exact(
            source, len(HEADER) - len(window), deadline, started=skipped > 0 or bool(window)
        )
        while not HEADER.startswith(window):
            window = window[1:]
            skipped += 1
        if skipped > MAX_GARBAGE:
            raise FrameError()
    length_bytes = _read_exact(source, 2, deadline, started=True)
    length = int.from_bytes(length_bytes, "big")
    if length < 2 or length > MAX_LEN:
        raise FrameLengthError()
    rest = _read_exact(source, length, deadline, started=True)
    body, chk = rest[:-1], rest[-1]
    if checksum(length_bytes + body) != chk:
        raise FrameChecksumError()
    return body
