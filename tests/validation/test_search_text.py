"""What the clerk types into the search box (RULES Q7) meets the input policy first."""

from __future__ import annotations

import datetime as dt

import pytest

from counter_app.services.search import SearchKind, parse_search
from counter_app.validation import ValidationError

TODAY = dt.date(2026, 6, 1)
ID = "11010519491231002X"


@pytest.mark.parametrize(
    "typed",
    ["阿依古丽．买买提 1980-01-02", "阿依古丽·买买提 1980-01-02", "阿依古丽・买买提 1980-01-02"],
)
def test_Q7_full_width_dot_in_a_name_is_the_middle_dot_not_a_full_stop(typed: str) -> None:
    query = parse_search(typed, TODAY)
    assert query.kind is SearchKind.NAME_BIRTH
    assert query.name == "阿依古丽·买买提"
    assert query.birth_date == dt.date(1980, 1, 2)


def test_Q7_full_width_dots_in_a_date_stay_date_separators() -> None:
    query = parse_search("张三 １９８０．０１．０２", TODAY)
    assert query.birth_date == dt.date(1980, 1, 2)


@pytest.mark.parametrize(
    ("char", "label"),
    [
        ("\u200b", "零宽"),
        ("\u2060", "零宽"),
        ("\ufeff", "零宽"),
        ("\u202e", "文字方向"),
        ("\u2066", "文字方向"),
        ("\u200f", "文字方向"),
    ],
)
def test_Q7_invisible_character_inside_an_id_number_is_named_by_position(
    char: str, label: str
) -> None:
    typed = ID[:6] + char + ID[6:]
    with pytest.raises(ValidationError) as info:
        parse_search(typed, TODAY)
    message = str(info.value)
    assert "第7个字符" in message and label in message and "U+" not in message
    assert "出生日期" not in message  # not the misleading "name search needs a birth date"
    assert char not in message


@pytest.mark.parametrize("typed", ["\x00" + ID, ID + "\ud800", "张三\x1b[31m 1980-01-02"])
def test_Q7_control_characters_and_lone_surrogates_are_refused(typed: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_search(typed, TODAY)
    assert info.value.code == "character"


def test_Q7_a_10000_character_search_is_refused_for_its_length() -> None:
    with pytest.raises(ValidationError) as info:
        parse_search("张" * 10_000, TODAY)
    assert info.value.code == "too_long" and "10000" in str(info.value)


def test_Q7_valid_id_number_still_found_with_spaces() -> None:
    assert parse_search(f" {ID[:6]} {ID[6:14]} {ID[14:]} ", TODAY).ssn == ID
