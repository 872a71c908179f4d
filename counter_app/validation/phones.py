"""Contact phone numbers: mainland mobile numbers and landlines.

Normalised forms: a mobile number as its 11 digits (``13812345678``); a landline as
``area-subscriber`` with an optional ``-extension`` (``023-68888888``, ``0571-8888888-123``).

Why not ``phonenumbers`` (tried): its metadata refuses numbers whose block or length it does
not list — a mobile block allocated after the installed release, a 7-digit number in an
area that has moved to 8 digits but still appears on old records — and a counter must not
turn a holder away over a number the holder actually uses. It also normalises to another
layout (``023 6888 8888``) than the one stored in the records. The rules here are the
structural ones (mobile ``1[3-9]`` + 9 digits, real area-code shapes, subscriber lengths),
each refusal with its own Chinese message.
"""

from __future__ import annotations

import re
from typing import Final

from counter_app.validation._normalise import fold_width
from counter_app.validation.errors import FIELD_PHONE, ValidationError, describe_char

CHONGQING_AREA_CODE: Final = "023"
_MOBILE: Final = re.compile(r"1[3-9]\d{9}")
_SPACES: Final = re.compile(r"\s+")
_DASHES: Final = re.compile(r"[\u2010-\u2015\u2212]")  # typographic dashes → "-"
_EXTENSION_MARKS: Final = re.compile(r"转|分机|ext\.?|#", re.IGNORECASE)
_ALLOWED: Final = frozenset("0123456789-+()")
_ADVICE: Final = "请核对后重新输入。"


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, field=FIELD_PHONE, code=code)


def validate_phone(text: str) -> str:
    """Check a phone number as typed and return it normalised.

    Mobile: 11 digits ``1[3-9]…``, an optional ``+86``/``0086`` prefix is dropped, spaces
    and hyphens between groups are ignored. Landline: area code (010, 02x, or 4 digits
    0[3-9]xx) and a subscriber number of 7–8 digits not starting with 0 or 1 (8 digits for
    Chongqing, 023), optionally ``(023)``-bracketed, optionally an extension of 1–6 digits
    after ``-``, ``转`` or ``#``. Raises :class:`ValidationError` naming the problem.
    """
    raw = _SPACES.sub("", _DASHES.sub("-", fold_width(text)))
    if not raw:
        raise _refuse("未输入联系电话。请输入手机号码或带区号的固定电话。", "empty")

    raw = _EXTENSION_MARKS.sub("-", raw, count=1)
    for index, ch in enumerate(raw):
        if ch not in _ALLOWED:
            shown = describe_char(ch)
            raise _refuse(
                (
                    f"电话号码中有不能识别的字符{shown}（第{index + 1}个）。"
                    if shown.startswith("“")
                    else f"电话号码第{index + 1}个字符是{shown}。"
                )
                + "只能输入数字，分机号前可用“-”或“转”。"
                + _ADVICE,
                "character",
            )

    international = False
    if raw.startswith("+"):
        if not raw.startswith("+86"):
            raise _refuse(
                "只受理中国大陆的电话号码（+86）。" + _ADVICE,
                "country",
            )
        raw, international = raw[3:].lstrip("-"), True
    elif raw.startswith("0086"):
        raw, international = raw[4:].lstrip("-"), True
    if international and not raw.replace("-", ""):
        raise _refuse("只输入了国际区号，没有电话号码。" + _ADVICE, "empty")
    if "+" in raw:
        raise _refuse("“+”只能出现在国际区号 +86 之前。" + _ADVICE, "character")

    raw = _unbracket_area_code(raw)

    compact = raw.replace("-", "")
    if compact.startswith("1"):
        return _mobile(compact)
    if international and not raw.startswith("0"):
        # +86 23 68888888: the area code loses its leading 0 in international form.
        raw = "0" + raw
    return _landline(raw)


def _unbracket_area_code(raw: str) -> str:
    if "(" not in raw and ")" not in raw:
        return raw
    match = re.fullmatch(r"\((0\d{2,3})\)-?(.*)", raw)
    if match is None:
        raise _refuse(
            "括号只能用于括住区号，如 (023)68888888。" + _ADVICE,
            "character",
        )
    return f"{match.group(1)}-{match.group(2)}"


def _mobile(digits: str) -> str:
    if len(digits) != 11:
        raise _refuse(
            f"手机号码应为11位，输入的是{len(digits)}位。" + _ADVICE,
            "mobile_length",
        )
    if not _MOBILE.fullmatch(digits):
        raise _refuse(
            f"手机号码 {digits} 的第二位应为3–9。" + _ADVICE,
            "mobile_prefix",
        )
    return digits


def _split_area(digits: str) -> tuple[str, str]:
    """Split a leading area code off a digit string; area codes are prefix-free."""
    if digits.startswith(("010", "02")):
        return digits[:3], digits[3:]
    return digits[:4], digits[4:]


def _is_area_code(area: str) -> bool:
    if len(area) == 3:
        return area == "010" or area.startswith("02")
    return len(area) == 4 and area[0] == "0" and area[1] in "3456789"


def _landline(raw: str) -> str:
    parts = raw.split("-")
    if any(not p for p in parts) or len(parts) > 3:
        raise _refuse(
            "电话号码的分隔符“-”位置不对。固定电话请按“区号-号码”或“区号-号码-分机号”输入。"
            + _ADVICE,
            "format",
        )
    if not parts[0].startswith("0"):
        raise _refuse(
            "固定电话请带区号输入（重庆为023，如 023-68888888）；手机号码应以1开头。" + _ADVICE,
            "area_code_missing",
        )
    if parts[0].startswith("00"):
        raise _refuse("只受理中国大陆的电话号码。" + _ADVICE, "country")

    area, rest = _split_area(parts[0])
    if len(parts) == 1:
        subscriber, extension = rest, ""
    elif rest:  # "02368888888-123": the first group holds area code and number
        if len(parts) == 3:
            raise _refuse(
                "电话号码的分隔符“-”太多。请按“区号-号码-分机号”输入。" + _ADVICE, "format"
            )
        subscriber, extension = rest, parts[1]
    else:
        subscriber = parts[1]
        extension = parts[2] if len(parts) == 3 else ""

    if not _is_area_code(area):
        raise _refuse(f"区号 {area} 不存在。" + _ADVICE, "area_code")

    expected = "8" if area == CHONGQING_AREA_CODE else "7–8"
    valid_length = len(subscriber) == 8 or (area != CHONGQING_AREA_CODE and len(subscriber) == 7)
    if not valid_length:
        raise _refuse(
            f"区号 {area} 后的电话号码应为{expected}位，输入的是{len(subscriber)}位。" + _ADVICE,
            "landline_length",
        )
    if subscriber[0] in "01":
        raise _refuse(
            f"固定电话号码 {subscriber} 不能以{subscriber[0]}开头。" + _ADVICE,
            "landline_prefix",
        )
    if len(extension) > 6:
        raise _refuse(
            f"分机号 {extension} 太长（最多6位）。" + _ADVICE,
            "extension",
        )
    number = f"{area}-{subscriber}"
    return f"{number}-{extension}" if extension else number
