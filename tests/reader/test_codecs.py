"""BCD, card number check character, TLV/FCI parsing, identity JSON (CARD.md)."""

from __future__ import annotations

import datetime as dt

import pytest

from reader import apdu as a
from reader.bcd import bcd_date_decode, bcd_date_encode, bcd_decode, bcd_encode
from reader.cardnumber import card_number_check_char, card_number_is_valid
from reader.errors import MalformedResponse, UnexpectedStatus, WrongPin
from reader.identity import JSON_KEYS, CardIdentity, atr_history, identity_from_records
from reader.records import (
    SSSE_AID,
    decode_ascii,
    decode_gbk,
    parse_fci,
    parse_record,
    parse_tlv_sequence,
)

# --- BCD ----------------------------------------------------------------------------------


def test_bcd_strips_f_nibbles() -> None:
    assert bcd_decode(bytes.fromhex("5001FF")) == "5001"
    assert bcd_decode(bytes.fromhex("12345F")) == "12345"


def test_bcd_rejects_non_digit_nibbles() -> None:
    with pytest.raises(MalformedResponse):
        bcd_decode(bytes.fromhex("1A"))


def test_bcd_encode_pads_with_f() -> None:
    assert bcd_encode("12345") == bytes.fromhex("12345F")
    assert bcd_encode("5001", 3) == bytes.fromhex("5001FF")
    with pytest.raises(ValueError):
        bcd_encode("1234567", 3)
    with pytest.raises(ValueError):
        bcd_encode("12a4")


def test_bcd_date_round_trip_and_empty() -> None:
    assert bcd_date_decode(bytes.fromhex("19850715")) == dt.date(1985, 7, 15)
    assert bcd_date_encode(dt.date(2030, 5, 1)) == bytes.fromhex("20300501")
    assert bcd_date_decode(b"\x00" * 4) is None
    assert bcd_date_decode(b"\xff" * 4) is None


@pytest.mark.parametrize("raw", ["20231301", "20230230", "2023", "2023010101"])
def test_bcd_date_invalid_is_malformed(raw: str) -> None:
    with pytest.raises(MalformedResponse):
        bcd_date_decode(bytes.fromhex(raw))


# --- card number (CARD.md "Client rules") ------------------------------------------------


def test_card_number_check_char_hand_computed() -> None:
    # A=10: 10*3 + 1*7 + 2*9 + 3*10 + 4*5 + 5*8 + 6*4 + 7*2 = 183; 183 mod 11 = 7; 11-7 = 4
    assert card_number_check_char("A1234567") == "4"
    assert card_number_is_valid("A12345674")
    assert not card_number_is_valid("A12345675")


def test_card_number_check_char_10_is_x_and_11_is_0() -> None:
    assert card_number_check_char("00000006") == "X"  # sum 12, mod 11 = 1, 11-1 = 10
    assert card_number_check_char("00000000") == "0"  # sum 0, 11-0 = 11
    assert card_number_is_valid("00000006X")


@pytest.mark.parametrize("bad", ["", "A1234567", "a12345674", "A1234567 4", "A12345-74"])
def test_card_number_invalid_shapes(bad: str) -> None:
    assert not card_number_is_valid(bad)


def test_card_number_check_char_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        card_number_check_char("A123456")
    with pytest.raises(ValueError):
        card_number_check_char("a1234567")


# --- TLV records --------------------------------------------------------------------------


def test_parse_record_and_trailing_padding() -> None:
    rec = parse_record(bytes.fromhex("0201330000"))
    assert (rec.tag, rec.value) == (0x02, b"3")


@pytest.mark.parametrize("raw", ["", "01", "0105AABB"])
def test_parse_record_short_is_malformed(raw: str) -> None:
    with pytest.raises(MalformedResponse):
        parse_record(bytes.fromhex(raw))


def test_parse_record_wrong_tag() -> None:
    with pytest.raises(MalformedResponse):
        parse_record(bytes.fromhex("020133"), expected_tag=0x01)


def test_parse_tlv_sequence() -> None:
    items = parse_tlv_sequence(bytes.fromhex("0101AA0200"))
    assert [(i.tag, i.value) for i in items] == [(1, b"\xaa"), (2, b"")]
    with pytest.raises(MalformedResponse):
        parse_tlv_sequence(bytes.fromhex("0102AA"))


def test_gbk_names_strip_00_and_20_padding() -> None:
    name = "张三".encode("gbk")
    assert decode_gbk(name + b"\x00" * 26) == "张三"
    assert decode_gbk(name + b" " * 26) == "张三"
    assert decode_gbk(name + b"\xff" * 4) == "张三"
    assert decode_gbk(b"\x00" * 20) == ""


def test_gbk_invalid_is_malformed() -> None:
    with pytest.raises(MalformedResponse):
        decode_gbk(b"\xd5")  # half a character
    with pytest.raises(MalformedResponse):
        decode_gbk(b"\x07abc")  # control character


def test_ascii_decoding() -> None:
    assert decode_ascii(b"3.00") == "3.00"
    assert decode_ascii(b"A1  \x00") == "A1"
    with pytest.raises(MalformedResponse):
        decode_ascii("张".encode("gbk"))


def test_fci_with_extra_tags() -> None:
    fci = bytes.fromhex("6F19840F") + SSSE_AID + bytes.fromhex("A5069F0C03860103")
    parsed = parse_fci(fci)
    assert parsed.aid == SSSE_AID and parsed.algorithm == 3
    inner = bytes.fromhex("840F") + SSSE_AID + bytes.fromhex("5003414243")
    inner += bytes.fromhex("A50B9F0C03860103BF0C02AAAA")
    extra = bytes((0x6F, len(inner))) + inner
    parsed = parse_fci(extra)
    assert parsed.aid == SSSE_AID and parsed.algorithm == 3
    assert parse_fci(b"").aid is None


@pytest.mark.parametrize("raw", ["6F03840F", "7001AA", "6F0284"])
def test_fci_malformed(raw: str) -> None:
    with pytest.raises(MalformedResponse):
        parse_fci(bytes.fromhex(raw))


# --- identity --------------------------------------------------------------------------------


def _values(**changes: bytes | None) -> dict[int, bytes]:
    values = {
        0x01: bytes.fromhex("500103D15600000512345678ABCDEF01"),
        0x02: b"3",
        0x03: b"3.00",
        0x04: bytes.fromhex("500000000000000000000001"),
        0x05: bytes.fromhex("20200501"),
        0x06: bytes.fromhex("20300501"),
        0x07: b"A12345674",
        0x08: b"500103198507150012",
        0x09: "欧阳".encode("gbk").ljust(30, b"\x00"),
        0x4E: "娜娜".encode("gbk").ljust(20, b" "),
        0x0A: b"2",
        0x0B: b"\x15",
        0x0C: bytes.fromhex("5001FF"),
        0x0D: bytes.fromhex("19850715"),
    }
    tags = {"card_number": 0x07, "name_ext": 0x4E, "expiry": 0x06, "card_id": 0x01}
    for key, value in changes.items():
        if value is None:
            values.pop(tags[key])
        else:
            values[tags[key]] = value
    return values


ATR = bytes.fromhex("3B6D00000081544C968684500103123456")


def test_identity_from_records_name_extension_and_fields() -> None:
    ident = identity_from_records(_values(), ATR, 3, "ok")
    assert ident.name == "欧阳娜娜"
    assert ident.region_code == "500103"
    assert ident.ethnicity == "15" and ident.birthplace == "5001" and ident.gender == "2"
    assert ident.atr_history == "0081544C968684500103123456"
    assert ident.card_number_warning is None


def test_identity_missing_4e_and_empty_dates_are_tolerated() -> None:
    ident = identity_from_records(_values(name_ext=None, expiry=b"\x00" * 4), ATR, 2, "ok")
    assert ident.name == "欧阳"
    assert ident.expiry_date is None
    assert ident.to_json_dict()["expiry_date"] is None


def test_identity_bad_check_char_is_warned_not_refused() -> None:
    ident = identity_from_records(_values(card_number=b"A12345675"), ATR, 3, "ok")
    assert ident.card_number == "A12345675"
    assert ident.card_number_warning is not None and "校验" in ident.card_number_warning


def test_identity_missing_required_is_malformed() -> None:
    with pytest.raises(MalformedResponse):
        identity_from_records(_values(card_id=None), ATR, 3, "ok")
    with pytest.raises(MalformedResponse):
        identity_from_records(_values(card_id=b"\x01" * 15), ATR, 3, "ok")


def test_identity_json_has_exactly_card_md_keys() -> None:
    ident = identity_from_records(_values(), ATR, 3, "ok")
    data = ident.to_json_dict()
    assert list(data) == list(JSON_KEYS)
    assert set(data) == {
        "card_number",
        "card_id_code",
        "region_code",
        "card_type",
        "spec_version",
        "init_org",
        "issue_date",
        "expiry_date",
        "birth_date",
        "ssn",
        "name",
        "gender",
        "ethnicity",
        "birthplace",
        "atr_history",
        "pin_tries_left",
        "app_state",
    }
    assert data["birth_date"] == "1985-07-15"
    assert len(data["card_id_code"]) == 32 and data["card_id_code"].isupper()
    assert len(data["init_org"]) == 24 and len(data["atr_history"]) == 26


def test_ireadcardbas_has_eleven_fields_each_followed_by_bar() -> None:
    ident: CardIdentity = identity_from_records(_values(), ATR, 3, "ok")
    text = ident.ireadcardbas("T0001", "SN42")
    assert text.endswith("|") and text.count("|") == 11
    assert text.split("|")[:-1] == [
        "500103",
        "500103198507150012",
        "A12345674",
        "500103D15600000512345678ABCDEF01",
        "欧阳娜娜",
        "0081544C968684500103123456",
        "3.00",
        "20200501",
        "20300501",
        "T0001",
        "SN42",
    ]


def test_atr_history_with_td_bytes_and_garbage() -> None:
    # TS T0=0x82 (TD1 present, 2 historical) TD1=0x01 (no further) hist=AA BB
    assert atr_history(bytes.fromhex("3B8201AABB")) == b"\xaa\xbb"
    assert atr_history(b"") == b""
    assert atr_history(bytes.fromhex("3BFF")) == b""


# --- APDU helpers ----------------------------------------------------------------------------


def test_command_cases_and_with_le() -> None:
    assert a.command(0, 0xB2, 1, 0x2C, le=0).hex() == "00b2012c00"
    assert a.command(0, 0x20, 0, 0, b"\x12\x34").hex() == "00200000021234"
    assert a.with_le(bytes.fromhex("00B2012C00"), 0x10).hex() == "00b2012c10"
    assert a.with_le(bytes.fromhex("00A4040002AABB00"), 0x1B).hex() == "00a4040002aabb1b"
    assert a.with_le(bytes.fromhex("00A4040002AABB"), 0x1B).hex() == "00a4040002aabb1b"
    with pytest.raises(ValueError):
        a.command(0, 0, 0, 0x100)


def test_redacted_hex_hides_pin_data_only() -> None:
    verify = bytes.fromhex("0020000003123456")
    assert a.redacted_hex(verify) == "0020000003XXXXXX"
    change = bytes.fromhex("805E010007123456FF654321")
    assert "123456" not in a.redacted_hex(change) and "654321" not in a.redacted_hex(change)
    assert a.redacted_hex(bytes.fromhex("8424000004EDA8E353")).endswith("XXXXXXXX")
    assert a.redacted_hex(bytes.fromhex("00B2012C00")) == "00B2012C00"


def test_status_word_mapping() -> None:
    err = a.error_for_status(0x63C2)
    assert isinstance(err, WrongPin) and err.tries_left == 2 and "2 次" in str(err)
    assert isinstance(a.error_for_status(0x6F00), UnexpectedStatus)
    assert "6F00" in str(a.error_for_status(0x6F00))
    with pytest.raises(MalformedResponse):
        a.parse_response(b"\x90")
