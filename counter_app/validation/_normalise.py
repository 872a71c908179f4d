"""Width folding shared by the validators of typed-in numbers (ID, phone, card number)."""

from __future__ import annotations

import unicodedata


def fold_width(text: str) -> str:
    """Map full-width ASCII forms (U+FF01–U+FF5E) and the ideographic space to ASCII.

    Chinese input methods in full-width mode type ０-９, Ｘ and －; those are the same keys
    and are accepted. NFKC is applied to those characters only, not to the whole text: a
    whole-text NFKC would also turn ①, ² or 𝟏 into digits, which nobody types on purpose,
    so those stay as they are and are refused by the caller with their code point named.
    """
    return "".join(
        unicodedata.normalize("NFKC", ch) if "\uff01" <= ch <= "\uff5e" or ch == "\u3000" else ch
        for ch in text
    )
