"""Card numbers: form refused, wrong check character warned (CARD.md "Client rules")."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from counter_app.validation import (
    CardNumberCheck,
    ValidationError,
    card_number_check_char,
    check_card_number,
)
from tests.validation.reference import card_check

PROPERTY = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
BODY = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def refusal(text: str) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        check_card_number(text)
    assert info.value.field == "card_number"
    return info.value


def test_re_exports_the_readers_check_character() -> None:
    from reader import cardnumber

    assert card_number_check_char is cardnumber.card_number_check_char


def test_correct_number_has_no_warning() -> None:
    number = "A1234567" + card_check("A1234567")
    assert check_card_number(number) == CardNumberCheck(number=number, warning=None)


def test_normalised_upper_case_full_width_and_spaces() -> None:
    number = "A1234567" + card_check("A1234567")
    typed = "ａ1234 567-" + number[8].lower()
    assert check_card_number(typed).number == number


def test_wrong_check_character_is_a_warning_not_a_refusal() -> None:
    right = card_check("12345678")
    wrong = "0" if right != "0" else "1"
    result = check_card_number("12345678" + wrong)
    assert result.number == "12345678" + wrong
    assert result.warning is not None
    assert "校验位不符" in result.warning
    assert f"应为 {right}" in result.warning and f"实际为 {wrong}" in result.warning


def test_letters_are_allowed_before_the_check_character() -> None:
    number = "ZZ34567Y" + card_check("ZZ34567Y")
    assert check_card_number(number) == CardNumberCheck(number=number, warning=None)


@pytest.mark.parametrize(
    ("typed", "code", "says"),
    [
        ("", "empty", "未输入卡号"),
        ("12345678", "length", "输入的是8位"),
        ("1234567890", "length", "输入的是10位"),
        ("1234567中1", "character", "第8位是“中”"),
        ("1234567_1", "character", "第8位是“_”"),
        ("12345678A", "character", "校验位只能是数字或X"),
    ],
)
def test_refused_with_the_problem_named(typed: str, code: str, says: str) -> None:
    error = refusal(typed)
    assert error.code == code and says in str(error)


@PROPERTY
@given(st.text(BODY, min_size=8, max_size=8))
def test_check_matches_the_independent_formula(body: str) -> None:
    assert card_number_check_char(body) == card_check(body)
    assert check_card_number(body + card_check(body)).warning is None


@PROPERTY
@given(st.text())
def test_random_text_only_raises_validation_error(text: str) -> None:
    try:
        result = check_card_number(text)
    except ValidationError as error:
        assert str(error)
    else:
        assert len(result.number) == 9
