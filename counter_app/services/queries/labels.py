"""A stored code as the clerk's word (STYLE "Screens a clerk reads": codes are decoded).

The record queries decode every code through :func:`word` and a named map: a code missing
from its map is said to be unknown with the code beside it (未知优抚类别（代码 x）), so the
clerk can report it — never shown bare as if it were a word, as ``serviceman_family`` was
(a new clerk's trial). tests/services/test_code_labels.py checks that every value a model
allows (its CHECK ... IN) has a word in the maps that show it.
"""

from __future__ import annotations

from collections.abc import Mapping


def word(table: Mapping[str, str], code: str | None, what: str) -> str:
    """``table[code]``; "" for no code; an unknown one as 未知<what>（代码 <code>）."""
    if code is None or code == "":
        return ""
    known = table.get(code)
    return known if known is not None else f"未知{what}（代码 {code}）"
