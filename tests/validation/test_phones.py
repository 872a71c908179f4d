"""Contact phone numbers: mobile and landline."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from counter_app.validation import ValidationError, validate_phone

PROPERTY = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


def refusal(text: str) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        validate_phone(text)
    assert info.value.field == "phone"
    return info.value


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("+8613812345678", "13812345678"),
        ("008613812345678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("19912345678", "19912345678"),
        ("023-68888888", "023-68888888"),
        ("02368888888", "023-68888888"),
        ("023 6888 8888", "023-68888888"),
        ("(023)68888888", "023-68888888"),
        ("（023）68888888", "023-68888888"),
        ("０２３－６８８８８８８８", "023-68888888"),
        ("023-68888888-1234", "023-68888888-1234"),
        ("023-68888888转1234", "023-68888888-1234"),
        ("02368888888-12", "023-68888888-12"),
        ("+86 23 68888888", "023-68888888"),
        ("010-88888888", "010-88888888"),
        ("0571-8888888", "0571-8888888"),
        ("0851-88888888", "0851-88888888"),
    ],
)
def test_accepted_and_normalised(typed: str, normalised: str) -> None:
    assert validate_phone(typed) == normalised


@pytest.mark.parametrize(
    ("typed", "code", "says"),
    [
        ("", "empty", "未输入联系电话"),
        ("  ", "empty", "未输入联系电话"),
        ("+86", "empty", "没有电话号码"),
        ("1381234567", "mobile_length", "手机号码应为11位，输入的是10位"),
        ("138123456789", "mobile_length", "输入的是12位"),
        ("12812345678", "mobile_prefix", "第二位应为3–9"),
        ("68888888", "area_code_missing", "请带区号"),
        ("023-6888888", "landline_length", "023 后的电话号码应为8位，输入的是7位"),
        ("0571-888888", "landline_length", "应为7–8位，输入的是6位"),
        ("023-08888888", "landline_prefix", "不能以0开头"),
        ("0111-8888888", "area_code", "区号 0111 不存在"),
        ("023-68888888-1234567", "extension", "分机号 1234567 太长"),
        ("023--68888888", "format", "分隔符"),
        ("138a1234567", "character", "不能识别的字符“a”"),
        ("023\u202e68888888", "character", "第4个字符是看不见的文字方向控制符"),
        ("+1 650 555 0100", "country", "中国大陆"),
        ("0044-20-88888888", "country", "中国大陆"),
    ],
)
def test_refused_with_the_problem_named(typed: str, code: str, says: str) -> None:
    error = refusal(typed)
    assert error.code == code
    assert says in str(error)


@PROPERTY
@given(st.text())
def test_random_text_only_raises_validation_error(text: str) -> None:
    try:
        validate_phone(text)
    except ValidationError as error:
        assert str(error) and error.field == "phone"


@PROPERTY
@given(st.text("0123456789-+() 转#", max_size=24))
def test_phone_like_text_only_raises_validation_error(text: str) -> None:
    try:
        result = validate_phone(text)
    except ValidationError as error:
        assert str(error)
    else:
        assert validate_phone(result) == result  # normalised form is a fixed point


@PROPERTY
@given(
    st.sampled_from("3456789"),
    st.text("0123456789", min_size=9, max_size=9),
    st.sampled_from(["", "+86", "+86 ", "0086"]),
    st.booleans(),
)
def test_mobile_numbers_in_any_common_layout(
    second: str, rest: str, prefix: str, grouped: bool
) -> None:
    number = "1" + second + rest
    typed = f"{number[:3]} {number[3:7]}-{number[7:]}" if grouped else number
    assert validate_phone(prefix + typed) == number
