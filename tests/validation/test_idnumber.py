"""Citizen ID numbers (GB 11643-1999): examples, then properties."""

from __future__ import annotations

import pickle
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from counter_app.validation import (
    IdNumber,
    ValidationError,
    check_digit,
    convert_15_to_18,
    is_valid_id_number,
    parse_id_number,
)
from counter_app.validation.regions import gb2260_codes, is_known_region_code
from tests.validation.reference import gb11643_check, with_check

TODAY = date(2025, 6, 1)
# The conftest's autouse fixture only sets environment variables; it is safe to share
# between the examples hypothesis generates.
PROPERTY = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


def refusal(text: str, today: date = TODAY) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        parse_id_number(text, today)
    assert info.value.field == "id_number"
    return info.value


# --- accepted -------------------------------------------------------------------------


def test_standard_example_with_x() -> None:
    parsed = parse_id_number("11010519491231002X", TODAY)
    assert parsed == IdNumber(
        number="11010519491231002X",
        region_code="110105",
        birth_date=date(1949, 12, 31),
        gender="2",
        sequence="002",
    )


def test_standard_examples_check_digits() -> None:
    # The two worked examples in GB 11643-1999.
    assert check_digit("11010519491231002") == "X"
    assert check_digit("44052418800101001") == "4"


def test_lower_case_x_is_upper_cased() -> None:
    assert parse_id_number("11010519491231002x", TODAY).number == "11010519491231002X"


def test_full_width_digits_and_x_are_accepted() -> None:
    parsed = parse_id_number("１１０１０５１９４９１２３１００２Ｘ", TODAY)
    assert parsed.number == "11010519491231002X"
    assert parse_id_number("１１０１０５１９４９１２３１００２ｘ", TODAY).number == parsed.number


def test_spaces_and_hyphens_are_stripped() -> None:
    for typed in ("110105 19491231 002X", "110105-19491231-002X", " 11010519491231002X\t"):
        assert parse_id_number(typed, TODAY).number == "11010519491231002X"
    assert parse_id_number("110105\u300019491231－002X", TODAY).number == "11010519491231002X"


def test_male_from_odd_17th_digit() -> None:
    number = with_check("50010319800101001")
    parsed = parse_id_number(number, TODAY)
    assert (parsed.gender, parsed.sequence, parsed.region_code) == ("1", "001", "500103")


def test_region_need_not_be_chongqing_nor_current() -> None:
    # 500221 was 长寿县 before it became a district; 51xxxx is Sichuan (pre-1997 Chongqing).
    for first17 in ("50022119700101002", "51021119600101003", "65010219900101004"):
        assert parse_id_number(with_check(first17), TODAY).region_code == first17[:6]


@pytest.mark.parametrize("region", ["119999", "500199", "500099", "510098"])
def test_six_digit_region_code_must_be_one_gb_t_2260_has_listed(region: str) -> None:
    # IDCARD.md/GB 11643: digits 1-6 are a GB/T 2260 code; a valid province prefix alone is
    # not enough (119999 has the prefix of 北京市 but was never a code).
    error = refusal(with_check(region + "19700101002"))
    assert error.code == "region"
    assert f"前六位 {region}" in str(error)


def test_abolished_codes_stay_valid_for_old_numbers() -> None:
    # 崇文区 110103 (merged 2010), 江津市 500381 (a district since 2006), 长寿县 500221,
    # 长寿县 510221 under Sichuan before 1997: numbers issued then keep those codes.
    for region in ("110103", "500381", "500221", "510221"):
        assert parse_id_number(with_check(region + "19700101002"), TODAY).region_code == region


def test_29_february_in_leap_years() -> None:
    assert parse_id_number(with_check("11010520000229002"), TODAY).birth_date == date(2000, 2, 29)
    assert parse_id_number(with_check("11010519960229002"), TODAY).birth_date == date(1996, 2, 29)


def test_born_today_and_on_1900_01_01_are_accepted() -> None:
    assert parse_id_number(with_check("11010520250601002"), TODAY).birth_date == TODAY
    assert parse_id_number(with_check("11010519000101002"), TODAY).birth_date == date(1900, 1, 1)


def test_today_defaults_to_the_real_date() -> None:
    assert parse_id_number("11010519491231002X").birth_date == date(1949, 12, 31)
    tomorrow = date.today() + timedelta(days=1)
    assert not is_valid_id_number(with_check("110105" + tomorrow.strftime("%Y%m%d") + "002"))


# --- refused --------------------------------------------------------------------------


def test_wrong_check_digit_states_the_expected_one() -> None:
    error = refusal("110105194912310025")
    assert error.code == "check_digit"
    assert "校验位错误" in str(error)
    assert "应为 X" in str(error) and "实际为 5" in str(error)


@pytest.mark.parametrize("text", ["", "   ", "-", "\u3000"])
def test_empty(text: str) -> None:
    error = refusal(text)
    assert error.code == "empty" and "未输入身份证号码" in str(error)


@pytest.mark.parametrize("text", ["1101051949123100", "11010519491231002X1", "12345"])
def test_wrong_length_states_the_length(text: str) -> None:
    error = refusal(text)
    assert error.code == "length"
    assert "应为18位" in str(error) and f"输入的是{len(text)}位" in str(error)


def test_15_digit_number_is_refused_with_its_18_digit_conversion() -> None:
    error = refusal("130503670401001")
    assert error.code == "old_15_digit"
    message = str(error)
    assert "15位旧身份证号码" in message and "不再受理" in message
    assert "130503196704010016" in message
    assert "现行" in message  # staff are told to ask for the current ID


def test_convert_15_to_18() -> None:
    assert convert_15_to_18("130503670401001") == "130503196704010016"
    assert convert_15_to_18("110105491231002") == "11010519491231002X"
    assert convert_15_to_18("１１０１０５４９１２３１００２") == "11010519491231002X"
    with pytest.raises(ValidationError, match="15位"):
        convert_15_to_18("11010549123100X")
    with pytest.raises(ValidationError, match="15位"):
        convert_15_to_18("1101054912310")


@pytest.mark.parametrize(
    ("text", "position", "shown"),
    [
        ("11010519491231002A", 18, "第18位是“A”"),
        ("1101051949123100X2", 17, "第17位是“X”"),
        ("110105１９４9123１002Y", 18, "“Y”"),
        ("11010519491231\u00b202X", 15, "“\u00b2”"),  # superscript two is not a digit here
        ("1101051949123\u0663002X", 14, "“\u0663”"),  # ARABIC-INDIC DIGIT THREE
        ("11010519491231\u200b02X", 15, "第15位是看不见的零宽空格"),  # by its kind, not echoed
        ("1101051949１231002?", 18, "“?”"),
    ],
)
def test_non_digits_are_named_by_position_in_the_clerks_words(
    text: str, position: int, shown: str
) -> None:
    error = refusal(text)
    assert error.code == "character"
    assert f"第{position}位" in str(error) and shown in str(error)
    assert "U+" not in str(error)  # no code point on a clerk's screen
    assert "\u200b" not in str(error)


@pytest.mark.parametrize("prefix", ["00", "10", "16", "39", "66", "80", "99"])
def test_unknown_province_prefix(prefix: str) -> None:
    error = refusal(with_check(prefix + "010519491231002"))
    assert error.code == "region"
    assert f"前两位 {prefix}" in str(error) and "行政区划" in str(error)


@pytest.mark.parametrize(
    ("birth", "problem"),
    [
        ("19490230", "1949年2月没有30日"),
        ("19000229", "1949年2月没有30日".replace("1949", "1900").replace("30", "29")),
        ("20230229", "2023年不是闰年"),
        ("19491301", "月份 13 不存在"),
        ("19490001", "月份 00 不存在"),
        ("19490100", "日 00 不存在"),
        ("19490431", "1949年4月没有31日"),
    ],
)
def test_impossible_dates(birth: str, problem: str) -> None:
    error = refusal(with_check("110105" + birth + "002"))
    assert error.code == "birth_date"
    assert birth in str(error) and problem in str(error) and "不是有效日期" in str(error)


def test_1900_02_29_says_1900_is_not_a_leap_year() -> None:
    assert "1900年不是闰年" in str(refusal(with_check("11010519000229002")))


def test_future_birth_date() -> None:
    error = refusal(with_check("11010520250602002"))
    assert error.code == "birth_future"
    assert "2025-06-02" in str(error) and "晚于今天" in str(error)


def test_birth_before_1900() -> None:
    # The standard's own second example: correct check digit, born 1880.
    error = refusal("440524188001010014")
    assert error.code == "birth_too_early"
    assert "1880-01-01" in str(error) and "早于1900年" in str(error)
    assert refusal(with_check("11010518991231002")).code == "birth_too_early"


def test_check_digit_rejects_bad_input() -> None:
    with pytest.raises(ValidationError, match="17位数字"):
        check_digit("1101051949123100")
    with pytest.raises(ValidationError, match="17位数字"):
        check_digit("1101051949123100A")


def test_error_survives_pickling() -> None:
    error = refusal("110105194912310025")
    copy = pickle.loads(pickle.dumps(error))
    assert (str(copy), copy.field, copy.code) == (str(error), "id_number", "check_digit")
    assert isinstance(copy, ValueError)


# --- properties -----------------------------------------------------------------------


_KNOWN_CODES = sorted(line[:6] for line in gb2260_codes.CODES.splitlines() if line)


@st.composite
def valid_ids(draw: st.DrawFn) -> str:
    region = draw(st.sampled_from(_KNOWN_CODES))
    birth = draw(st.dates(min_value=date(1900, 1, 1), max_value=TODAY))
    sequence = draw(st.text("0123456789", min_size=3, max_size=3))
    return with_check(region + birth.strftime("%Y%m%d") + sequence)


@PROPERTY
@given(valid_ids())
@example("11010519491231002X")
def test_generated_valid_ids_parse_and_round_trip(number: str) -> None:
    parsed = parse_id_number(number, TODAY)
    assert parsed.number == number
    assert (
        parsed.region_code + parsed.birth_date.strftime("%Y%m%d") + parsed.sequence == (number[:17])
    )
    assert parsed.gender == ("1" if int(number[16]) % 2 else "2")
    assert check_digit(number[:17]) == number[17] == gb11643_check(number[:17])
    assert parse_id_number(parsed.number.lower(), TODAY) == parsed
    assert parse_id_number(f"{number[:6]} {number[6:14]}-{number[14:]}", TODAY) == parsed


def _plausible(number: str) -> bool:
    """Region prefix known and birth date real and in range: only the check can fail."""
    if not number[:17].isdigit() or not is_known_region_code(number[:6]):
        return False
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= TODAY


@PROPERTY
@given(valid_ids(), st.integers(0, 17), st.sampled_from("0123456789X"))
def test_any_single_character_change_is_refused(number: str, position: int, new: str) -> None:
    if new == number[position]:
        new = "0" if new != "0" else "1"
    mutated = number[:position] + new + number[position + 1 :]
    error = refusal(mutated)
    if _plausible(mutated):
        # MOD 11-2 catches every single substitution; nothing else can refuse it.
        assert error.code == "check_digit"
    else:
        assert error.code in {
            "character",
            "region",
            "birth_date",
            "birth_future",
            "birth_too_early",
            "check_digit",
        }


@PROPERTY
@given(st.text())
def test_random_text_only_ever_raises_validation_error(text: str) -> None:
    try:
        parse_id_number(text, TODAY)
    except ValidationError as error:
        assert str(error)
        assert error.field == "id_number"


@PROPERTY
@given(st.text("0123456789Xx -０１２９Ｘｘ\u3000", min_size=13, max_size=22))
def test_near_miss_text_only_ever_raises_validation_error(text: str) -> None:
    try:
        parsed = parse_id_number(text, TODAY)
    except ValidationError as error:
        assert str(error)
    else:
        assert len(parsed.number) == 18
