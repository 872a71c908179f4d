"""The card of CARD.md as a Python model, byte for byte.

``process`` takes any byte string and always answers with a response APDU (data + SW):
malformed commands get ``6700``/``6D00``/``6E00``/``6A86``, never an exception. Variants for
tests (a card that answers ``6Cxx``, pads names with ``20``…) are built around this model in
the tests, never by changing what it does here (CARD.md preamble).

Emulator choices where CARD.md is silent: READ RECORD / VERIFY with no current EF or
application answer ``6986``; GET RESPONSE with nothing pending answers ``6985``; after a
``61xx`` the warning ``6283`` of a blocked SSSE comes with the FCI in GET RESPONSE; once
SSSE is permanently blocked, every further command to it in the same session answers
``9303`` too.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable, Mapping
from typing import Any

from reader.bcd import bcd_decode, bcd_encode
from reader.emulator.command import CardStatus, Command, parse_command, response
from reader.emulator.profile import KEY_NAMES, records_from_profile
from reader.errors import CardUnresponsive
from reader.keys import TEST_KEYS, KeyPurpose
from reader.records import SSSE_AID
from reader.sm4mac import derive_card_key, sm4_mac

ATR_PREFIX = bytes.fromhex("3B6D0000")
ATR_HISTORY_PREFIX = bytes.fromhex("0081544C968684")
FCI = bytes.fromhex("6F19840F") + SSSE_AID + bytes.fromhex("A5069F0C03860103")

#: The profile keys whose values commands change (CHANGE/RELOAD PIN, VERIFY, UNBLOCK,
#: APPLICATION BLOCK/UNBLOCK); the rest of a profile is fixed at personalisation.
CHANGEABLE_KEYS = ("pin", "pin_tries_left", "app_state")

_MF, _SSSE = "MF", "SSSE"
_EF05, _EF06 = b"\xef\x05", b"\xef\x06"
_SFI = {0x05: _EF05, 0x06: _EF06}
_CLAS = {0x00, 0x80, 0x84}


def _triesresponse(tries: int) -> int:
    return 0x6983 if tries == 0 else 0x63C0 | tries


def _pin_digits(pin: bytes) -> list[int] | None:
    """The digits of 4–12 BCD digits with only a final ``F`` nibble as padding, else None."""
    if not 2 <= len(pin) <= 6:
        return None
    nibbles = [n for b in pin for n in (b >> 4, b & 0x0F)]
    if nibbles[-1] == 0x0F:
        nibbles.pop()
    if len(nibbles) < 4 or not all(n <= 9 for n in nibbles):
        return None
    return nibbles


def _valid_pin_bcd(pin: bytes) -> bool:
    """4–12 BCD digits, only a final ``F`` nibble as padding."""
    return _pin_digits(pin) is not None


def _checked_new_pin(pin: bytes) -> bytes:
    """CARD.md "Password": a new PIN that is not 4–12 BCD digits, or is weak (``123456``,
    all digits equal, a straight run up or down) → ``6A80``, nothing changes, no try spent.
    The same judgement as the workstation's (``PinBuffer.is_weak``, RULES P7), made here
    because a PIN typed on the reader's PIN pad never reaches the workstation."""
    digits = _pin_digits(pin)
    if digits is None:
        raise CardStatus(0x6A80)
    steps = {b - a for a, b in zip(digits, digits[1:], strict=False)}
    if digits == [1, 2, 3, 4, 5, 6] or steps in ({0}, {1}, {-1}):
        raise CardStatus(0x6A80)
    return pin


class EmulatedCard:
    """One social security card. Persistent state: records, PIN, counter, application
    state, keys; volatile (lost on reset/power off): selection, PIN verified, challenge,
    pending GET RESPONSE data.

    Of the persistent state, commands change only the PIN, the counter and the application
    state (:data:`CHANGEABLE_KEYS`). ``on_change(card)`` — when given — is called after
    every command that changed one of them and before its answer goes back, as a real
    card writes its EEPROM before it answers: the emulated chip's non-volatile memory
    (``reader.emulator.chipmemory``) keeps it across a restart of the emulator.
    """

    def __init__(
        self,
        profile: Mapping[str, Any],
        challenge_source: Callable[[int], bytes] | None = None,
        *,
        on_change: Callable[[EmulatedCard], None] | None = None,
    ) -> None:
        ef05, ef06 = records_from_profile(profile)  # validates
        self._records = {_EF05: ef05, _EF06: ef06}
        self._identity = {
            k: v
            for k, v in profile.items()
            if k
            not in (
                "pin",
                "pin_tries_max",
                "pin_tries_left",
                "app_state",
                "keys",
                "region_code",
                "atr_history",
            )
        }
        self._card_id = bytes.fromhex(profile["card_id_code"])
        self._pin = bcd_encode(str(profile.get("pin", "123456")))
        self.pin_tries_max: int = int(profile.get("pin_tries_max", 3))
        self.pin_tries_left: int = int(profile.get("pin_tries_left", self.pin_tries_max))
        self.app_state: str = str(profile.get("app_state", "ok"))
        self._keys_hex: dict[str, str] = dict(profile.get("keys", {}))
        masters = {
            p: bytes.fromhex(self._keys_hex[p.value]) if p.value in self._keys_hex else TEST_KEYS[p]
            for p in KeyPurpose
        }
        self._card_keys = {p: derive_card_key(k, self._card_id) for p, k in masters.items()}
        self._random = challenge_source or secrets.token_bytes
        self._on_change = on_change
        self._powered = True
        self.reset()

    @classmethod
    def from_profile(
        cls,
        profile: Mapping[str, Any],
        challenge_source: Callable[[int], bytes] | None = None,
        *,
        on_change: Callable[[EmulatedCard], None] | None = None,
    ) -> EmulatedCard:
        return cls(profile, challenge_source, on_change=on_change)

    @property
    def card_id_code(self) -> str:
        """卡识别码 as 32 upper-case hex digits: which card this is."""
        return self._card_id.hex().upper()

    def changeable_state(self) -> dict[str, Any]:
        """The state commands change (:data:`CHANGEABLE_KEYS`) as profile values — the PIN
        among them: for the emulated chip's own memory only, never for a log or a message."""
        return {
            "pin": bcd_decode(self._pin),
            "pin_tries_left": self.pin_tries_left,
            "app_state": self.app_state,
        }

    def to_profile(self) -> dict[str, Any]:
        """The profile of the card as it is now (PIN, counter and state included)."""
        out: dict[str, Any] = dict(self._identity)
        out["pin"] = bcd_decode(self._pin)
        out["pin_tries_max"] = self.pin_tries_max
        out["pin_tries_left"] = self.pin_tries_left
        out["app_state"] = self.app_state
        if self._keys_hex:
            out["keys"] = {k: self._keys_hex[k] for k in KEY_NAMES if k in self._keys_hex}
        return out

    # -- power ------------------------------------------------------------------------------

    def atr(self) -> bytes:
        return ATR_PREFIX + ATR_HISTORY_PREFIX + self._card_id[:3] + self._card_id[8:11]

    @property
    def powered(self) -> bool:
        return self._powered

    @property
    def pin_verified(self) -> bool:
        return self._verified

    def power_on(self) -> bytes:
        self._powered = True
        return self.reset()

    def power_off(self) -> None:
        self._powered = False
        self.reset()

    def reset(self) -> bytes:
        """Warm reset: the security state and selection are lost. Returns the ATR."""
        self._df: str | None = _MF
        self._ef: bytes | None = None
        self._verified = False
        self._challenge: bytes | None = None
        self._pending: tuple[bytes, int] | None = None
        return self.atr()

    # -- commands ---------------------------------------------------------------------------

    def process(self, apdu: bytes | bytearray) -> bytes:
        """One command APDU in, one response APDU out (``on_change`` called first when the
        command changed the PIN, the counter or the application state)."""
        if not self._powered:
            raise CardUnresponsive()
        before = (self._pin, self.pin_tries_left, self.app_state)
        answer = self._answer(apdu)
        if self._on_change is not None and before != (
            self._pin,
            self.pin_tries_left,
            self.app_state,
        ):
            self._on_change(self)
        return answer

    def _answer(self, apdu: bytes | bytearray) -> bytes:
        challenge, self._challenge = self._challenge, None  # any command consumes it
        pending, self._pending = self._pending, None
        try:
            cmd = parse_command(bytes(apdu), _KNOWN, _CLAS)
            if (cmd.cla, cmd.ins) == _GET_RESPONSE:
                return self._get_response(cmd, pending)
            if self._dead_app() and (cmd.cla, cmd.ins) not in _OUTSIDE_APP:
                raise CardStatus(0x9303)  # blocked for good in this very session
            return _HANDLERS[(cmd.cla, cmd.ins)](self, cmd, challenge)
        except CardStatus as status:
            return response(status.sw)

    def _dead_app(self) -> bool:
        return self._df == _SSSE and self.app_state == "permanently_blocked"

    def _get_response(self, cmd: Command, pending: tuple[bytes, int] | None) -> bytes:
        if cmd.p1 or cmd.p2:
            raise CardStatus(0x6A86)
        if cmd.data or cmd.le is None:
            raise CardStatus(0x6700)
        if pending is None:
            raise CardStatus(0x6985)
        data, sw = pending
        if cmd.le not in (0, len(data)):
            self._pending = pending
            raise CardStatus(0x6C00 | len(data))
        return response(sw, data)

    def _select(self, cmd: Command, _challenge: bytes | None) -> bytes:
        if cmd.p2 != 0x00:
            raise CardStatus(0x6A86)
        if not cmd.data:
            raise CardStatus(0x6700)
        if cmd.p1 == 0x04:
            if cmd.data != SSSE_AID:
                raise CardStatus(0x6A82)
            if self.app_state == "permanently_blocked":
                raise CardStatus(0x9303)
            self._df, self._ef, self._verified = _SSSE, None, False
            self._pending = (FCI, 0x6283 if self.app_state == "blocked" else 0x9000)
            return response(0x6100 | len(FCI))
        if cmd.p1 not in (0x00, 0x02):
            raise CardStatus(0x6A86)
        if len(cmd.data) != 2:
            raise CardStatus(0x6700)
        if cmd.p1 == 0x00 and cmd.data == b"\x3f\x00":
            self._df, self._ef, self._verified = _MF, None, False
            return response(0x9000)
        if cmd.data in self._records and self._df == _SSSE:
            self._ef = cmd.data
            return response(0x9000)
        raise CardStatus(0x6A82)

    def _read_record(self, cmd: Command, _challenge: bytes | None) -> bytes:
        if cmd.data or cmd.le is None:
            raise CardStatus(0x6700)
        sfi, low = cmd.p2 >> 3, cmd.p2 & 0x07
        if cmd.p2 == 0x00:  # by tag, current EF
            records = self._current_records()
            found = [r for r in records if r[0] == cmd.p1]
            if not found:
                raise CardStatus(0x6A83)
            record = found[0]
        elif low == 0x04:
            if sfi:
                fid = _SFI.get(sfi)
                if fid is None or self._df != _SSSE:
                    raise CardStatus(0x6A82)
                self._ef = fid
            records = self._current_records()
            if cmd.p1 == 0:
                raise CardStatus(0x6A86)
            if cmd.p1 > len(records):
                raise CardStatus(0x6A83)
            record = records[cmd.p1 - 1]
        else:
            raise CardStatus(0x6A86)
        if cmd.le not in (0, len(record)):
            raise CardStatus(0x6C00 | len(record))
        return response(0x9000, record)

    def _current_records(self) -> list[bytes]:
        if self._df != _SSSE or self._ef is None:
            raise CardStatus(0x6986)
        return self._records[self._ef]

    def _verify(self, cmd: Command, _challenge: bytes | None) -> bytes:
        if cmd.p1 or cmd.p2:
            raise CardStatus(0x6A86)
        if not cmd.data and cmd.le == 0:
            # ``00 20 00 00 00``: the T=0 form of "tries left" (an empty Lc) — CARD.md.
            cmd = Command(cmd.cla, cmd.ins, cmd.p1, cmd.p2, b"", None)
        self._require_pin_context(cmd)
        if not cmd.data:
            return response(_triesresponse(self.pin_tries_left))
        if not _valid_pin_bcd(cmd.data):
            raise CardStatus(0x6A80)  # not 4–12 BCD digits: no try spent (CARD.md)
        return response(self._check_pin(cmd.data))

    def _require_pin_context(self, cmd: Command) -> None:
        if self._df != _SSSE:
            raise CardStatus(0x6986)
        if cmd.le is not None:
            raise CardStatus(0x6700)
        if self.app_state == "blocked":
            raise CardStatus(0x6985)

    def _check_pin(self, candidate: bytes) -> int:
        """Compare, spending a try when wrong; the SW to answer."""
        if self.pin_tries_left == 0:
            return 0x6983
        if hmac.compare_digest(candidate, self._pin):
            self.pin_tries_left = self.pin_tries_max
            self._verified = True
            return 0x9000
        self.pin_tries_left -= 1
        self._verified = False
        return _triesresponse(self.pin_tries_left)

    def _change_or_reload(self, cmd: Command, challenge: bytes | None) -> bytes:
        if cmd.p2 != 0x00 or cmd.p1 not in (0x00, 0x01):
            raise CardStatus(0x6A86)
        if cmd.p1 == 0x01:
            self._require_pin_context(cmd)
            sep = cmd.data.find(b"\xff")
            if sep < 0:
                raise CardStatus(0x6700)
            old, new = cmd.data[:sep], cmd.data[sep + 1 :]
            if not _valid_pin_bcd(old):
                raise CardStatus(0x6A80)
            new = _checked_new_pin(new)  # before the old PIN is judged: no try spent
            sw = self._check_pin(old)
            if sw == 0x9000:
                self._pin = new
            return response(sw)
        self._require_app(cmd)
        if not _valid_pin_bcd(cmd.data[:-4]):
            raise CardStatus(0x6A80)
        # The MAC first (an authorised command proves its origin before anything else),
        # then the weak-PIN refusal: nothing changes either way.
        self._check_mac(cmd, challenge, KeyPurpose.RELOAD)
        new = _checked_new_pin(cmd.data[:-4])
        self._pin = new
        self.pin_tries_left = self.pin_tries_max
        return response(0x9000)

    def _require_app(self, cmd: Command, mac_only: bool = False) -> None:
        if self._df != _SSSE:
            raise CardStatus(0x6986)
        if cmd.le is not None or len(cmd.data) < 4 or (mac_only and len(cmd.data) != 4):
            raise CardStatus(0x6700)

    def _check_mac(self, cmd: Command, challenge: bytes | None, purpose: KeyPurpose) -> None:
        if challenge is None:
            raise CardStatus(0x6984)
        message = cmd.header_lc + cmd.data[:-4]
        expected = sm4_mac(self._card_keys[purpose], challenge, message)
        if not hmac.compare_digest(expected, cmd.data[-4:]):
            raise CardStatus(0x6988)

    def _get_challenge(self, cmd: Command, _challenge: bytes | None) -> bytes:
        if cmd.p1 or cmd.p2:
            raise CardStatus(0x6A86)
        if cmd.data or cmd.le != 8:
            raise CardStatus(0x6700)
        challenge = bytes(self._random(8))
        if len(challenge) != 8:
            raise CardStatus(0x6F00)
        self._challenge = challenge
        return response(0x9000, challenge)

    def _unblock_pin(self, cmd: Command, challenge: bytes | None) -> bytes:
        if cmd.p1 or cmd.p2:
            raise CardStatus(0x6A86)
        self._require_app(cmd, mac_only=True)
        self._check_mac(cmd, challenge, KeyPurpose.UNBLOCK)
        self.pin_tries_left = self.pin_tries_max
        return response(0x9000)

    def _app_block(self, cmd: Command, challenge: bytes | None) -> bytes:
        if cmd.p1 or cmd.p2 not in (0x00, 0x01):
            raise CardStatus(0x6A86)
        self._require_app(cmd, mac_only=True)
        self._check_mac(cmd, challenge, KeyPurpose.MAINT)
        if cmd.p2 == 0x01:
            self.app_state = "permanently_blocked"
        elif self.app_state == "ok":
            self.app_state = "blocked"
        self._verified = False
        return response(0x9000)

    def _app_unblock(self, cmd: Command, challenge: bytes | None) -> bytes:
        if cmd.p1 or cmd.p2:
            raise CardStatus(0x6A86)
        self._require_app(cmd, mac_only=True)
        self._check_mac(cmd, challenge, KeyPurpose.MAINT)
        if self.app_state == "blocked":
            self.app_state = "ok"
        return response(0x9000)

    def __repr__(self) -> str:
        return f"<EmulatedCard {self._card_id.hex().upper()} app={self.app_state}>"


_Handler = Callable[[EmulatedCard, Command, "bytes | None"], bytes]

_HANDLERS: dict[tuple[int, int], _Handler] = {
    (0x00, 0xA4): EmulatedCard._select,
    (0x00, 0xB2): EmulatedCard._read_record,
    (0x00, 0x20): EmulatedCard._verify,
    (0x80, 0x5E): EmulatedCard._change_or_reload,
    (0x00, 0x84): EmulatedCard._get_challenge,
    (0x84, 0x24): EmulatedCard._unblock_pin,
    (0x84, 0x1E): EmulatedCard._app_block,
    (0x84, 0x18): EmulatedCard._app_unblock,
}
_GET_RESPONSE = (0x00, 0xC0)  # needs the pending data: handled in ``process``
_KNOWN = set(_HANDLERS) | {_GET_RESPONSE}
_OUTSIDE_APP = {(0x00, 0xA4), (0x00, 0x84)}  # SELECT, GET CHALLENGE
