"""The social security card's command set (CARD.md) over any ``Transport``.

Promises: T=0 handled everywhere (``61xx`` → GET RESPONSE, ``6Cxx`` → re-send with the
right Le, but never a re-send of a PIN); every status word becomes a typed error from
``reader.errors``; a PIN is never retried; PIN bytes exist only in a ``bytearray`` for the
one APDU that needs them and are wiped after, together with that APDU. Each public method
runs in one transport transaction and selects SSSE first, so no state from an earlier
operation is relied on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reader import apdu as a
from reader.errors import (
    ApplicationBlocked,
    CardChanged,
    KeySourceError,
    MalformedResponse,
    NewPinRefused,
    NotSocialSecurityCard,
    PinLengthInvalid,
    PinPadUnavailable,
)
from reader.identity import APP_BLOCKED, APP_OK, CardIdentity, identity_from_records
from reader.keys import KeyProvider, KeyPurpose
from reader.pinbuffer import MAX_DIGITS, MIN_DIGITS, PinBuffer
from reader.pinpad import PIN_BLOCK_BYTES, SecurePinPad
from reader.records import SSSE_AID, Fci, parse_fci, parse_record
from reader.transport import Transport

ApduTrace = Callable[[str], None]

EF05 = (0x05, b"\xef\x05")  # (SFI, file id)
EF06 = (0x06, b"\xef\x06")
RECORDS_PER_FILE = 7  # CARD.md record table
_MAX_GET_RESPONSE = 16
#: Answers to a READ RECORD by SFI from a card that does not support it: fall back to
#: SELECT EF + READ RECORD of the current EF.
_NO_SFI = {0x6A81, 0x6A82, 0x6A86, 0x6986, 0x6B00}
_NOT_SSSE = {0x6A81, 0x6A82, 0x6D00, 0x6E00}


@dataclass(frozen=True)
class SelectResult:
    fci: Fci
    app_blocked: bool  # SELECT answered 6283: temporarily blocked, still readable


class SocialSecurityCardClient:
    """One card behind ``transport``; ``key_provider`` is needed only for the authorised
    commands (RELOAD/UNBLOCK PIN, APPLICATION BLOCK/UNBLOCK). ``apdu_trace`` receives
    ``"> "``+command hex and ``"< "``+response hex, PIN command data shown as ``XX``."""

    def __init__(
        self,
        transport: Transport,
        key_provider: KeyProvider | None = None,
        apdu_trace: ApduTrace | None = None,
    ) -> None:
        self._transport = transport
        self._keys = key_provider
        self._trace = apdu_trace

    def with_keys(self, key_provider: KeyProvider) -> SocialSecurityCardClient:
        """A client on the same reader and card that makes MACs with ``key_provider`` (the
        issuer's keys configured for this workstation; CARD.md "Authorised commands")."""
        return SocialSecurityCardClient(self._transport, key_provider, self._trace)

    def pin_pad(self) -> SecurePinPad | None:
        """The PIN pad of the reader this client talks through (PC/SC part 10), or None when
        the reader has none. Card thread only, like every other call."""
        return SecurePinPad.detect(self._transport)

    # -- reading ------------------------------------------------------------------------

    def select(self) -> SelectResult:
        """SELECT SSSE by AID. ``6283`` → ``app_blocked``; ``9303`` →
        ``ApplicationPermanentlyBlocked``; not found → ``NotSocialSecurityCard``."""
        resp = self._exchange(a.command(0x00, a.INS_SELECT, 0x04, 0x00, SSSE_AID))
        if resp.sw in _NOT_SSSE:
            raise NotSocialSecurityCard(sw=resp.sw)
        if resp.sw not in (a.SW_OK, 0x6283):
            a.raise_for_status(resp.sw)
        fci = parse_fci(resp.data)
        if fci.aid is not None and fci.aid != SSSE_AID:
            raise NotSocialSecurityCard()
        return SelectResult(fci, resp.sw == 0x6283)

    def read_identity(self) -> CardIdentity:
        """Everything CARD.md's identity JSON holds, in one transaction (17 APDUs on a card
        that follows CARD.md)."""
        with self._transport.transaction():
            selected = self.select()
            values = self._read_file(*EF05)
            values.update(self._read_file(*EF06))
            tries = self._tries_left_or_none()
            atr = self._transport.atr()
        blocked = selected.app_blocked or tries is None
        return identity_from_records(values, atr, tries, APP_BLOCKED if blocked else APP_OK)

    def pin_tries_left(self) -> int:
        """Tries left before the PIN blocks (0 when blocked), without spending one."""
        with self._transport.transaction():
            self.select()
            tries = self._tries_left_or_none()
        if tries is None:
            raise ApplicationBlocked()
        return tries

    # -- PIN --------------------------------------------------------------------------------

    def verify(self, pin: PinBuffer) -> None:
        """VERIFY once. ``WrongPin(tries_left)`` / ``PinBlocked`` / ``ApplicationBlocked``."""
        _check_length(pin)
        with self._transport.transaction():
            self._select_for_pin()
            resp = self._send_secret(bytes((0x00, a.INS_VERIFY, 0x00, 0x00)), [pin])
        a.raise_for_status(resp.sw)

    def change_pin(self, old: PinBuffer, new: PinBuffer) -> None:
        """CHANGE PIN ``80 5E 01 00 Lc old FF new``. The workstation judges weak PINs
        (RULES P7) before calling; the card refuses them too (``6A80`` →
        ``NewPinRefused``)."""
        _check_length(old)
        _check_length(new)
        with self._transport.transaction():
            self._select_for_pin()
            header = bytes((0x80, a.INS_CHANGE_RELOAD, 0x01, 0x00))
            resp = self._send_secret(header, [old, b"\xff", new])
        _raise_for_new_pin(resp.sw)

    def reload_pin(self, new: PinBuffer, expect_card_id: str | None = None) -> None:
        """RELOAD PIN (RULES P5): GET CHALLENGE then ``80 5E 00 00 Lc new MAC``."""
        _check_length(new)
        self._authorised(
            KeyPurpose.RELOAD, (0x80, a.INS_CHANGE_RELOAD, 0x00, 0x00), new, expect_card_id
        )

    def unblock_pin(self, expect_card_id: str | None = None) -> None:
        """UNBLOCK PIN (RULES P6): counter back to its limit, PIN unchanged."""
        self._authorised(
            KeyPurpose.UNBLOCK, (0x84, a.INS_UNBLOCK_PIN, 0x00, 0x00), None, expect_card_id
        )

    def block_application(self, permanent: bool, expect_card_id: str | None = None) -> None:
        """APPLICATION BLOCK, temporary (``P2=00``) or permanent (``P2=01``)."""
        p2 = 0x01 if permanent else 0x00
        self._authorised(KeyPurpose.MAINT, (0x84, a.INS_APP_BLOCK, 0x00, p2), None, expect_card_id)

    def unblock_application(self, expect_card_id: str | None = None) -> None:
        """APPLICATION UNBLOCK: lifts a temporary block."""
        self._authorised(
            KeyPurpose.MAINT, (0x84, a.INS_APP_UNBLOCK, 0x00, 0x00), None, expect_card_id
        )

    # -- PIN pad (PIN never on the PC) ------------------------------------------------------

    def verify_on_pinpad(self, pinpad: SecurePinPad, *, timeout_s: int = 30) -> None:
        """VERIFY with the PIN typed on the reader's pad.

        SSSE is selected in a short transaction and the pad's single control call follows
        outside it: a transaction is never held while a person types (transport.py).
        """
        if not pinpad.can_verify:
            raise PinPadUnavailable()
        with self._transport.transaction():
            self._select_for_pin()
        template = bytes((0x00, a.INS_VERIFY, 0x00, 0x00, PIN_BLOCK_BYTES)) + b"\xff" * 3
        self._trace_line("> [PIN pad] " + a.redacted_hex(template))
        resp = a.parse_response(pinpad.verify(template, timeout_s=timeout_s))
        self._trace_line("< " + a.sw_hex(resp.sw))
        a.raise_for_status(resp.sw)

    def change_pin_on_pinpad(self, pinpad: SecurePinPad, *, timeout_s: int = 60) -> None:
        """CHANGE PIN with old, new and confirmation typed on the reader's pad."""
        if not pinpad.can_modify:
            raise PinPadUnavailable()
        with self._transport.transaction():
            self._select_for_pin()
        n = PIN_BLOCK_BYTES
        template = bytes((0x80, a.INS_CHANGE_RELOAD, 0x01, 0x00, 2 * n + 1)) + b"\xff" * (2 * n + 1)
        self._trace_line("> [PIN pad] " + a.redacted_hex(template))
        resp = a.parse_response(pinpad.modify(template, 0, n + 1, timeout_s=timeout_s))
        self._trace_line("< " + a.sw_hex(resp.sw))
        _raise_for_new_pin(resp.sw)  # the weak-PIN refusal is the card's alone here

    # -- internals --------------------------------------------------------------------------

    def _select_for_pin(self) -> None:
        # A temporarily blocked SSSE refuses PIN commands (6985): say so without sending it.
        if self.select().app_blocked:
            raise ApplicationBlocked()

    def _tries_left_or_none(self) -> int | None:
        """VERIFY with no data: ``63Cx`` → x, ``6983`` → 0, ``6985`` → ``None``."""
        resp = self._exchange(bytes((0x00, a.INS_VERIFY, 0x00, 0x00)))
        if resp.sw & 0xFFF0 == 0x63C0:
            return resp.sw & 0x0F
        if resp.sw == 0x6983:
            return 0
        if resp.sw == 0x6985:
            return None
        raise a.error_for_status(resp.sw) if resp.sw != a.SW_OK else MalformedResponse()

    def _read_file(self, sfi: int, fid: bytes) -> dict[int, bytes]:
        """Records 1–7 of one EF, by SFI (no SELECT needed) or, for a card that refuses
        that, by SELECT + current EF. Keyed by tag, so a missing record (e.g. no 4E) only
        shifts the numbering. Stops at ``6A83``."""
        values: dict[int, bytes] = {}
        p2 = (sfi << 3) | 0x04
        for number in range(1, RECORDS_PER_FILE + 1):
            resp = self._exchange(a.command(0x00, a.INS_READ_RECORD, number, p2, le=0))
            if number == 1 and p2 != 0x04 and resp.sw in _NO_SFI:
                self._select_ef(fid)
                p2 = 0x04
                resp = self._exchange(a.command(0x00, a.INS_READ_RECORD, number, p2, le=0))
            if resp.sw == 0x6A83 and number > 1:
                break
            a.raise_for_status(resp.sw)
            record = parse_record(resp.data)
            values.setdefault(record.tag, record.value)
        return values

    def _select_ef(self, fid: bytes) -> None:
        resp = self._exchange(a.command(0x00, a.INS_SELECT, 0x02, 0x00, fid))
        if resp.sw == 0x6A82:
            raise NotSocialSecurityCard(sw=resp.sw)
        a.raise_for_status(resp.sw)

    def _card_id(self) -> bytes:
        p2 = (EF05[0] << 3) | 0x04
        resp = self._exchange(a.command(0x00, a.INS_READ_RECORD, 0x01, p2, le=0))
        if resp.sw in _NO_SFI:
            self._select_ef(EF05[1])
            resp = self._exchange(a.command(0x00, a.INS_READ_RECORD, 0x01, 0x04, le=0))
        a.raise_for_status(resp.sw)
        value = parse_record(resp.data, expected_tag=0x01).value
        if len(value) != 16:
            raise MalformedResponse()
        return value

    def _authorised(
        self,
        purpose: KeyPurpose,
        header: tuple[int, int, int, int],
        new_pin: PinBuffer | None,
        expect_card_id: str | None,
    ) -> None:
        """GET CHALLENGE, then the MAC'd command; nothing else may come between (the
        challenge is good for the next command only, CARD.md)."""
        if self._keys is None:
            raise KeySourceError()
        n = 0 if new_pin is None else new_pin.bcd_length
        message = bytearray(5 + n)
        message[:4] = bytes(header)
        message[4] = n + 4
        apdu = bytearray()
        try:
            with self._transport.transaction():
                self.select()
                card_id = self._card_id()
                if expect_card_id is not None and card_id.hex().upper() != expect_card_id.upper():
                    raise CardChanged()
                resp = self._exchange(a.command(0x00, a.INS_GET_CHALLENGE, 0x00, 0x00, le=8))
                a.raise_for_status(resp.sw)
                if len(resp.data) != 8:
                    raise MalformedResponse()
                if new_pin is not None:
                    new_pin.bcd(message, 5)
                mac = self._keys.mac(purpose, card_id, resp.data, message)
                apdu.extend(message)
                apdu.extend(mac)
                resp = self._exchange(apdu, secret=True)
        finally:
            _wipe(message)
            _wipe(apdu)
        if new_pin is not None:
            _raise_for_new_pin(resp.sw)
        a.raise_for_status(resp.sw)

    def _send_secret(self, header: bytes, parts: Sequence[PinBuffer | bytes]) -> a.Response:
        """One APDU whose data holds PINs; built in a bytearray that is wiped after."""
        lc = sum(p.bcd_length if isinstance(p, PinBuffer) else len(p) for p in parts)
        apdu = bytearray(5 + lc)
        apdu[:4] = header
        apdu[4] = lc
        try:
            pos = 5
            for part in parts:
                if isinstance(part, PinBuffer):
                    pos += part.bcd(apdu, pos)
                else:
                    apdu[pos : pos + len(part)] = part
                    pos += len(part)
            return self._exchange(apdu, secret=True)
        finally:
            _wipe(apdu)

    def _exchange(self, apdu: bytes | bytearray, *, secret: bool = False) -> a.Response:
        """Send with T=0 handling. A command carrying a PIN is never sent twice."""
        resp = self._transmit(apdu)
        if resp.sw1 == 0x6C and not secret:
            resp = self._transmit(a.with_le(bytes(apdu), resp.sw2))
        data = resp.data
        rounds = 0
        while resp.sw1 == 0x61:
            rounds += 1
            if rounds > _MAX_GET_RESPONSE:
                raise MalformedResponse()
            resp = self._transmit(a.get_response(resp.sw2))
            if resp.sw1 == 0x6C:
                resp = self._transmit(a.get_response(resp.sw2))
            data += resp.data
        return a.Response(data, resp.sw)

    def _transmit(self, apdu: bytes | bytearray) -> a.Response:
        self._trace_line("> " + a.redacted_hex(apdu))
        resp = a.parse_response(self._transport.transmit(apdu))
        self._trace_line("< " + resp.data.hex().upper() + a.sw_hex(resp.sw))
        return resp

    def _trace_line(self, line: str) -> None:
        if self._trace is not None:
            self._trace(line)


def _raise_for_new_pin(sw: int) -> None:
    """After CHANGE PIN / RELOAD PIN: ``6A80`` is the card refusing a weak new PIN (CARD.md
    "Password"); anything else as usual."""
    if sw == 0x6A80:
        raise NewPinRefused()
    a.raise_for_status(sw)


def _check_length(pin: PinBuffer) -> None:
    if not MIN_DIGITS <= len(pin) <= MAX_DIGITS:
        raise PinLengthInvalid()


def _wipe(buf: bytearray) -> None:
    for i in range(len(buf)):
        buf[i] = 0
