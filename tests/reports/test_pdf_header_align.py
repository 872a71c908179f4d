"""A report table's header sits over its column the way the column's cells do: over
right-aligned numbers the header is right-aligned too (not left-aligned above a number at
the other edge of the cell)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from pypdf import PdfReader

from reports.model import Cell, Rendered, Table
from reports.pdf import render_pdf


class _Counts:
    def rendered(self) -> Rendered:
        table = Table(
            "业务笔数", ("业务名称", "办理笔数"), (("密码解锁", 12345), ("解除挂失", 67890))
        )
        return Rendered("社会保障卡业务日报", (("日期", "2026-12-07"),), (table,))

    def csv_columns(self) -> Sequence[str]:
        return ("业务名称", "办理笔数")

    def csv_rows(self) -> Sequence[Sequence[Cell]]:
        return ()


def _ends() -> dict[str, tuple[float, float]]:
    """(x where the text starts, x where it ends) of each text run on the first page."""
    page = PdfReader(io.BytesIO(render_pdf(_Counts()))).pages[0]
    found: dict[str, tuple[float, float]] = {}

    def visit(text: str, _cm: object, tm: Sequence[float], _font: object, size: float) -> None:
        text = text.strip()
        if text:
            found.setdefault(text, (tm[4], tm[4]))

    page.extract_text(visitor_text=visit)
    return found


def test_the_header_of_a_number_column_is_right_aligned_like_its_numbers() -> None:
    found = _ends()
    header = next(x for text, (x, _) in found.items() if "办理笔数" in text)
    number = next(x for text, (x, _) in found.items() if "12345" in text or "12,345" in text)
    name_header = next(x for text, (x, _) in found.items() if "业务名称" in text)
    name_cell = next(x for text, (x, _) in found.items() if "密码解锁" in text)
    assert abs(name_header - name_cell) < 1  # text column: both start at the left edge
    # Right-aligned: the four-character header starts to the right of where a left-aligned
    # header would (the column's left edge, well left of the five-digit number).
    assert number - 40 < header <= number
