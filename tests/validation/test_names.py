"""Holder names: normalisation, refused characters, the card's GBK fields."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from counter_app.validation import (
    ValidationError,
    name_fits_card,
    split_name_for_card,
    validate_name,
)

PROPERTY = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
HAN = "张王李赵刘陈杨黄吴周"  # all two bytes in GBK


def refusal(text: str) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        validate_name(text)
    assert info.value.field == "name"
    return info.value


def card_refusal(text: str) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        split_name_for_card(text)
    assert info.value.field == "name"
    return info.value


# --- accepted and normalised ----------------------------------------------------------


def test_plain_name_and_trimming() -> None:
    assert validate_name("张三") == "张三"
    assert validate_name("  张三\u3000\t") == "张三"


def test_middle_dot_names() -> None:
    assert validate_name("阿依古丽·买买提") == "阿依古丽·买买提"
    assert validate_name("爱新觉罗·溥仪") == "爱新觉罗·溥仪"
    assert split_name_for_card("阿依古丽·买买提") == ("阿依古丽·买买提".encode("gbk"), b"")


@pytest.mark.parametrize("dot", ["\u2022", "\u30fb", "\uff0e", "\u2027", "\uff65", "\u2219"])
def test_look_alike_dots_become_u00b7_silently(dot: str) -> None:
    assert validate_name(f"阿依古丽{dot}买买提") == "阿依古丽\u00b7买买提"


def test_greek_ano_teleia_becomes_u00b7_under_nfc() -> None:
    assert validate_name("阿依古丽\u0387买买提") == "阿依古丽\u00b7买买提"


def test_nfc_maps_compatibility_ideographs() -> None:
    assert validate_name("\uf900三") == "\u8c48三"


def test_ideographic_zero_and_latin_names() -> None:
    assert validate_name("王〇") == "王〇"
    assert validate_name("JOHN SMITH") == "JOHN SMITH"


def test_extension_b_character_is_a_valid_name_but_not_for_the_chip() -> None:
    assert validate_name("张𠮷") == "张𠮷"
    assert not name_fits_card("张𠮷")
    error = card_refusal("张𠮷")
    assert error.code == "not_gbk"
    message = str(error)
    assert "“𠮷”" in message and "第2个字" in message and "U+" not in message
    assert "卡面/芯片无法写入生僻字" in message and "替代字" in message


def test_extension_a_character_is_not_in_pythons_gbk_either() -> None:
    # 䶮 is in GB 18030 but Python's 'gbk' codec (what the chip's GBK decoding uses) lacks it.
    with pytest.raises(UnicodeEncodeError):
        "䶮".encode("gbk")
    assert validate_name("刘䶮") == "刘䶮"
    assert not name_fits_card("刘䶮")
    assert "“䶮”" in str(card_refusal("刘䶮"))


# --- refused characters ---------------------------------------------------------------


@pytest.mark.parametrize("point", [0x00, 0x07, 0x09, 0x1B, 0x7F, 0x85])
def test_control_characters(point: int) -> None:
    error = refusal(f"张{chr(point)}三")
    assert error.code == "character"
    assert "U+" not in str(error) and "控制字符" in str(error)
    assert chr(point) not in str(error)


@pytest.mark.parametrize(
    "point",
    [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x200E, 0x200F],
)
def test_bidi_controls(point: int) -> None:
    error = refusal(f"张{chr(point)}三")
    assert "U+" not in str(error) and "文字方向控制符" in str(error)
    assert chr(point) not in str(error)


@pytest.mark.parametrize("point", [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD])
def test_zero_width_characters(point: int) -> None:
    error = refusal(f"张{chr(point)}三")
    assert "U+" not in str(error) and "零宽字符" in str(error)


@pytest.mark.parametrize(
    "text, point", [("张三1", "“1”"), ("张三１", "“１”"), ("张三\u0663", "“\u0663”")]
)
def test_digits(text: str, point: str) -> None:
    error = refusal(text)
    assert point in str(error) and "数字" in str(error)


@pytest.mark.parametrize("ch", ["!", ",", "。", "(", "@", "-", "'", ".", "★", "、"])
def test_punctuation_and_symbols(ch: str) -> None:
    error = refusal(f"张{ch}三")
    assert f"“{ch}”" in str(error) and "标点或符号" in str(error)
    assert "第2个字符" in str(error)


def test_private_use_and_lone_surrogate() -> None:
    assert "私用区" in str(refusal("张\ue000"))
    assert "无效字符" in str(refusal("张\ud800"))


def test_space_inside_a_chinese_name() -> None:
    error = refusal("张 三")
    assert error.code == "space" and "空格" in str(error)
    assert refusal("JOHN  SMITH").code == "space"


@pytest.mark.parametrize("text", ["·张三", "张三·", "张··三", "JOHN· SMITH"])
def test_misplaced_middle_dot(text: str) -> None:
    error = refusal(text)
    assert error.code == "middle_dot_position" and "间隔号" in str(error)


@pytest.mark.parametrize("text", ["", "   ", "\u3000"])
def test_empty(text: str) -> None:
    error = refusal(text)
    assert error.code == "empty" and "未输入姓名" in str(error)


# --- length and the card's two fields -------------------------------------------------


def test_50_gbk_bytes_fill_both_fields_exactly() -> None:
    name = HAN * 2 + HAN[:5]  # 25 characters, 50 bytes
    assert validate_name(name) == name
    head, tail = split_name_for_card(name)
    assert (len(head), len(tail)) == (30, 20)
    assert (head + tail).decode("gbk") == name


def test_51_gbk_bytes_are_refused() -> None:
    name = HAN * 2 + HAN[:5] + "A"
    error = refusal(name)
    assert error.code == "too_long"
    assert "51字节" in str(error) and "最多50字节" in str(error)
    assert not name_fits_card(name)


def test_name_over_30_bytes_splits_on_a_character_boundary() -> None:
    name = "A" + HAN + HAN[:5]  # 1 + 30 bytes: the 16th character would straddle byte 30
    head, tail = split_name_for_card(name)
    assert len(head) == 29 and head.decode("gbk") == "A" + HAN + HAN[:4]
    assert tail.decode("gbk") == HAN[4]


def test_50_bytes_that_cannot_be_split_on_a_character_boundary() -> None:
    # 姓名 takes "A" + 14 characters (29 bytes); the rest is 21 bytes, one too many.
    name = "A" + HAN * 2 + HAN[:4] + "B"
    assert len(name.encode("gbk")) == 50
    error = refusal(name)
    assert error.code == "too_long" and "姓名扩展" in str(error) and "21字节" in str(error)


def test_extension_b_counts_four_bytes_towards_the_limit() -> None:
    assert validate_name("𠮷" * 12) == "𠮷" * 12  # 48 bytes in GB 18030
    assert refusal("𠮷" * 13).code == "too_long"


def test_split_validates_first() -> None:
    assert card_refusal("张\u202e三").code == "character"
    assert split_name_for_card(" 张三 ") == ("张三".encode("gbk"), b"")


# --- properties -----------------------------------------------------------------------


@PROPERTY
@given(st.text())
def test_random_text_never_crashes(text: str) -> None:
    try:
        name = validate_name(text)
    except ValidationError as error:
        assert str(error) and error.field == "name"
    else:
        assert name == name.strip() and validate_name(name) == name
    fits = name_fits_card(text)
    assert isinstance(fits, bool)
    try:
        split_name_for_card(text)
    except ValidationError as error:
        assert str(error)


@PROPERTY
@given(st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1, max_size=25))
def test_gbk_han_names_always_fit_and_round_trip(name: str) -> None:
    assert validate_name(name) == name
    head, tail = split_name_for_card(name)
    assert len(head) <= 30 and len(tail) <= 20
    assert (head + tail).decode("gbk") == name
    assert tail == b"" or len(head) == 30


@PROPERTY
@given(
    st.lists(
        st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1, max_size=4),
        min_size=2,
        max_size=4,
    ),
    st.sampled_from(["\u00b7", "\u2022", "\u30fb", "\uff0e", "\u2027", "\uff65", "\u2219"]),
)
def test_dotted_names_normalise_to_u00b7(parts: list[str], dot: str) -> None:
    assert validate_name(dot.join(parts)) == "\u00b7".join(parts)
