"""The seam between the card client and whatever carries APDUs to a card.

Two implementations: the in-process emulator (embedded default, tests) and PC/SC through
pyscard (`reader.pcsc`). The client (`reader.client`) sees only this protocol, so it works
with any card that follows CARD.md, real or emulated.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol, runtime_checkable


@runtime_checkable
class Transport(Protocol):
    """One connected card.

    ``transmit`` sends one command APDU and returns the response bytes *including* SW1 SW2,
    exactly as the card sent them (no T=0 handling here: the client does GET RESPONSE and
    6Cxx re-sends). A card that is gone raises ``reader.errors.CardRemoved``; a reader that is
    gone raises ``reader.errors.ReaderUnavailable``. A transmit whose command went out but
    whose answer never came back raises ``reader.errors.OutcomeUnknown``.
    """

    def atr(self) -> bytes: ...

    def transmit(self, apdu: bytes | bytearray) -> bytes:
        """Send one command APDU. The client passes a ``bytearray`` when the APDU holds a PIN
        and wipes it afterwards: an implementation must not keep a reference or a copy of it
        (no logging, no caching) beyond the call."""
        ...

    def transaction(self) -> AbstractContextManager[None]:
        """Hold the card exclusively for a multi-APDU operation (PC/SC transaction).

        Kept short: never held while a person types.
        """
        ...

    def control(self, code: int, data: bytes | bytearray) -> bytes:
        """SCardControl to the reader (PC/SC part 10). Raise ``NotImplementedError`` when the
        transport has no reader control at all."""
        ...
