"""What a record page holds, as plain strings: the Qt view only lays it out.

A page is a title and a sequence of blocks: a :class:`Fields` block (label/value pairs)
or a :class:`Table` (headers and rows). Every string is final — decoded, formatted,
masked — so a page can be checked without a window and the widget adds no wording.
"""

from __future__ import annotations

from dataclasses import dataclass

#: What an empty list or an absent record says (docs/ARCHITECTURE.md "Screens a clerk reads").
NO_RECORDS = "无记录"


@dataclass(frozen=True)
class Fields:
    """Label/value rows under an optional heading."""

    title: str
    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Table:
    """A titled table; ``numeric`` marks the columns to right-align (amounts, counts)."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        for row in self.rows:
            if len(row) != len(self.headers):
                raise ValueError(f"row of {len(row)} cells under {len(self.headers)} headers")


Block = Fields | Table


@dataclass(frozen=True)
class Page:
    """One record view: a title and its blocks, top to bottom."""

    title: str
    blocks: tuple[Block, ...]

    def strings(self) -> list[str]:
        """Every string the page shows (title, headings, labels, values, headers, cells)."""
        out = [self.title]
        for block in self.blocks:
            out.append(block.title)
            if isinstance(block, Fields):
                for label, value in block.rows:
                    out += [label, value]
            else:
                out += list(block.headers)
                for row in block.rows:
                    out += list(row)
        return [s for s in out if s]


def table(
    title: str, headers: tuple[str, ...], rows: list[tuple[str, ...]], numeric: tuple[int, ...] = ()
) -> Table:
    """A :class:`Table` from a list of rows (the view shows :data:`NO_RECORDS` when empty)."""
    return Table(title, headers, tuple(rows), frozenset(numeric))
