"""The one input policy (counter_app.validation.text_policy)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counter_app.validation import ValidationError
from counter_app.validation.text_policy import (
    LOSS_CIRCUMSTANCES,
    LOSS_PLACE,
    SESSION_REASON,
    STAFF_NAME,
    TextField,
    TextRefused,
    clean_optional_text,
    clean_staff_no,
    clean_text,
    forbidden_character,
    storage_forbidden,
)

FORBIDDEN = {
    "\x00": "控制字符",
    "\x07": "控制字符",
    "\x1b": "控制字符",
    "\x7f": "控制字符",
    "\x85": "控制字符",
    "\u202a": "文字方向",
    "\u202b": "文字方向",
    "\u202c": "文字方向",
    "\u202d": "文字方向",
    "\u202e": "文字方向",
    "\u2066": "文字方向",
    "\u2067": "文字方向",
    "\u2068": "文字方向",
    "\u2069": "文字方向",
    "\u200e": "文字方向",
    "\u061c": "文字方向",
    "\u200b": "零宽",
    "\u200c": "零宽",
    "\u200d": "零宽",
    "\ufeff": "零宽",
    "\u2060": "零宽",
    "\u00ad": "零宽",
    "\ud800": "无效字符",
    "\ue000": "私用区",
    "\u2028": "分隔符",
    "\u2029": "分隔符",
    "\ufffe": "无效字符",
    "\U000e0041": "格式控制",
}


@pytest.mark.parametrize(("char", "why"), sorted(FORBIDDEN.items()))
def test_forbidden_character_is_refused_with_its_position_and_kind_in_chinese(
    char: str, why: str
) -> None:
    with pytest.raises(TextRefused) as info:
        clean_text("解放碑" + char + "附近", LOSS_PLACE)
    message = str(info.value)
    assert "「遗失地点」第4个字符" in message
    # Named by its kind in the clerk's words, never by a code point (STYLE: screens a clerk
    # reads).
    assert why in message and "U+" not in message
    assert char not in message  # never echoed: it would reorder or hide the message
    assert info.value.code == "character" and info.value.field == "lost_place"
    assert isinstance(info.value, ValidationError)


@pytest.mark.parametrize("char", sorted(FORBIDDEN))
def test_the_storage_guard_refuses_the_same_characters(char: str) -> None:
    assert storage_forbidden("ab" + char) == 2
    assert forbidden_character("ab" + char) == (3, char, forbidden_character(char)[2])  # type: ignore[index]


def test_line_breaks_only_in_multi_line_fields() -> None:
    typed = "在公交车上\r\n下车时发现丢失"
    assert clean_text(typed, LOSS_CIRCUMSTANCES) == "在公交车上\n下车时发现丢失"
    with pytest.raises(TextRefused, match="此栏只能填一行"):
        clean_text("解放碑\n附近", LOSS_PLACE)
    assert storage_forbidden("a\nb\tc\r") is None


def test_nfc_and_trimming() -> None:
    decomposed = "Jose\u0301 商场"
    assert clean_text(decomposed, LOSS_PLACE) == unicodedata.normalize("NFC", decomposed)
    assert clean_text("  解放碑  ", LOSS_PLACE) == "解放碑"


def test_length_limit_names_the_limit_and_the_length() -> None:
    assert clean_text("地" * LOSS_PLACE.max_chars, LOSS_PLACE)
    with pytest.raises(TextRefused) as info:
        clean_text("地" * 10_000, LOSS_PLACE)
    assert info.value.code == "too_long"
    assert f"最多{LOSS_PLACE.max_chars}个字" in str(info.value) and "10000" in str(info.value)


def test_required_and_optional() -> None:
    with pytest.raises(TextRefused, match="未填写「查询事由」"):
        clean_text("   ", SESSION_REASON)
    assert clean_optional_text("  ", SESSION_REASON) is None
    with pytest.raises(TextRefused):
        clean_text(None, SESSION_REASON)
    with pytest.raises(TextRefused) as info:
        clean_text(b"bytes", SESSION_REASON)
    assert info.value.code == "type"


def test_gbk_fields_refuse_characters_outside_gbk() -> None:
    with pytest.raises(TextRefused) as info:
        clean_text("王\U00020bb7", STAFF_NAME)  # 𠮷, CJK extension B
    assert info.value.code == "not_gbk" and "第2个字符" in str(info.value)
    assert clean_text("王\U00020bb7", SESSION_REASON)  # not a GBK field


@pytest.mark.parametrize("good", ["CK500103-01", "KZX500000-05", "YB500103-09", "A1"])
def test_staff_numbers_as_issued_are_accepted(good: str) -> None:
    assert clean_staff_no(f" {good} ") == good


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "-CK01",
        "CK 01",
        "CK500103-01\u202e",
        "工号01",
        "A",
        "X" * 21,
        "CK'; DROP TABLE staff;--",
        "CK\x00",
    ],
)
def test_staff_numbers_of_another_shape_are_refused(bad: str) -> None:
    with pytest.raises(TextRefused):
        clean_staff_no(bad)


FIELD = TextField("t", "测试", 50, multiline=True)


@given(st.text(max_size=200))
def test_clean_text_either_returns_clean_nfc_text_or_refuses_with_a_chinese_message(
    text: str,
) -> None:
    try:
        cleaned = clean_text(text, FIELD)
    except TextRefused as refusal:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in str(refusal))
        assert storage_forbidden(str(refusal)) is None
        return
    assert storage_forbidden(cleaned) is None
    assert unicodedata.is_normalized("NFC", cleaned)
    assert 0 < len(cleaned) <= FIELD.max_chars
