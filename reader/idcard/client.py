"""The resident ID card reader client: IDCARD.md commands over a serial port (pyserial).

One command at a time: the input is cleared, the command frame written, one reply frame
read within the reader's time (1 s; reading the card 3 s) and its SW3 checked. Every failure
is an :class:`~reader.idcard.errors.IdCardError` with a Chinese message: a reply that never
comes, comes in pieces, comes late, carries noise or a bad checksum, or a port that vanishes
mid-read. Nothing here logs; the photo goes to the caller in a ``bytearray`` it wipes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from reader.idcard.card import IdCardData
from reader.idcard.errors import (
    FrameLengthError,
    IdCardError,
    IdReaderDisconnected,
    IdReaderNotFound,
    NoIdCard,
    status_error,
)
from reader.idcard.frames import Response, command_frame, parse_response, read_frame
from reader.idcard.placement import (
    POLL_INTERVAL,
    IdCardNotPlaced,
    IdCardWaitCancelled,
    wait_seconds,
)
from reader.idcard.samid import SAM_ID_LEN, format_sam_id
from reader.idcard.textblock import TEXT_LEN, parse_text

BAUD_RATES = (115200, 9600)
COMMAND_TIMEOUT = 1.0  # IDCARD.md "Transport": the reader answers within 1 s
READ_TIMEOUT = 3.0  # reading the card: within 3 s

SW_DONE, SW_FOUND = 0x90, 0x9F
POLL = 0.05  # one wait on the port; the frame's deadline bounds the whole

RESET_SAM, SAM_STATUS, SAM_ID = (0x10, 0xFF), (0x11, 0xFF), (0x12, 0xFF)
FIND_CARD, SELECT_CARD = (0x20, 0x01), (0x20, 0x02)
READ_TEXT_PHOTO, READ_WITH_FINGERPRINTS = (0x30, 0x01), (0x30, 0x10)
READ_NEWEST_ADDRESS = (0x30, 0x03)


class SerialLike(Protocol):
    """The part of ``serial.Serial`` the client uses."""

    timeout: float | None

    def read(self, size: int = 1) -> bytes: ...

    def write(self, data: bytes, /) -> int | None: ...

    def flush(self) -> None: ...

    def reset_input_buffer(self) -> None: ...

    def close(self) -> None: ...


class SerialSource:
    """A :class:`~reader.idcard.frames.ByteSource` over a serial port; an OS or serial
    error (the reader unplugged, the emulator gone) is :class:`IdReaderDisconnected`."""

    def __init__(self, port: SerialLike) -> None:
        self.port = port

    def read(self, size: int, timeout: float) -> bytes:
        # pyserial reconfigures the port (tcsetattr) on every change of ``timeout``: wait in
        # slices of one fixed length and let the caller's deadline decide when to stop.
        wait = min(timeout, POLL)
        try:
            if self.port.timeout != wait:
                self.port.timeout = wait
            return bytes(self.port.read(size))
        except Exception as exc:  # serial.SerialException, OSError, termios.error
            raise IdReaderDisconnected() from exc

    def send(self, data: bytes) -> None:
        try:
            self.port.reset_input_buffer()  # a late reply to an earlier command is not ours
            self.port.write(data)
            self.port.flush()
        except Exception as exc:
            raise IdReaderDisconnected() from exc


@dataclass(frozen=True)
class Blocks:
    text: bytes
    photo: bytearray
    fingerprints: int  # how many fingerprint bytes the card held (they are not kept)


class IdCardClient:
    """One reader on one open port. Use :func:`open_reader` to open by path."""

    def __init__(
        self,
        port: SerialLike,
        *,
        path: str = "",
        baudrate: int = 0,
        timeout: float = COMMAND_TIMEOUT,
        read_timeout: float = READ_TIMEOUT,
    ) -> None:
        self._source = SerialSource(port)
        self.port = port
        self.path = path
        self.baudrate = baudrate
        self.timeout = timeout
        self.read_timeout = read_timeout
        self._sam_id = ""

    # --- frames --------------------------------------------------------------------

    def transceive(
        self, cmd: tuple[int, int], data: bytes = b"", timeout: float | None = None
    ) -> Response:
        self._source.send(command_frame(cmd[0], cmd[1], data))
        body = read_frame(self._source, self.timeout if timeout is None else timeout)
        return parse_response(body)

    def _command(
        self, cmd: tuple[int, int], expect: int = SW_DONE, timeout: float | None = None
    ) -> bytes:
        response = self.transceive(cmd, timeout=timeout)
        if response.sw3 != expect:
            raise status_error(response.sw3)
        return response.data

    # --- SAM -----------------------------------------------------------------------

    def reset_sam(self) -> None:
        self._command(RESET_SAM)

    def sam_status(self) -> None:
        """Raises unless the SAM reports ``90`` (e.g. ``60`` self-test failed)."""
        self._command(SAM_STATUS)

    def sam_id(self) -> str:
        """The SAM ID, formatted ``AA.BB-CCCCCCCC-DDDDDDDDDD-EEEEEEEEEE`` (read once)."""
        if not self._sam_id:
            data = self._command(SAM_ID)
            if len(data) != SAM_ID_LEN:
                raise FrameLengthError()
            self._sam_id = format_sam_id(data)
        return self._sam_id

    # --- the card --------------------------------------------------------------------

    def find_card(self) -> None:
        self._command(FIND_CARD, expect=SW_FOUND)

    def select_card(self) -> None:
        self._command(SELECT_CARD)

    def read_blocks(self, fingerprints: bool = False) -> Blocks:
        """Text and photo (``30 01``), or with fingerprints (``30 10``); lengths checked
        against the reply's own TL/PL/FL. The fingerprints are counted, never kept."""
        cmd = READ_WITH_FINGERPRINTS if fingerprints else READ_TEXT_PHOTO
        data = self._command(cmd, timeout=self.read_timeout)
        heads = 3 if fingerprints else 2
        if len(data) < 2 * heads:
            raise FrameLengthError()
        sizes = [int.from_bytes(data[2 * i : 2 * i + 2], "big") for i in range(heads)]
        if sizes[0] != TEXT_LEN or len(data) != 2 * heads + sum(sizes):
            raise FrameLengthError()
        at = 2 * heads
        text = data[at : at + sizes[0]]
        photo = bytearray(data[at + sizes[0] : at + sizes[0] + sizes[1]])
        return Blocks(text, photo, sizes[2] if fingerprints else 0)

    def newest_address(self) -> str:
        """``30 03``: the newest address (70 bytes UCS-2LE); ``91`` when the card has none
        (:class:`~reader.idcard.errors.NoSuchContent`)."""
        data = self._command(READ_NEWEST_ADDRESS, timeout=self.read_timeout)
        if len(data) != 70:
            raise FrameLengthError()
        try:
            return data.decode("utf-16-le").strip(" \x00")
        except UnicodeDecodeError as exc:
            raise FrameLengthError() from exc

    def read_card(self, fingerprints: bool = False) -> IdCardData:
        """Find → select → read → parse (IDCARD.md); the SAM ID is attached."""
        sam = self.sam_id()
        self.find_card()
        self.select_card()
        blocks = self.read_blocks(fingerprints)
        try:
            return parse_text(blocks.text, sam_id=sam, photo=blocks.photo)
        finally:
            for i in range(len(blocks.photo)):
                blocks.photo[i] = 0

    def read_when_placed(
        self,
        polls: int,
        interval: float = POLL_INTERVAL,
        stop: Callable[[], bool] = lambda: False,
        *,
        sleep: Callable[[float], object] = time.sleep,
        polled: Callable[[int], None] | None = None,
    ) -> IdCardData:
        """Find card every ``interval`` seconds, at most ``polls`` times, until a card is
        on the reader, then read it (a clerk's "请将身份证放在阅读器上" wait). No card
        after the last poll: :class:`~reader.idcard.placement.IdCardNotPlaced`; ``stop()``
        true: :class:`~reader.idcard.placement.IdCardWaitCancelled` (both are
        ``NoIdCard``). Any other error ends the wait at once.

        ``stop`` is asked before every find and after every pause, never in the middle of
        a command: a stopped wait leaves no reply half-read on the port. ``sleep`` is the
        pause (a :class:`~reader.idcard.placement.PlacementWait`'s ends when it is
        cancelled); ``polled(left)`` hears each find that found no card."""
        polls = max(1, polls)
        for attempt in range(polls):
            if stop():
                raise IdCardWaitCancelled()
            try:
                return self.read_card()
            except NoIdCard:
                left = polls - attempt - 1
                if polled is not None:
                    polled(left)
                if left and not stop():
                    sleep(interval)
        if stop():
            raise IdCardWaitCancelled()
        raise IdCardNotPlaced(seconds=wait_seconds(polls, interval))

    def close(self) -> None:
        try:
            self.port.close()
        except Exception:  # closing a vanished device: nothing left to do
            return


def _open_serial(path: str, baudrate: int) -> Any:
    import serial

    try:
        return serial.Serial(
            path,
            baudrate=baudrate,
            bytesize=8,
            parity="N",
            stopbits=1,
            xonxoff=False,
            rtscts=False,
            dsrdtr=False,
            timeout=COMMAND_TIMEOUT,
        )
    except Exception as exc:  # no such port, permission denied: never the driver's text
        raise IdReaderNotFound() from exc


def open_reader(
    path: str,
    bauds: Sequence[int] = BAUD_RATES,
    timeout: float = COMMAND_TIMEOUT,
    read_timeout: float = READ_TIMEOUT,
) -> IdCardClient:
    """Open ``path`` at 115200 baud, then 9600 (IDCARD.md "Transport"), keeping the first
    rate at which the reader answers SAM status with a well-formed frame (whatever its SW3:
    a SAM that failed its self-test is still the reader, and the caller hears why)."""
    for baud in bauds:
        client = IdCardClient(
            _open_serial(path, baud),
            path=path,
            baudrate=baud,
            timeout=timeout,
            read_timeout=read_timeout,
        )
        try:
            client.transceive(SAM_STATUS)
        except IdReaderDisconnected:
            client.close()
            raise
        except IdCardError:
            client.close()
            continue
        return client
    raise IdReaderNotFound()
