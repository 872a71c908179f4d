"""``MissingGlyphs`` tells the administrator which characters no installed font can draw,
as a reader sees them (“𠮷”), so that the font to install can be chosen; a character that
shows nothing alone (a combining mark, a Hangul filler) goes by its code point."""

from __future__ import annotations

from forms.fonts import MissingGlyphs, name_character


def test_missing_characters_are_named_by_themselves() -> None:
    error = MissingGlyphs(["𠮷", "䶮"])
    assert "“𠮷”、“䶮”" in str(error)
    assert "U+" not in str(error)
    assert error.characters == ("𠮷", "䶮")
    assert "fonts-hanazono" in str(error)  # what to install


def test_a_character_invisible_alone_is_named_by_its_code_point() -> None:
    assert name_character("\u0301") == "U+0301（不可见字符）"  # combining acute accent
    assert name_character("\u3164") == "U+3164（不可见字符）"  # Hangul filler
    assert name_character("\U000e0101") == "U+E0101（不可见字符）"  # ideographic variation
    message = str(MissingGlyphs(["𠮷", "\u0301"]))
    assert "“𠮷”、U+0301（不可见字符）" in message and "\u0301" not in message
