"""The card number's check character (CARD.md "Client rules", GB 11714-style).

Nine characters: eight digits or capital letters, then a check character. Values: ``0``–``9``
as themselves, ``A``=10 … ``Z``=35; weights 3,7,9,10,5,8,4,2; check = 11 − (sum mod 11),
where 10 is written ``X`` and 11 is written ``0``. A wrong check character is shown with a
warning, never refused (the card is what it is).
"""

from __future__ import annotations

import string

WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ALPHABET = string.digits + string.ascii_uppercase


def _value(char: str) -> int:
    index = _ALPHABET.find(char)
    if len(char) != 1 or index < 0:
        raise ValueError("card number characters are digits or capital letters")
    return index


def card_number_check_char(first8: str) -> str:
    """The check character for the first eight characters; ``ValueError`` if they are not
    eight digits/capital letters."""
    if len(first8) != 8:
        raise ValueError("the check character covers exactly eight characters")
    total = sum(_value(c) * w for c, w in zip(first8, WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 10:
        return "X"
    if check == 11:
        return "0"
    return str(check)


def card_number_is_valid(number: str) -> bool:
    """Nine characters whose last is the right check character for the first eight."""
    if len(number) != 9:
        return False
    try:
        return card_number_check_char(number[:8]) == number[8]
    except ValueError:
        return False
