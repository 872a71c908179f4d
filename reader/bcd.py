"""Packed BCD as the card stores it (CARD.md "Files"): dates YYYYMMDD, region codes, PINs.

Decoding strips ``F`` padding nibbles; any other non-digit nibble is a malformed answer.
"""

from __future__ import annotations

import datetime as dt

from reader.errors import MalformedResponse


def bcd_decode(data: bytes) -> str:
    """Digits of packed BCD with every ``F`` nibble stripped (``50 01 FF`` → ``"5001"``)."""
    digits: list[str] = []
    for byte in data:
        for nibble in (byte >> 4, byte & 0x0F):
            if nibble == 0x0F:
                continue
            if nibble > 9:
                raise MalformedResponse()
            digits.append(chr(0x30 + nibble))
    return "".join(digits)


def bcd_encode(digits: str, length: int | None = None) -> bytes:
    """Packed BCD of ``digits``, right-padded with ``F`` nibbles to ``length`` bytes."""
    if any(c not in "0123456789" for c in digits):
        raise ValueError("BCD takes decimal digits only")
    size = (len(digits) + 1) // 2 if length is None else length
    if len(digits) > 2 * size:
        raise ValueError("too many digits for the field")
    nibbles = [int(c) for c in digits] + [0x0F] * (2 * size - len(digits))
    return bytes((nibbles[i] << 4) | nibbles[i + 1] for i in range(0, 2 * size, 2))


def bcd_date_decode(data: bytes) -> dt.date | None:
    """A 4-byte BCD date ``YYYYMMDD``; ``None`` for an empty field (all ``00`` or ``FF``)."""
    if len(data) != 4:
        raise MalformedResponse()
    if data in (b"\x00" * 4, b"\xff" * 4):
        return None
    digits = bcd_decode(data)
    if len(digits) != 8:
        raise MalformedResponse()
    try:
        return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError as exc:
        raise MalformedResponse() from exc


def bcd_date_encode(date: dt.date) -> bytes:
    """``date`` as 4 BCD bytes ``YYYYMMDD``."""
    return bcd_encode(f"{date.year:04d}{date.month:02d}{date.day:02d}", 4)
