"""Bad input (RELIABILITY.md): property tests that add to tests/reader/test_properties.py and
tests/validation (which already feed random bytes/text to each parser and validator).

Added here:
- every refusal carries a message: a non-empty Chinese ``str()``, for card parsers and
  validators alike, and a validator never echoes a control or bidi character;
- the emulator driven by *mutated genuine sessions* (the APDUs the real client sends,
  with a byte flipped, cut, extended, dropped or repeated) — these reach the PIN, MAC and
  record handlers that random bytes rarely get past the header checks of;
- ``parse_features`` round-trips well-formed replies and the APDU redaction never shows
  the data of a PIN command;
- a combined stress over every parser and validator at a high example count (``slow``).

The same targets run under atheris (coverage-guided) in ``scripts/fuzz_atheris.py``.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from counter_app.validation import (
    ValidationError,
    check_card_number,
    normalise_name,
    parse_id_number,
    validate_name,
    validate_phone,
)
from reader import errors as e
from reader.apdu import is_secret, parse_response, redacted_hex
from reader.bcd import bcd_date_decode, bcd_decode
from reader.client import SocialSecurityCardClient
from reader.emulator.card import EmulatedCard
from reader.emulator.inprocess import InProcessTransport
from reader.identity import identity_from_records
from reader.keys import TEST_KEYS, SoftwareKeyProvider
from reader.pinbuffer import PinBuffer
from reader.pinpad import parse_features
from reader.records import decode_ascii, decode_gbk, parse_fci, parse_record, parse_tlv_sequence

TODAY = dt.date(2026, 3, 10)
CHALLENGE = bytes.fromhex("0102030405060708")
PROFILE: dict[str, Any] = {
    "card_number": "A12345674",
    "card_id_code": "500103D15600000512345678ABCDEF01",
    "card_type": "3",
    "spec_version": "3.00",
    "init_org": "500000000000000000000001",
    "issue_date": "2020-05-01",
    "expiry_date": "2030-05-01",
    "birth_date": "1985-07-15",
    "ssn": "500103198507150012",
    "name": "张三",
    "gender": "1",
    "ethnicity": "01",
    "birthplace": "500103",
    "pin": "123456",
    "pin_tries_max": 3,
    "pin_tries_left": 3,
    "app_state": "ok",
}
KNOWN_SW1 = {0x90, 0x61, 0x62, 0x63, 0x67, 0x69, 0x6A, 0x6B, 0x6C, 0x6D, 0x6E, 0x93}

BYTE_PARSERS: list[Callable[[bytes], object]] = [
    parse_record,
    parse_tlv_sequence,
    parse_fci,
    decode_gbk,
    decode_ascii,
    bcd_decode,
    bcd_date_decode,
    parse_response,
]
VALIDATORS: list[Callable[[str], object]] = [
    lambda s: parse_id_number(s, TODAY),
    validate_name,
    normalise_name,
    validate_phone,
    check_card_number,
]


def _has_han(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _check_card_error(err: e.CardError) -> None:
    text = str(err)
    assert text and _has_han(text), repr(err)


def _check_validation_error(err: ValidationError, given_text: str) -> None:
    assert err.message and _has_han(err.message), repr(err)
    assert err.field and err.code
    for ch in set(given_text):
        if unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\n":
            assert ch not in err.message, (hex(ord(ch)), err.message)


def _run_parser(parser: Callable[[bytes], object], data: bytes) -> None:
    try:
        parser(data)
    except e.MalformedResponse as err:
        _check_card_error(err)


def _run_validator(validator: Callable[[str], object], text: str) -> None:
    try:
        validator(text)
    except ValidationError as err:
        _check_validation_error(err, text)


# --------------------------------------------------------------------------- messages


@given(st.binary(max_size=96), st.sampled_from(BYTE_PARSERS))
def test_card_parser_errors_carry_a_message(data: bytes, parser: Callable[[bytes], object]) -> None:
    _run_parser(parser, data)


# Text that looks almost right: digits in both widths, X, separators, the name dots and their
# look-alikes, bidi and control characters, extension-B Han.
_NEAR = st.text(
    st.sampled_from(
        list("0123456789Xx０１２３４５６７８９Ｘｘ -·•・.。()+#转")
        + [
            "\u00b7",
            "\u2027",
            "\u30fb",
            "\u200b",
            "\u200e",
            "\u202e",
            "\u2066",
            "\u0000",
            "\u0007",
            "\t",
            "\u3000",
            "张",
            "三",
            "\U00020000",
            "\U0002a6d6",
            "A",
            "é",
        ]
    ),
    max_size=40,
)


@given(st.one_of(st.text(max_size=60), _NEAR), st.sampled_from(range(len(VALIDATORS))))
def test_validator_errors_carry_a_message_and_echo_no_control(text: str, which: int) -> None:
    _run_validator(VALIDATORS[which], text)


# --------------------------------------------------------------------------- PIN pad, APDUs


@given(st.dictionaries(st.integers(0, 255), st.integers(0, 0xFFFFFFFF), max_size=12))
def test_parse_features_round_trips_well_formed_replies(features: dict[int, int]) -> None:
    reply = b"".join(bytes((tag, 4)) + code.to_bytes(4, "big") for tag, code in features.items())
    assert parse_features(reply) == features


@given(st.binary(min_size=1, max_size=60), st.binary(max_size=6))
def test_parse_features_damaged_reply_is_no_pinpad(good: bytes, tail: bytes) -> None:
    reply = bytes((0x06, 4)) + good[:4].ljust(4, b"\0") + bytes((0x07, len(tail) % 4 + 5)) + tail
    assert parse_features(reply) == {}


@given(st.binary(max_size=300))
def test_redaction_never_shows_pin_command_data(apdu: bytes) -> None:
    shown = redacted_hex(apdu)
    assert isinstance(shown, str)
    if is_secret(apdu) and len(apdu) > 5:
        lc = apdu[4]
        data = apdu[5 : 5 + lc]
        if len(data) >= 3:  # shorter runs can occur in the header by chance
            assert data.hex().upper() not in shown[10 : 10 + 2 * lc]


# --------------------------------------------------------------------------- the emulator


def _fixed_challenge(n: int) -> bytes:
    assert n == 8
    return CHALLENGE


class _Recorder:
    def __init__(self, inner: InProcessTransport) -> None:
        self.inner = inner
        self.sent: list[bytes] = []

    def atr(self) -> bytes:
        return self.inner.atr()

    def transmit(self, apdu: bytes | bytearray) -> bytes:
        self.sent.append(bytes(apdu))
        return self.inner.transmit(apdu)

    def transaction(self) -> Any:
        return self.inner.transaction()

    def control(self, code: int, data: bytes | bytearray) -> bytes:
        return self.inner.control(code, data)


def _pin(digits: str) -> PinBuffer:
    return PinBuffer.from_keys(digits.encode("ascii"))


def _genuine_session() -> list[bytes]:
    """Every command the client sends in one full round of counter work, as sent."""
    card = EmulatedCard.from_profile(PROFILE, challenge_source=_fixed_challenge)
    recorder = _Recorder(InProcessTransport(card))
    client = SocialSecurityCardClient(recorder, SoftwareKeyProvider(TEST_KEYS))
    client.read_identity()
    client.verify(_pin("123456"))
    client.change_pin(_pin("123456"), _pin("864209"))
    with pytest.raises(e.WrongPin):
        client.verify(_pin("000000"))
    client.reload_pin(_pin("975318"))
    client.unblock_pin()
    client.block_application(permanent=False)
    client.unblock_application()
    client.pin_tries_left()
    return recorder.sent


GENUINE = _genuine_session()


@st.composite
def _mutated_sessions(draw: st.DrawFn) -> list[bytes]:
    apdus = list(GENUINE)
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(apdus) - 1))
        apdu = apdus[i]
        kind = draw(st.sampled_from(["flip", "set", "cut", "extend", "drop", "repeat", "lc"]))
        if kind == "flip" and apdu:
            j = draw(st.integers(0, len(apdu) - 1))
            apdus[i] = apdu[:j] + bytes((apdu[j] ^ (1 << draw(st.integers(0, 7))),)) + apdu[j + 1 :]
        elif kind == "set" and apdu:
            j = draw(st.integers(0, len(apdu) - 1))
            apdus[i] = apdu[:j] + bytes((draw(st.integers(0, 255)),)) + apdu[j + 1 :]
        elif kind == "cut":
            apdus[i] = apdu[: draw(st.integers(0, max(0, len(apdu) - 1)))]
        elif kind == "extend":
            apdus[i] = apdu + draw(st.binary(min_size=1, max_size=8))
        elif kind == "drop" and len(apdus) > 1:
            del apdus[i]
        elif kind == "repeat":
            apdus.insert(i, apdu)
        elif kind == "lc" and len(apdu) > 4:
            apdus[i] = apdu[:4] + bytes((draw(st.integers(0, 255)),)) + apdu[5:]
    return apdus


def _replay(apdus: list[bytes]) -> EmulatedCard:
    card = EmulatedCard.from_profile(PROFILE, challenge_source=_fixed_challenge)
    for apdu in apdus:
        answer = card.process(apdu)
        assert len(answer) >= 2 and answer[-2] in KNOWN_SW1, (apdu.hex(), answer.hex())
        if answer[-2] not in (0x90, 0x61, 0x62):
            assert len(answer) == 2, (apdu.hex(), answer.hex())
    assert 0 <= card.pin_tries_left <= card.pin_tries_max
    assert card.app_state in ("ok", "blocked", "permanently_blocked")
    return card


def test_genuine_session_replays_cleanly() -> None:
    card = _replay(GENUINE)
    assert card.app_state == "ok" and card.pin_tries_left == card.pin_tries_max


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(_mutated_sessions())
def test_emulator_survives_mutated_genuine_sessions(apdus: list[bytes]) -> None:
    _replay(apdus)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(st.binary(max_size=40), max_size=12))
def test_client_reads_identity_from_mutated_records(values: list[bytes]) -> None:
    """Record values the card might send (tags 01–0D, 4E), any bytes: a typed error with
    a message, or an identity."""
    tags = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 0x4E]
    records = dict(zip(tags, values, strict=False))
    try:
        identity_from_records(records, b"\x3b\x6d\x00\x00" + bytes(13), 3, "ok")
    except e.CardError as err:
        _check_card_error(err)


# --------------------------------------------------------------------------- stress (slow)


@pytest.mark.slow
@settings(max_examples=20000, suppress_health_check=list(HealthCheck), deadline=None)
@given(st.binary(max_size=300), st.one_of(st.text(max_size=80), _NEAR))
def test_stress_every_parser_and_validator(data: bytes, text: str) -> None:
    for parser in BYTE_PARSERS:
        _run_parser(parser, data)
    assert isinstance(parse_features(data), dict)
    redacted_hex(data)
    for validator in VALIDATORS:
        _run_validator(validator, text)
    card = EmulatedCard.from_profile(PROFILE, challenge_source=_fixed_challenge)
    answer = card.process(data)
    assert len(answer) >= 2 and answer[-2] in KNOWN_SW1


@pytest.mark.slow
@settings(max_examples=5000, suppress_health_check=list(HealthCheck), deadline=None)
@given(_mutated_sessions())
def test_stress_emulator_mutated_sessions(apdus: list[bytes]) -> None:
    _replay(apdus)
