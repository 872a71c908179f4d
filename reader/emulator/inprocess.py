"""``Transport`` straight to an ``EmulatedCard`` in this process (embedded default, tests),
with an optional simulated PIN pad (PC/SC part 10) that performs VERIFY/MODIFY against the
card so the client's PIN pad path can be exercised without hardware.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

from reader.emulator.card import EmulatedCard
from reader.errors import (
    CardRemoved,
    NoCard,
    OutcomeUnknown,
    PinEntryCancelled,
    PinEntryTimeout,
)
from reader.pinbuffer import PinBuffer
from reader.pinpad import (
    CM_IOCTL_GET_FEATURE_REQUEST,
    FEATURE_MODIFY_PIN_DIRECT,
    FEATURE_VERIFY_PIN_DIRECT,
    MODIFY_HEADER,
    VERIFY_HEADER,
    scard_ctl_code,
)

#: What the holder types on the simulated pad: called with a prompt, returns the digits in
#: a ``PinBuffer`` (wiped here after use); ``None`` or ``PinEntryCancelled`` = cancel,
#: ``PinEntryTimeout`` = no entry in time.
PinPadInput = Callable[[str], "PinBuffer | None"]

# Control codes as the CCID driver assigns them (CLASS2_IOCTL_MAGIC 0x330000 + feature).
IOCTL_VERIFY_PIN_DIRECT = scard_ctl_code(0x330000 + FEATURE_VERIFY_PIN_DIRECT)
IOCTL_MODIFY_PIN_DIRECT = scard_ctl_code(0x330000 + FEATURE_MODIFY_PIN_DIRECT)

PROMPT_PIN = "请输入社保卡密码"
PROMPT_OLD = "请输入原密码"
PROMPT_NEW = "请输入新密码"
PROMPT_CONFIRM = "请再次输入新密码"


class InProcessTransport:
    """A reader with at most one emulated card in it."""

    def __init__(self, card: EmulatedCard | None = None, pinpad: PinPadInput | None = None):
        self._card: EmulatedCard | None = None
        self._removed = False
        self._remove_during_next = False
        self._lock = threading.RLock()
        self._pinpad = pinpad
        if card is not None:
            self.insert(card)

    # -- the card slot ---------------------------------------------------------------------

    @property
    def card(self) -> EmulatedCard | None:
        return self._card

    def insert(self, card: EmulatedCard) -> None:
        with self._lock:
            self._card = card
            self._removed = False
            card.power_on()

    def remove(self) -> None:
        """Pull the card out: its security state is lost; the next transmit raises
        ``CardRemoved``, later ones ``NoCard``."""
        with self._lock:
            if self._card is not None:
                self._card.power_off()
                self._card = None
                self._removed = True

    def remove_during_next_transmit(self) -> None:
        """Test hook: the next command reaches the card, then the card is pulled before it
        answers (``OutcomeUnknown``)."""
        self._remove_during_next = True

    # -- Transport ---------------------------------------------------------------------------

    def atr(self) -> bytes:
        return self._present().atr()

    def transmit(self, apdu: bytes | bytearray) -> bytes:
        with self._lock:
            card = self._present()
            response = card.process(apdu)
            if self._remove_during_next:
                self._remove_during_next = False
                self.remove()
                self._removed = False
                raise OutcomeUnknown()
            return response

    def transaction(self) -> AbstractContextManager[None]:
        return self._transaction()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        with self._lock:
            yield

    def control(self, code: int, data: bytes | bytearray) -> bytes:
        if code == CM_IOCTL_GET_FEATURE_REQUEST:
            if self._pinpad is None:
                return b""
            return b"".join(
                bytes((feature, 4)) + ioctl.to_bytes(4, "big")
                for feature, ioctl in (
                    (FEATURE_VERIFY_PIN_DIRECT, IOCTL_VERIFY_PIN_DIRECT),
                    (FEATURE_MODIFY_PIN_DIRECT, IOCTL_MODIFY_PIN_DIRECT),
                )
            )
        if self._pinpad is not None and code == IOCTL_VERIFY_PIN_DIRECT:
            return self._pinpad_verify(bytes(data))
        if self._pinpad is not None and code == IOCTL_MODIFY_PIN_DIRECT:
            return self._pinpad_modify(bytes(data))
        raise NotImplementedError(f"control code {code:#x}")

    def _present(self) -> EmulatedCard:
        if self._card is None:
            if self._removed:
                self._removed = False
                raise CardRemoved()
            raise NoCard()
        return self._card

    # -- simulated PIN pad ---------------------------------------------------------------

    def _pinpad_verify(self, structure: bytes) -> bytes:
        if len(structure) < VERIFY_HEADER.size:
            return b"\x6b\x80"
        fields = VERIFY_HEADER.unpack_from(structure)
        fmt, extra, length = fields[2], fields[5], fields[-1]
        template = structure[VERIFY_HEADER.size :]
        if len(template) != length or len(template) < 5:
            return b"\x6b\x80"
        offset = 5 + ((fmt >> 3) & 0x0F)
        return self._with_pins(template, [(PROMPT_PIN, offset)], extra, confirm=False)

    def _pinpad_modify(self, structure: bytes) -> bytes:
        if len(structure) < MODIFY_HEADER.size:
            return b"\x6b\x80"
        fields = MODIFY_HEADER.unpack_from(structure)
        off_old, off_new, extra, confirm = fields[5:9]
        length = fields[-1]
        template = structure[MODIFY_HEADER.size :]
        if len(template) != length or len(template) < 5:
            return b"\x6b\x80"
        slots = [(PROMPT_NEW, 5 + off_new)]
        if confirm & 0x02:
            slots.insert(0, (PROMPT_OLD, 5 + off_old))
        return self._with_pins(template, slots, extra, confirm=bool(confirm & 0x01))

    def _with_pins(
        self, template: bytes, slots: list[tuple[str, int]], extra: int, *, confirm: bool
    ) -> bytes:
        """Ask the holder for each PIN, insert them as BCD, send once, wipe everything."""
        assert self._pinpad is not None
        min_digits, max_digits = extra >> 8, extra & 0xFF
        apdu = bytearray(template)
        pins: list[PinBuffer] = []
        try:
            prompts = [p for p, _ in slots] + ([PROMPT_CONFIRM] if confirm else [])
            for prompt in prompts:
                try:
                    pin = self._pinpad(prompt)
                except PinEntryTimeout:
                    return b"\x64\x00"
                except PinEntryCancelled:
                    return b"\x64\x01"
                if pin is None:
                    return b"\x64\x01"
                pins.append(pin)
                if not min_digits <= len(pin) <= max_digits:
                    return b"\x64\x03"
            if confirm and not pins[-1].matches(pins[-2]):
                return b"\x64\x02"
            for pin, (_, offset) in zip(pins, slots, strict=False):
                if offset + pin.bcd_length > len(apdu):
                    return b"\x6b\x80"
                pin.bcd(apdu, offset)
            with self._lock:
                return self._present().process(apdu)
        finally:
            for i in range(len(apdu)):
                apdu[i] = 0
            for pin in pins:
                pin.wipe()
