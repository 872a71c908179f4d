"""Holder names (姓名) as stored in the database and written to the card.

The chip holds the name in GBK: 姓名 (tag 09) takes at most 30 bytes and the overflow goes to
姓名扩展 (tag 4E, at most 20 bytes), split on a character boundary (CARD.md "Files"). A
name may still be valid although the chip cannot hold it: rare characters outside GBK (CJK
extension A such as 䶮 U+4DAE, extension B+ such as 𠮷 U+20BB7) are in GB 18030 and belong
in the holder's record; only writing them to a card is refused, by
:func:`split_name_for_card`, because a card is made with the substitute character the
card-making rules prescribe.
"""

from __future__ import annotations

import unicodedata
from typing import Final

from counter_app.validation.chars import BIDI_CONTROLS, ZERO_WIDTH, char_kind
from counter_app.validation.errors import FIELD_NAME, ValidationError, describe_char

NAME_FIELD_BYTES: Final = 30  # tag 09 姓名
NAME_EXTENSION_BYTES: Final = 20  # tag 4E 姓名扩展
NAME_TOTAL_BYTES: Final = NAME_FIELD_BYTES + NAME_EXTENSION_BYTES

MIDDLE_DOT: Final = "\u00b7"  # the separator of transliterated names: 阿依古丽·买买提
# Dots that look like U+00B7 and come from other input methods or pasted text. Replaced
# silently: the holder's name is the same name. (U+0387 already becomes U+00B7 under NFC.)
_LOOKALIKE_DOTS: Final = {
    ord(ch): MIDDLE_DOT
    for ch in (
        "\u2022",  # • bullet
        "\u30fb",  # ・ katakana middle dot
        "\uff0e",  # ． full-width full stop
        "\u2027",  # ‧ hyphenation point
        "\uff65",  # ･ half-width katakana middle dot
        "\u2219",  # ∙ bullet operator
        "\u22c5",  # ⋅ dot operator
    )
}
_IDEOGRAPHIC_ZERO: Final = "\u3007"  # 〇, a Han character in names although not "CJK UNIFIED"
_ADVICE: Final = "请按证件上的姓名重新输入。"


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, field=FIELD_NAME, code=code)


def _is_han(ch: str) -> bool:
    if ch == _IDEOGRAPHIC_ZERO:
        return True
    name = unicodedata.name(ch, "")
    return name.startswith(("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH"))


def _is_latin(ch: str) -> bool:
    # Names of foreign holders (外国人永久居留身份证) are written in Latin letters.
    return ch.isascii() and ch.isalpha()


def _shown(ch: str) -> str:
    """A visible character in quotes (“1”); nothing for an invisible one, which the reason
    names by its kind (文字方向控制符)."""
    return "" if char_kind(ch) is not None and not ch.isspace() else describe_char(ch)


def _why_refused(ch: str) -> str:
    category = unicodedata.category(ch)
    if ch in BIDI_CONTROLS:
        return "文字方向控制符，看不见但会打乱显示顺序"
    if ch in ZERO_WIDTH:
        return "零宽字符，看不见"
    if category == "Cc":
        return "控制字符"
    if category == "Cs":
        return "无效字符（文字在复制时已损坏）"
    if category == "Co":
        return "私用区字符，各系统显示不一致"
    if category == "Cn":
        return "尚未分配的码位"
    if category.startswith("C"):
        return "格式控制字符，看不见"
    if category == "Nd" or ch.isdigit():
        return "姓名中不能有数字"
    if category.startswith("Z"):
        return "姓名中不能有此空白字符"
    if category.startswith(("P", "S")):
        return "姓名中不能有标点或符号（间隔号请用“·”）"
    return "不是姓名可用的字符"


def normalise_name(text: str) -> str:
    """NFC, look-alike dots made U+00B7, outer whitespace trimmed; no checks."""
    return unicodedata.normalize("NFC", text).translate(_LOOKALIKE_DOTS).strip()


def validate_name(text: str) -> str:
    """Check a holder's name as typed and return it normalised.

    Accepted: Han characters (any CJK block, including ones outside GBK), U+00B7 between two
    parts, and Latin letters with single spaces between words. At most 50 bytes in GB 18030
    laid out as the card's 姓名 (30) + 姓名扩展 (20). Whether the chip can hold the name is
    a separate question: :func:`name_fits_card`.
    Raises :class:`ValidationError` naming the first problem; never anything else.
    """
    name = normalise_name(text)
    if not name:
        raise _refuse("未输入姓名。" + _ADVICE, "empty")

    for index, ch in enumerate(name):
        if _is_han(ch) or _is_latin(ch):
            continue
        if ch == MIDDLE_DOT:
            if index == 0 or index == len(name) - 1:
                raise _refuse(
                    "间隔号 · 不能在姓名的开头或结尾，只用于分隔姓名的各部分。" + _ADVICE,
                    "middle_dot_position",
                )
            if name[index + 1] in (MIDDLE_DOT, " ") or name[index - 1] == " ":
                raise _refuse(
                    "间隔号 · 两边必须是姓名的文字，不能连用或紧挨空格。" + _ADVICE,
                    "middle_dot_position",
                )
            continue
        if ch == " ":
            if not (_is_latin(name[index - 1]) and _is_latin(name[index + 1])):
                raise _refuse(
                    f"姓名第{index + 1}个字符是空格：空格只能用于分隔外文姓名的单词，"
                    "中文姓名中间不能有空格。" + _ADVICE,
                    "space",
                )
            continue
        raise _refuse(
            f"姓名第{index + 1}个字符{_shown(ch)}不允许：{_why_refused(ch)}。" + _ADVICE,
            "character",
        )

    try:
        _layout(name, "gb18030")
    except _TooLong as exc:
        raise _refuse(exc.message, "too_long") from None
    return name


def split_name_for_card(name: str) -> tuple[bytes, bytes]:
    """The GBK bytes for the card's 姓名 (tag 09) and 姓名扩展 (tag 4E), unpadded.

    ``name`` is validated first. 姓名 takes as many whole characters as fit in 30 bytes;
    the rest goes to 姓名扩展 (``b""`` when empty). Raises :class:`ValidationError` when a
    character is not in GBK or the rest does not fit in 20 bytes.
    """
    name = validate_name(name)
    for index, ch in enumerate(name):
        try:
            ch.encode("gbk")
        except UnicodeEncodeError:
            raise _refuse(
                f"姓名第{index + 1}个字{describe_char(ch)}是生僻字，不在GBK字符集内，"
                "卡面/芯片无法写入生僻字。姓名可照常登记，制卡时请按制卡规定使用替代字。",
                "not_gbk",
            ) from None
    try:
        head, tail = _layout(name, "gbk")
    except _TooLong as exc:
        raise _refuse(exc.message, "too_long") from None
    return head.encode("gbk"), tail.encode("gbk")


def name_fits_card(name: str) -> bool:
    """True when :func:`split_name_for_card` would succeed."""
    try:
        split_name_for_card(name)
    except ValidationError:
        return False
    return True


class _TooLong(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _layout(name: str, encoding: str) -> tuple[str, str]:
    """Split ``name`` into the part for 姓名 and the part for 姓名扩展 (whole characters)."""
    total = len(name.encode(encoding))
    if total > NAME_TOTAL_BYTES:
        raise _TooLong(
            f"姓名过长：共{total}字节，卡上的姓名和姓名扩展合计最多{NAME_TOTAL_BYTES}字节"
            "（一个汉字占2字节）。请核对姓名；确属超长姓名的，请按制卡规定处理。"
        )
    used = 0
    cut = len(name)
    for index, ch in enumerate(name):
        size = len(ch.encode(encoding))
        if used + size > NAME_FIELD_BYTES:
            cut = index
            break
        used += size
    head, tail = name[:cut], name[cut:]
    tail_bytes = len(tail.encode(encoding))
    if tail_bytes > NAME_EXTENSION_BYTES:
        raise _TooLong(
            f"姓名无法按字分入卡上的姓名（{NAME_FIELD_BYTES}字节）和姓名扩展"
            f"（{NAME_EXTENSION_BYTES}字节）：姓名部分用了{used}字节，余下{tail_bytes}字节"
            f"超过{NAME_EXTENSION_BYTES}字节。请核对姓名；确属超长姓名的，请按制卡规定处理。"
        )
    return head, tail
