"""How a message names one character: in the clerk's words, never by code point.

A visible character is named by itself in quotes (身份证号码第18位是“A”); one that cannot be
seen — a direction control, a zero-width space, a control character, a special space — is
named by its kind (文字方向控制符, 零宽空格, 控制字符, 全角空格). Such a character is never
echoed: a direction control would reorder the message around it, and an invisible one would
show nothing. Pure functions; no Qt.
"""

from __future__ import annotations

import unicodedata
from typing import Final

#: Bidirectional embeddings, overrides, isolates and marks (U+202A–U+202E, U+2066–U+2069,
#: U+200E/U+200F, U+061C): invisible, they make a text read differently from what is stored.
BIDI_CONTROLS: Final = frozenset("\u200e\u200f\u061c") | frozenset(
    chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))
)
#: Zero-width and other characters that take no room (U+200B…, BOM, soft hyphen).
ZERO_WIDTH: Final = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e")

_SPACES: Final = {" ": "空格", "\u3000": "全角空格", "\u00a0": "不换行空格"}


def char_kind(ch: str) -> str | None:
    """The Chinese name of an invisible or blank character's kind, or None when ``ch`` is
    visible (a letter, digit, ideograph, punctuation or symbol)."""
    if ch in BIDI_CONTROLS:
        return "文字方向控制符"
    if ch == "\u200b":
        return "零宽空格"
    if ch in ZERO_WIDTH:
        return "零宽字符"
    if ch in _SPACES:
        return _SPACES[ch]
    category = unicodedata.category(ch)
    if category == "Cc":
        if ch in "\r\n":
            return "换行符"
        return "制表符" if ch == "\t" else "控制字符"
    if category == "Cs":
        return "无效字符"
    if category == "Co":
        return "私用区字符"
    if category == "Cn":
        return "未分配的字符"
    if category == "Cf":
        return "格式控制字符"
    if category in ("Zl", "Zp"):
        return "行/段分隔符"
    if category == "Zs":
        return "特殊空格"
    return None


def describe_char(ch: str) -> str:
    """Name one character for a message: “X” when visible, a blank by its kind (全角空格),
    anything else as 看不见的 and its kind (看不见的零宽空格)."""
    kind = char_kind(ch)
    if kind is None:
        return f"“{ch}”"
    return kind if ch.isspace() and ch not in "\r\n\t" else f"看不见的{kind}"
