"""IDCARD.md "The text block": the three kinds, padding with spaces or NULs, 长期 and dates."""

from __future__ import annotations

import datetime as dt

import pytest

from reader.idcard.card import JSON_KEYS, LONG_TERM, CardKind
from reader.idcard.errors import CardDataError
from reader.idcard.samid import format_sam_id, sam_id_bytes
from reader.idcard.textblock import FLAG_AT, TEXT_LEN, build_text, parse_text

from .idkit import FOREIGN_I, FOREIGN_Y, HMT, RESIDENT, profile


@pytest.mark.parametrize("pad", [" ", "\x00"])
def test_resident_card_fields(pad: str) -> None:
    p = profile(RESIDENT)
    text = build_text(p.kind, p.values, pad=pad)
    assert len(text) == TEXT_LEN
    assert text[FLAG_AT : FLAG_AT + 2] == b" \x00"  # the resident card's flag is a space
    card = parse_text(text)
    assert card.kind is CardKind.RESIDENT
    assert (card.name, card.gender, card.nation) == ("张伟", "1", "15")
    assert card.birth == dt.date(1968, 3, 15)
    assert card.address == "重庆市渝中区解放碑民族路188号"
    assert card.id_number == "500103196803150310"
    assert card.authority == "重庆市公安局渝中区分局"
    assert (card.valid_from, card.valid_to) == (dt.date(2016, 1, 4), dt.date(2036, 1, 4))
    assert card.pass_number == card.english_name == ""


def test_name_of_fifteen_characters_fills_the_field() -> None:
    name = "阿卜杜热合曼·买买提艾力江艾" + "尔"
    assert len(name) == 15
    card = parse_text(build_text(CardKind.RESIDENT, {**profile(RESIDENT).values, "name": name}))
    assert card.name == name


def test_nul_padded_name_from_another_reader() -> None:
    # some readers pad with NUL instead of 20 00: the name must not keep them
    text = bytearray(build_text(CardKind.RESIDENT, profile(RESIDENT).values))
    text[4:30] = b"\x00" * 26  # "张伟" is 4 bytes; the rest of the 30 NUL
    assert parse_text(bytes(text)).name == "张伟"


def test_hmt_permit_flag_j() -> None:
    p = profile(HMT)
    card = parse_text(p.text())
    assert card.kind is CardKind.HMT and card.flag == "J"
    assert card.id_number == "810000199004020018"
    assert (card.pass_number, card.issue_count) == ("H12345678", "02")
    assert card.nation == ""  # reserved in the permit: no nation code


def test_foreign_card_flag_i() -> None:
    card = parse_text(profile(FOREIGN_I).text())
    assert card.kind is CardKind.FOREIGN and card.flag == "I"
    assert card.name == "约翰·史密斯"  # the Chinese name
    assert card.english_name == "SMITH, JOHN PAUL"
    assert card.id_number == "USA310075041506"
    assert (card.nationality, card.version, card.authority_code) == ("USA", "10", "1500")
    assert card.birth == dt.date(1975, 4, 15)


def test_foreign_card_2023_flag_y_has_eighteen_characters() -> None:
    card = parse_text(profile(FOREIGN_Y).text())
    assert card.flag == "Y"
    assert card.id_number == "931156197504150016"
    assert card.long_term


def test_long_term_validity() -> None:
    card = parse_text(profile(RESIDENT, valid_to=LONG_TERM).text())
    assert card.valid_to is None and card.long_term
    assert not card.expired(dt.date(2099, 1, 1))
    assert card.as_json()["valid_to"] == "长期"


def test_expired_card() -> None:
    card = parse_text(profile(RESIDENT, valid_from="20000101", valid_to="20200101").text())
    assert card.expired(dt.date(2020, 1, 2))
    assert not card.expired(dt.date(2020, 1, 1))  # valid through its last day


def test_unknown_flag_is_card_data_error() -> None:
    text = bytearray(profile(RESIDENT).text())
    text[FLAG_AT : FLAG_AT + 2] = "Q".encode("utf-16-le")
    with pytest.raises(CardDataError):
        parse_text(bytes(text))


def test_date_that_is_no_date() -> None:
    values = {**profile(RESIDENT).values, "birth": "19681332"}
    with pytest.raises(CardDataError) as err:
        parse_text(build_text(CardKind.RESIDENT, values))
    assert "人工录入" in str(err.value)


def test_wrong_text_length() -> None:
    with pytest.raises(CardDataError):
        parse_text(profile(RESIDENT).text()[:200])


def test_odd_utf16_is_card_data_error() -> None:
    text = bytearray(profile(RESIDENT).text())
    text[0:2] = b"\x00\xd8"  # a lone high surrogate
    with pytest.raises(CardDataError):
        parse_text(bytes(text))


def test_json_has_exactly_the_keys() -> None:
    card = parse_text(profile(HMT).text(), sam_id="05.01-20101008-0000012345-1234567890")
    data = card.as_json()
    assert tuple(data) == JSON_KEYS
    assert data["kind"] == "hmt" and data["birth"] == "1990-04-02"
    assert data["sam_id"] == "05.01-20101008-0000012345-1234567890"
    assert "photo" not in data


def test_photo_is_wiped_and_never_in_repr() -> None:
    p = profile(RESIDENT)
    card = parse_text(p.text(), photo=p.photo())
    assert len(card.photo) == 1024
    assert "500103196803150310" not in repr(card) and "WLDEMO" not in repr(card)
    buffer = card.photo
    card.wipe()
    assert len(buffer) == 0


def test_sam_id_format() -> None:
    raw = bytes.fromhex("0500010090b7320139300000d2029649")
    assert format_sam_id(raw) == "05.01-20101008-0000012345-1234567890"
    assert sam_id_bytes("05.01-20101008-0000012345-1234567890") == raw
    assert format_sam_id(bytes(16)) == "00.00-00000000-0000000000-0000000000"
