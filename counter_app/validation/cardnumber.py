"""Social security card numbers (卡号, 9 characters) as typed or read from a card.

The check character itself is computed by ``reader.cardnumber`` (one implementation for the
reader and the forms); this module only adds the input rules. Per CARD.md "Client rules", a
card number whose check character is wrong is shown with a warning, not refused: cards in
circulation carry such numbers and staff must still be able to find them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from counter_app.validation._normalise import fold_width
from counter_app.validation.errors import FIELD_CARD_NUMBER, ValidationError, describe_char
from reader.cardnumber import card_number_check_char, card_number_is_valid

__all__ = [
    "CardNumberCheck",
    "card_number_check_char",
    "card_number_is_valid",
    "check_card_number",
]

CARD_NUMBER_LENGTH: Final = 9
_SEPARATORS: Final = re.compile(r"[\s\-\u2010-\u2015\u2212]+")
_BODY_CHARS: Final = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_CHECK_CHARS: Final = frozenset("0123456789X")
_ADVICE: Final = "请核对卡面上的卡号后重新输入。"


@dataclass(frozen=True, slots=True)
class CardNumberCheck:
    """A card number in its normalised form, and a Chinese warning when its check
    character does not match (``None`` when it does)."""

    number: str
    warning: str | None


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, field=FIELD_CARD_NUMBER, code=code)


def check_card_number(text: str) -> CardNumberCheck:
    """Normalise a card number (full-width folded, spaces/hyphens removed, upper case) and
    check its form. Wrong length or characters raise :class:`ValidationError`; a wrong
    check character only sets ``warning``.
    """
    number = _SEPARATORS.sub("", fold_width(text)).upper()
    if not number:
        raise _refuse("未输入卡号。" + _ADVICE, "empty")
    if len(number) != CARD_NUMBER_LENGTH:
        raise _refuse(
            f"社会保障卡卡号应为{CARD_NUMBER_LENGTH}位（8位数字或大写字母加1位校验位），"
            f"输入的是{len(number)}位。" + _ADVICE,
            "length",
        )
    for position, ch in enumerate(number, start=1):
        allowed = _CHECK_CHARS if position == CARD_NUMBER_LENGTH else _BODY_CHARS
        if ch not in allowed:
            rule = (
                "校验位只能是数字或X" if position == CARD_NUMBER_LENGTH else "前8位只能是数字或字母"
            )
            raise _refuse(
                f"卡号第{position}位是{describe_char(ch)}，{rule}。" + _ADVICE,
                "character",
            )
    expected: str = card_number_check_char(number[:8])
    if number[8] == expected:
        return CardNumberCheck(number=number, warning=None)
    return CardNumberCheck(
        number=number,
        warning=(
            f"卡号校验位不符：按前8位计算应为 {expected}，实际为 {number[8]}。"
            "请核对卡面卡号；如与卡面一致，可继续办理，但请留意是否为伪造或录入错误的卡号。"
        ),
    )
