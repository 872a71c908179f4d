"""Holder PIN entry: the software keypad seam and the reader's own PIN pad (PC/SC part 10).

With a PIN pad the PIN never enters the PC: the reader takes an APDU template, inserts the
digits the holder types and sends it to the card (``FEATURE_VERIFY_PIN_DIRECT`` /
``FEATURE_MODIFY_PIN_DIRECT``). This card's PIN is 6 digits in 3 bytes of packed BCD.
"""

from __future__ import annotations

import struct
import sys
from collections.abc import Mapping
from typing import Protocol

from reader.errors import CardError, PinPadUnavailable
from reader.pinbuffer import PinBuffer
from reader.transport import Transport

FEATURE_VERIFY_PIN_DIRECT = 0x06
FEATURE_MODIFY_PIN_DIRECT = 0x07

PIN_DIGITS = 6  # RULES P1
PIN_BLOCK_BYTES = 3
LANG_ZH_CN = 0x0804

#: bmFormatString: byte units (bit 7), PIN at position 0, left justified, BCD (``01``).
FORMAT_BCD_BYTES = 0x81
#: bmPINBlockString: no length field, 3-byte PIN block.
PIN_BLOCK_STRING = PIN_BLOCK_BYTES
ENTRY_VALIDATION_KEY = 0x02  # the holder presses the OK key

VERIFY_HEADER = struct.Struct("<BBBBBHBBHB3sI")  # PIN_VERIFY_STRUCTURE without abData
MODIFY_HEADER = struct.Struct("<BBBBBBBHBBBHBBB3sI")  # PIN_MODIFY_STRUCTURE without abData


def scard_ctl_code(code: int, platform: str = sys.platform) -> int:
    """``SCARD_CTL_CODE(code)`` of pcsc-lite (``0x42000000 + code``) or of WinSCard."""
    if platform.startswith("win"):
        return (0x31 << 16) | (code << 2)
    return 0x42000000 + code


CM_IOCTL_GET_FEATURE_REQUEST = scard_ctl_code(3400)


class PinSource(Protocol):
    """The holder-facing software keypad (RULES Q1). Returns a buffer the caller wipes;
    raises ``PinEntryCancelled`` / ``PinEntryTimeout``."""

    def read_pin(self, prompt: str) -> PinBuffer: ...


def parse_features(reply: bytes) -> dict[int, int]:
    """The ``GET_FEATURE_REQUEST`` reply: ``tag(1) 04 control-code(4, big endian)`` items.

    Anything malformed means "no PIN pad": an empty mapping, never an exception.
    """
    features: dict[int, int] = {}
    pos = 0
    while pos < len(reply):
        if pos + 2 > len(reply):
            return {}
        tag, length = reply[pos], reply[pos + 1]
        if length != 4 or pos + 6 > len(reply):
            return {}
        features[tag] = int.from_bytes(reply[pos + 2 : pos + 6], "big")
        pos += 6
    return features


def verify_structure(apdu_template: bytes, *, timeout_s: int = 30) -> bytes:
    """PIN_VERIFY_STRUCTURE for a 6-digit BCD PIN at the start of the APDU data."""
    header = VERIFY_HEADER.pack(
        timeout_s,
        timeout_s,
        FORMAT_BCD_BYTES,
        PIN_BLOCK_STRING,
        0x00,
        (PIN_DIGITS << 8) | PIN_DIGITS,
        ENTRY_VALIDATION_KEY,
        0x01,
        LANG_ZH_CN,
        0x00,
        b"\x00\x00\x00",
        len(apdu_template),
    )
    return header + apdu_template


def modify_structure(
    apdu_template: bytes, offset_old: int, offset_new: int, *, timeout_s: int = 30
) -> bytes:
    """PIN_MODIFY_STRUCTURE: old PIN, new PIN and its confirmation typed on the pad;
    offsets are in bytes from the start of the APDU data."""
    header = MODIFY_HEADER.pack(
        timeout_s,
        timeout_s,
        FORMAT_BCD_BYTES,
        PIN_BLOCK_STRING,
        0x00,
        offset_old,
        offset_new,
        (PIN_DIGITS << 8) | PIN_DIGITS,
        0x03,
        ENTRY_VALIDATION_KEY,
        0x03,
        LANG_ZH_CN,
        0x00,
        0x01,
        0x02,
        b"\x00\x00\x00",
        len(apdu_template),
    )
    return header + apdu_template


class SecurePinPad:
    """The reader's PIN pad. ``verify``/``modify`` return the card's response APDU (or the
    pad's own ``64xx``); ``reader.client`` turns status words into errors."""

    def __init__(self, transport: Transport, features: Mapping[int, int]) -> None:
        self._transport = transport
        self._features = dict(features)

    @classmethod
    def detect(cls, transport: Transport) -> SecurePinPad | None:
        """The reader's PIN pad, or ``None`` when it has none (or will not say)."""
        try:
            reply = transport.control(CM_IOCTL_GET_FEATURE_REQUEST, b"")
        except (NotImplementedError, CardError):
            return None
        features = parse_features(reply)
        if FEATURE_VERIFY_PIN_DIRECT not in features:
            return None
        return cls(transport, features)

    @property
    def can_verify(self) -> bool:
        return FEATURE_VERIFY_PIN_DIRECT in self._features

    @property
    def can_modify(self) -> bool:
        return FEATURE_MODIFY_PIN_DIRECT in self._features

    def verify(self, apdu_template: bytes, *, timeout_s: int = 30) -> bytes:
        code = self._code(FEATURE_VERIFY_PIN_DIRECT)
        return self._transport.control(code, verify_structure(apdu_template, timeout_s=timeout_s))

    def modify(
        self, apdu_template: bytes, offset_old: int, offset_new: int, *, timeout_s: int = 30
    ) -> bytes:
        code = self._code(FEATURE_MODIFY_PIN_DIRECT)
        structure = modify_structure(apdu_template, offset_old, offset_new, timeout_s=timeout_s)
        return self._transport.control(code, structure)

    def _code(self, feature: int) -> int:
        code = self._features.get(feature)
        if code is None:
            raise PinPadUnavailable()
        return code

    def __repr__(self) -> str:
        return f"<SecurePinPad features={sorted(self._features)}>"
