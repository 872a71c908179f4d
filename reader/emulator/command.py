"""Command APDUs as the card model receives them: short-APDU cases and header checks.

Any byte string becomes either a ``Command`` or a ``CardStatus`` to answer (``6700``,
``6D00``, ``6E00``); nothing here raises anything else.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass


class CardStatus(Exception):
    """Answer the command with this status word and no data."""

    def __init__(self, sw: int) -> None:
        self.sw = sw


@dataclass(frozen=True)
class Command:
    cla: int
    ins: int
    p1: int
    p2: int
    data: bytes
    le: int | None

    @property
    def header_lc(self) -> bytes:
        return bytes((self.cla, self.ins, self.p1, self.p2, len(self.data)))


def response(sw: int, data: bytes = b"") -> bytes:
    return data + bytes((sw >> 8, sw & 0xFF))


def parse_command(
    apdu: bytes, known: Collection[tuple[int, int]], clas: Collection[int]
) -> Command:
    """Header checks (CLA → 6E00, INS → 6D00) then the short-APDU length cases (6700)."""
    if len(apdu) < 4:
        raise CardStatus(0x6700)
    cla, ins, p1, p2 = apdu[:4]
    if cla not in clas:
        raise CardStatus(0x6E00)
    if ins not in {i for _, i in known}:
        raise CardStatus(0x6D00)
    if (cla, ins) not in known:
        raise CardStatus(0x6E00)
    body = apdu[4:]
    if not body:
        return Command(cla, ins, p1, p2, b"", None)
    if len(body) == 1:
        return Command(cla, ins, p1, p2, b"", body[0])
    lc = body[0]
    if lc == 0:
        raise CardStatus(0x6700)  # extended length: not supported
    if len(body) == 1 + lc:
        return Command(cla, ins, p1, p2, body[1:], None)
    if len(body) == 2 + lc:
        return Command(cla, ins, p1, p2, body[1:-1], body[-1])
    raise CardStatus(0x6700)
