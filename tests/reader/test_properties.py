"""Property tests: any bytes to any parser, any APDU to the card, any answer to the client —
a typed error or a result, never a crash; no PIN digits in any error or repr."""

from __future__ import annotations

import datetime as dt
from contextlib import nullcontext
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader import errors as e
from reader.apdu import parse_response
from reader.bcd import bcd_date_decode, bcd_date_encode, bcd_decode, bcd_encode
from reader.cardnumber import card_number_check_char, card_number_is_valid
from reader.client import SocialSecurityCardClient
from reader.emulator.card import EmulatedCard
from reader.emulator.inprocess import InProcessTransport
from reader.identity import atr_history, identity_from_records
from reader.keys import TEST_KEYS, KeyPurpose, SoftwareKeyProvider
from reader.pinbuffer import PinBuffer
from reader.pinpad import parse_features
from reader.records import decode_ascii, decode_gbk, parse_fci, parse_record, parse_tlv_sequence
from reader.sm4mac import derive_card_key, sm4_mac

from .cardkit import fixed_challenge, make_profile, pin

PARSERS = [
    parse_record,
    parse_tlv_sequence,
    parse_fci,
    decode_gbk,
    decode_ascii,
    bcd_decode,
    bcd_date_decode,
    parse_response,
]
SELECT = bytes.fromhex("00A404000F7378312E73682EC9E7BBE1B1A3D5CF")


@given(st.binary(max_size=80), st.sampled_from(PARSERS))
def test_parsers_raise_only_malformed(data: bytes, parser: Any) -> None:
    try:
        parser(data)
    except e.MalformedResponse:
        pass


@given(st.binary(max_size=40))
def test_feature_and_atr_parsers_never_raise(data: bytes) -> None:
    assert isinstance(parse_features(data), dict)
    assert isinstance(atr_history(data), bytes)


@given(
    st.dictionaries(
        st.sampled_from([1, 2, 3, 4, 5, 6, 7, 8, 9, 0x4E, 10, 11, 12, 13]), st.binary(max_size=32)
    )
)
def test_identity_from_random_records(values: dict[int, bytes]) -> None:
    try:
        ident = identity_from_records(values, b"\x3b\x6d\x00\x00" + bytes(13), 3, "ok")
    except e.MalformedResponse:
        return
    assert set(ident.to_json_dict()) >= {"card_number", "name", "app_state"}


@given(st.text(alphabet="0123456789", max_size=24))
def test_bcd_round_trip(digits: str) -> None:
    assert bcd_decode(bcd_encode(digits)) == digits


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_bcd_date_round_trip(date: dt.date) -> None:
    assert bcd_date_decode(bcd_date_encode(date)) == date


@given(st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=8, max_size=8))
def test_card_number_check_char_property(first8: str) -> None:
    check = card_number_check_char(first8)
    assert card_number_is_valid(first8 + check)
    others = [c for c in "0123456789X" if c != check]
    assert not any(card_number_is_valid(first8 + c) for c in others)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    st.lists(
        st.one_of(
            st.binary(max_size=24),
            st.builds(
                lambda ins, p1, p2, body: bytes((0x00, ins, p1, p2)) + body,
                st.sampled_from([0xA4, 0xB2, 0x20, 0x84, 0xC0]),
                st.integers(0, 255),
                st.integers(0, 255),
                st.binary(max_size=20),
            ),
            st.builds(
                lambda cla, ins, body: bytes((cla, ins, 0, 0)) + body,
                st.sampled_from([0x80, 0x84]),
                st.sampled_from([0x5E, 0x24, 0x1E, 0x18]),
                st.binary(max_size=12),
            ),
            st.just(SELECT),
            st.just(bytes.fromhex("0084000008")),
        ),
        max_size=25,
    )
)
def test_emulator_answers_every_apdu(apdus: list[bytes]) -> None:
    card = EmulatedCard.from_profile(make_profile(), challenge_source=fixed_challenge)
    for apdu in apdus:
        answer = card.process(apdu)
        assert len(answer) >= 2
        sw1 = answer[-2]
        assert sw1 in (0x90, 0x61, 0x62, 0x63, 0x67, 0x69, 0x6A, 0x6C, 0x6D, 0x6E, 0x93)
        if sw1 != 0x90:
            assert len(answer) == 2  # only success carries data
    assert 0 <= card.pin_tries_left <= card.pin_tries_max
    assert card.app_state in ("ok", "blocked", "permanently_blocked")


class RandomCard:
    """A transport answering from a list of random responses."""

    def __init__(self, answers: list[bytes]) -> None:
        self.answers = answers

    def atr(self) -> bytes:
        return b"\x3b"

    def transmit(self, apdu: bytes | bytearray) -> bytes:
        return self.answers.pop(0) if self.answers else b"\x6f\x00"

    def transaction(self) -> Any:
        return nullcontext()

    def control(self, code: int, data: bytes | bytearray) -> bytes:
        raise NotImplementedError


_ANSWER = st.one_of(
    st.binary(max_size=40),
    st.builds(
        lambda data, sw: data + sw,
        st.binary(max_size=40),
        st.sampled_from(
            [
                b"\x90\x00",
                b"\x61\x1b",
                b"\x6c\x05",
                b"\x62\x83",
                b"\x63\xc1",
                b"\x6a\x83",
                b"\x69\x85",
            ]
        ),
    ),
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    st.lists(_ANSWER, max_size=30),
    st.sampled_from(
        [
            "read_identity",
            "pin_tries_left",
            "verify",
            "change_pin",
            "reload_pin",
            "unblock_pin",
            "block_application",
            "unblock_application",
        ]
    ),
)
def test_client_survives_any_answers(answers: list[bytes], operation: str) -> None:
    client = SocialSecurityCardClient(RandomCard(answers), SoftwareKeyProvider(TEST_KEYS))
    calls: dict[str, Any] = {
        "read_identity": lambda: client.read_identity(),
        "pin_tries_left": lambda: client.pin_tries_left(),
        "verify": lambda: client.verify(pin("864209")),
        "change_pin": lambda: client.change_pin(pin("864209"), pin("975318")),
        "reload_pin": lambda: client.reload_pin(pin("975318")),
        "unblock_pin": lambda: client.unblock_pin(),
        "block_application": lambda: client.block_application(permanent=False),
        "unblock_application": lambda: client.unblock_application(),
    }
    try:
        calls[operation]()
    except e.CardError as err:
        assert "864209" not in str(err) and "975318" not in str(err)


@given(
    st.binary(min_size=8, max_size=8),
    st.binary(min_size=8, max_size=8),
    st.sampled_from(list(KeyPurpose)),
    st.binary(max_size=40),
)
def test_provider_and_card_agree_on_macs(
    unique: bytes, challenge: bytes, purpose: KeyPurpose, message: bytes
) -> None:
    card_id = bytes.fromhex("500103D156000005") + unique
    provider = SoftwareKeyProvider(TEST_KEYS)
    expected = sm4_mac(derive_card_key(TEST_KEYS[purpose], card_id), challenge, message)
    assert provider.mac(purpose, card_id, challenge, message) == expected
    assert len(expected) == 4


@given(st.lists(st.one_of(st.integers(0, 9), st.just("del"), st.just("clear")), max_size=30))
def test_pin_buffer_keystrokes(keys: list[int | str]) -> None:
    model: list[int] = []
    with PinBuffer() as buf:
        for key in keys:
            if key == "del":
                buf.delete()
                model = model[:-1]
            elif key == "clear":
                buf.clear()
                model = []
            else:
                assert isinstance(key, int)
                if buf.append(key):
                    model.append(key)
        assert len(buf) == len(model) <= 12
        out = bytearray(buf.bcd_length)
        buf.bcd(out)
        assert bcd_decode(bytes(out)) == "".join(map(str, model))
        assert repr(buf) == f"<PinBuffer {len(model)} digits>"
    assert len(buf) == 0


@settings(max_examples=50, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
)
def test_no_pin_digits_in_errors(real: str, typed: str) -> None:
    card = EmulatedCard.from_profile(make_profile(pin=real, pin_tries_left=1))
    client = SocialSecurityCardClient(InProcessTransport(card))
    try:
        client.verify(pin(typed))
    except e.CardError as err:
        assert real != typed
        for text in (str(err), repr(err), str(err.args)):
            assert typed not in text and real not in text
    else:
        assert real == typed
