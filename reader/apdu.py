"""Command APDUs (ISO 7816-4 short form) and status-word helpers.

Building only: nothing here talks to a card. ``redacted_hex`` is the one way an APDU may
reach a debug trace: the data of commands that carry a PIN (or its MAC) is masked.
"""

from __future__ import annotations

from dataclasses import dataclass

from reader.errors import (
    ApplicationBlocked,
    ApplicationPermanentlyBlocked,
    BadMac,
    MalformedResponse,
    NoChallenge,
    PinBlocked,
    PinEntryCancelled,
    PinEntryTimeout,
    PinLengthInvalid,
    PinMismatch,
    RecordNotFound,
    SecurityNotSatisfied,
    StatusWordError,
    UnexpectedStatus,
    WrongLength,
    WrongPin,
)

SW_OK = 0x9000

# Instruction bytes of CARD.md
INS_SELECT = 0xA4
INS_READ_RECORD = 0xB2
INS_VERIFY = 0x20
INS_CHANGE_RELOAD = 0x5E
INS_GET_CHALLENGE = 0x84
INS_UNBLOCK_PIN = 0x24
INS_APP_BLOCK = 0x1E
INS_APP_UNBLOCK = 0x18
INS_GET_RESPONSE = 0xC0

#: Commands whose data is a PIN (or a MAC over one) and is never shown in a trace.
_SECRET_DATA = {(0x00, INS_VERIFY), (0x80, INS_CHANGE_RELOAD), (0x84, INS_UNBLOCK_PIN)}


@dataclass(frozen=True)
class Response:
    """A response APDU split into its data and its status word."""

    data: bytes
    sw: int

    @property
    def sw1(self) -> int:
        return self.sw >> 8

    @property
    def sw2(self) -> int:
        return self.sw & 0xFF

    @property
    def ok(self) -> bool:
        return self.sw == SW_OK


def parse_response(raw: bytes) -> Response:
    """Split ``data || SW1 SW2``; fewer than two bytes is a malformed answer."""
    if len(raw) < 2:
        raise MalformedResponse()
    return Response(bytes(raw[:-2]), (raw[-2] << 8) | raw[-1])


def command(
    cla: int, ins: int, p1: int, p2: int, data: bytes = b"", le: int | None = None
) -> bytes:
    """A short command APDU: header, optional ``Lc || data``, optional Le (0–255, 0 = all)."""
    for value in (cla, ins, p1, p2):
        if not 0 <= value <= 0xFF:
            raise ValueError("APDU header byte out of range")
    if len(data) > 255:
        raise ValueError("short APDU data is at most 255 bytes")
    out = bytes((cla, ins, p1, p2))
    if data:
        out += bytes((len(data),)) + bytes(data)
    if le is not None:
        if not 0 <= le <= 0xFF:
            raise ValueError("Le out of range")
        out += bytes((le,))
    return out


def with_le(apdu: bytes, le: int) -> bytes:
    """The same command with its Le set to ``le`` (T=0 ``6Cxx`` re-send, CARD.md)."""
    if len(apdu) < 4:
        raise ValueError("APDU shorter than its header")
    if len(apdu) == 4:
        return bytes(apdu) + bytes((le,))
    if len(apdu) == 5:  # case 2: header + Le
        return bytes(apdu[:4]) + bytes((le,))
    lc = apdu[4]
    if len(apdu) == 5 + lc:  # case 3: add an Le
        return bytes(apdu) + bytes((le,))
    return bytes(apdu[: 5 + lc]) + bytes((le,))  # case 4: replace the Le


def get_response(length: int) -> bytes:
    """GET RESPONSE ``00 C0 00 00 xx`` after a ``61xx``."""
    return command(0x00, INS_GET_RESPONSE, 0x00, 0x00, le=length)


def is_secret(apdu: bytes | bytearray) -> bool:
    """Whether the APDU's data holds a PIN or a MAC over one (never traced in clear)."""
    return len(apdu) >= 2 and (apdu[0], apdu[1]) in _SECRET_DATA


def redacted_hex(apdu: bytes | bytearray) -> str:
    """Upper-case hex of a command APDU with the data of PIN commands shown as ``XX``."""
    if is_secret(apdu) and len(apdu) > 5:
        lc = apdu[4]
        return bytes(apdu[:5]).hex().upper() + "XX" * lc + bytes(apdu[5 + lc :]).hex().upper()
    return bytes(apdu).hex().upper()


def sw_hex(sw: int) -> str:
    """``0x6A82`` → ``"6A82"``."""
    return f"{sw:04X}"


def error_for_status(sw: int) -> StatusWordError:
    """The typed error for a status word that is not success (CARD.md, PC/SC part 10)."""
    if sw & 0xFFF0 == 0x63C0:
        tries = sw & 0x0F
        return WrongPin(tries) if tries else PinBlocked()
    known = _ERRORS.get(sw)
    if known is not None:
        return known()
    return UnexpectedStatus(sw)


def raise_for_status(sw: int) -> None:
    """Return on ``9000``; raise the typed error otherwise."""
    if sw != SW_OK:
        raise error_for_status(sw)


_ERRORS: dict[int, type[StatusWordError]] = {
    0x6983: PinBlocked,
    0x6985: ApplicationBlocked,
    0x6283: ApplicationBlocked,
    0x9303: ApplicationPermanentlyBlocked,
    0x6988: BadMac,
    0x6984: NoChallenge,
    0x6982: SecurityNotSatisfied,
    0x6A83: RecordNotFound,
    0x6700: WrongLength,
    0x6400: PinEntryTimeout,
    0x6401: PinEntryCancelled,
    0x6402: PinMismatch,
    0x6403: PinLengthInvalid,
}
