"""Citizen ID numbers (公民身份号码) per GB 11643-1999.

18 characters: 6-digit region code, 8-digit birth date YYYYMMDD, 3-digit sequence (odd for
men, even for women), and a check character by ISO 7064 MOD 11-2 (``X`` stands for 10).
The number is also the holder's social security number (RULES.md C1), so a refusal here
keeps a wrong holder record from ever being created.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Final

from counter_app.validation._normalise import fold_width
from counter_app.validation.errors import FIELD_ID_NUMBER, ValidationError, describe_char
from counter_app.validation.regions import PROVINCE_PREFIXES, is_known_region_code

WEIGHTS: Final = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS: Final = "10X98765432"  # index: weighted sum mod 11
_EARLIEST_BIRTH: Final = date(1900, 1, 1)
# Separators people type or paste between digit groups; removed before any check.
_SEPARATORS: Final = re.compile(r"[\s\-\u2010-\u2015\u2212]+")
_ASCII_DIGITS: Final = frozenset("0123456789")
_ADVICE: Final = "请核对证件后重新输入。"


@dataclass(frozen=True, slots=True)
class IdNumber:
    """A citizen ID number that passed every check of :func:`parse_id_number`."""

    number: str  # 18 characters, the check character upper case
    region_code: str  # the first 6 digits: where the number was issued
    birth_date: date
    gender: str  # GB/T 2261.1: "1" male, "2" female, from the parity of the 17th digit
    sequence: str  # digits 15–17

    def __str__(self) -> str:
        return self.number


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, field=FIELD_ID_NUMBER, code=code)


def check_digit(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits: ``0``–``9`` or ``X``."""
    if len(first17) != 17 or not set(first17) <= _ASCII_DIGITS:
        raise _refuse(
            f"计算校验位需要17位数字，收到的是「{first17}」（{len(first17)}位）。",
            "check_digit_input",
        )
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def convert_15_to_18(old: str) -> str:
    """The 18-digit number for a 15-digit one (GB 11643-1989): insert ``19`` before the
    two-digit year and append the check character.

    Only the format is converted; the old number's date is not checked here.
    """
    digits = _SEPARATORS.sub("", fold_width(old))
    if len(digits) != 15 or not set(digits) <= _ASCII_DIGITS:
        raise _refuse(
            f"15位旧身份证号码应为15位数字，收到的是「{old}」，无法换算为18位号码。",
            "old_number_format",
        )
    first17 = digits[:6] + "19" + digits[6:]
    return first17 + check_digit(first17)


def normalise_id_number(text: str) -> str:
    """Full-width forms folded, spaces and hyphens removed, ``x`` made ``X``; no checks."""
    return _SEPARATORS.sub("", fold_width(text)).upper()


def parse_id_number(text: str, today: date | None = None) -> IdNumber:
    """Check an ID number as typed and return it normalised with its parts.

    ``today`` (default: the local date) bounds the birth date; pass it in tests.
    Raises :class:`ValidationError` naming the first problem found; never anything else.
    """
    number = normalise_id_number(text)
    if not number:
        raise _refuse("未输入身份证号码。请输入18位公民身份号码。", "empty")

    if len(number) == 15 and set(number) <= _ASCII_DIGITS:
        converted = convert_15_to_18(number)
        raise _refuse(
            f"这是15位旧身份证号码，已不再受理。按规则换算的18位号码应为 {converted}，"
            "但请以持卡人现行的18位居民身份证为准：请其出示现行证件后重新输入。",
            "old_15_digit",
        )

    if len(number) != 18:
        raise _refuse(
            f"身份证号码应为18位，输入的是{len(number)}位。{_ADVICE}",
            "length",
        )

    for position, ch in enumerate(number, start=1):
        if ch in _ASCII_DIGITS or (position == 18 and ch == "X"):
            continue
        where = "最后一位只能是数字或X" if position == 18 else "前17位只能是数字"
        raise _refuse(
            f"身份证号码第{position}位是{describe_char(ch)}，{where}。{_ADVICE}",
            "character",
        )

    prefix = number[:2]
    if prefix not in PROVINCE_PREFIXES:
        raise _refuse(
            f"身份证号码前两位 {prefix} 不是有效的省级行政区划代码。{_ADVICE}",
            "region",
        )
    if not is_known_region_code(number[:6]):
        # Old numbers keep abolished codes (they are in the list); a code never listed is a
        # typing error or an invented number.
        raise _refuse(
            f"身份证号码前六位 {number[:6]} 不是有效的行政区划代码（GB/T 2260 历年代码中没有）。"
            f"{_ADVICE}",
            "region",
        )

    birth = _birth_date(number[6:14])
    today = today if today is not None else date.today()
    if birth > today:
        raise _refuse(
            f"身份证号码中的出生日期 {birth.isoformat()} 晚于今天（{today.isoformat()}）。"
            f"{_ADVICE}",
            "birth_future",
        )
    if birth < _EARLIEST_BIRTH:
        raise _refuse(
            f"身份证号码中的出生日期 {birth.isoformat()} 早于1900年1月1日，不予受理。{_ADVICE}",
            "birth_too_early",
        )

    expected = check_digit(number[:17])
    if number[17] != expected:
        raise _refuse(
            f"身份证号码校验位错误：按前17位计算应为 {expected}，实际为 {number[17]}。{_ADVICE}",
            "check_digit",
        )

    return IdNumber(
        number=number,
        region_code=number[:6],
        birth_date=birth,
        gender="1" if int(number[16]) % 2 == 1 else "2",
        sequence=number[14:17],
    )


def is_valid_id_number(text: str, today: date | None = None) -> bool:
    """True when :func:`parse_id_number` would accept ``text``."""
    try:
        parse_id_number(text, today)
    except ValidationError:
        return False
    return True


def _birth_date(yyyymmdd: str) -> date:
    year, month, day = int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:])
    try:
        return date(year, month, day)
    except ValueError:
        pass
    if not 1 <= month <= 12:
        problem = f"月份 {yyyymmdd[4:6]} 不存在"
    elif day == 0:
        problem = "日 00 不存在"
    elif year == 0:
        problem = "年份 0000 不存在"
    else:
        problem = f"{year}年{month}月没有{day}日"
        if month == 2 and day == 29:
            problem += f"（{year}年不是闰年）"
    raise _refuse(
        f"身份证号码第7–14位出生日期 {yyyymmdd} 不是有效日期：{problem}。{_ADVICE}",
        "birth_date",
    )
