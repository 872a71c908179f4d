"""A refused character is named in the clerk's words (STYLE.md, screens a clerk reads): a
visible one by itself in quotes (“X”), an invisible one by its kind (文字方向控制符, 零宽空格)
— never by a code point such as U+0058, which a clerk cannot read. The bidirectional
controls (U+202A–U+202E, U+2066–U+2069, U+200E/U+200F, U+061C) are refused by the input
policy of every field and by the storage guard behind the services (counter_app.db)."""

from __future__ import annotations

import pytest

from counter_app.db import _stored_text_problem
from counter_app.validation import text_policy
from counter_app.validation.chars import BIDI_CONTROLS, describe_char
from counter_app.validation.text_policy import TextField, TextRefused, clean_text

BIDI = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))] + [
    "\u200e",
    "\u200f",
    "\u061c",
]
FIELDS = [v for v in vars(text_policy).values() if isinstance(v, TextField)]


def test_the_bidi_controls_are_the_ones_the_policy_names() -> None:
    assert set(BIDI) == BIDI_CONTROLS


@pytest.mark.parametrize("char", BIDI)
@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f.key)
def test_every_field_refuses_a_bidi_control_in_chinese(field: TextField, char: str) -> None:
    with pytest.raises(TextRefused) as refused:
        clean_text(f"王建国{char}1968-03-15", field)
    message = str(refused.value)
    assert "第4个字符" in message and "文字方向控制符" in message
    assert "U+" not in message and char not in message


@pytest.mark.parametrize("char", [*BIDI, "\u200b", "\x01"])
def test_the_storage_guard_refuses_it_in_chinese(char: str) -> None:
    problem = _stored_text_problem(f"解放碑{char}", None)
    assert problem is not None and problem.startswith("第4个字符是看不见的")
    assert "U+" not in problem and char not in problem


@pytest.mark.parametrize(
    ("char", "said"),
    [
        ("X", "“X”"),
        ("中", "“中”"),
        ("\u202e", "看不见的文字方向控制符"),
        ("\u200b", "看不见的零宽空格"),
        ("\ufeff", "看不见的零宽字符"),
        ("\x1b", "看不见的控制字符"),
        ("\u3000", "全角空格"),
    ],
)
def test_a_character_is_named_by_itself_or_by_its_kind(char: str, said: str) -> None:
    assert describe_char(char) == said
