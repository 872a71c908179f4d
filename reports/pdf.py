"""Reports as PDF: the forms' embedded CJK TrueType font, tables that continue over pages
with their header repeated, and bar charts drawn with ``reportlab.graphics``.

Any :class:`reports.model.Report` renders here through its :class:`~reports.model.Rendered`
content; numbers are right-aligned, text that is too wide shrinks and then wraps onto more
lines of the same row (a table cell is never cut); a fact line that is too wide is cut with "…".
Characters no installed font can draw are printed as "?" instead of failing the report.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.renderPDF import draw as draw_drawing
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from forms.fonts import FontSet, default_fontset
from forms.layout import Sheet
from reports.model import Cell, Chart, Progress, Rendered, Report, Steps, Table

MARGIN = 14 * mm
TITLE_SIZE = 15.0
FACT_SIZE = 9.0
TABLE_TITLE_SIZE = 10.5
CELL_SIZE = 8.0
MIN_CELL_SIZE = 6.0
ROW_HEIGHT = 5.2 * mm
#: Each further line of a wrapped cell adds this much to its row.
LINE_HEIGHT = 3.6 * mm
CELL_PAD = 1.2 * mm
HEADER_GRAY = 0.88
BAR_COLOR = Color(0.22, 0.42, 0.69)


def render_pdf(
    report: Report, *, fonts: FontSet | None = None, progress: Progress | None = None
) -> bytes:
    """The PDF of ``report`` (bytes). Fonts default to the forms' (:func:`default_fontset`)."""
    content = report.rendered()
    steps = Steps(len(content.tables) + len(content.charts) + 1, progress)
    buffer = io.BytesIO()
    size = landscape(A4) if content.orientation == "landscape" else A4
    canvas = Canvas(buffer, pagesize=size, invariant=1, pageCompression=1)
    canvas.setTitle(content.title)
    writer = _Writer(canvas, fonts or default_fontset(), size, content.title)
    writer.heading(content)
    for chart in content.charts:
        writer.chart(chart)
        steps.step(chart.title)
    for table in content.tables:
        writer.table(table)
        steps.step(table.title)
    writer.finish()
    canvas.save()
    steps.step("PDF")
    return buffer.getvalue()


def _is_number(cell: Cell) -> bool:
    return isinstance(cell, (int, float)) and not isinstance(cell, bool)


def _numeric_columns(table: Table) -> list[bool]:
    """Per column: every filled cell is a number (drawn right-aligned, and so its header)."""
    flags = []
    for index in range(len(table.columns)):
        cells = [row[index] for row in table.rows if index < len(row) and row[index] is not None]
        flags.append(bool(cells) and all(_is_number(cell) for cell in cells))
    return flags


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float):
        return f"{cell:,.1f}"
    return str(cell)


class _Writer:
    """Draws top to bottom, starting a new page when the next thing would not fit."""

    def __init__(
        self, canvas: Canvas, fonts: FontSet, size: tuple[float, float], title: str
    ) -> None:
        self.canvas = canvas
        self.fonts = fonts
        self.sheet = Sheet(canvas, fonts)
        self.width, self.height = size
        self.left = MARGIN
        self.right = self.width - MARGIN
        self.bottom = MARGIN + 6 * mm
        self.title = title
        self.y = self.height - MARGIN
        #: Per column of the table being drawn: right-aligned numbers (``_numeric_columns``).
        self.numeric: list[bool] = []

    # --- text that never fails on a missing glyph ------------------------------------------
    def _safe(self, text: str) -> str:
        missing = set(self.fonts.missing(text))
        return "".join("?" if c in missing else c for c in text) if missing else text

    def text(self, x: float, y: float, text: str, size: float, *, bold: bool = False) -> None:
        self.sheet.text(x, y, self._safe(text), size, bold=bold)

    def _fit(self, text: str, width: float) -> tuple[str, float]:
        text = self._safe(text)
        size = CELL_SIZE
        while size > MIN_CELL_SIZE and self.fonts.width(text, size) > width:
            size -= 0.5
        if self.fonts.width(text, size) <= width:
            return text, size
        while text and self.fonts.width(text + "…", size) > width:
            text = text[:-1]
        return text + "…", size

    # --- pages -----------------------------------------------------------------------------
    def _footer(self) -> None:
        page = self.canvas.getPageNumber()
        self.text(self.left, MARGIN - 2 * mm, self.title, 7.5)
        footer = f"第 {page} 页"
        self.sheet.text_right(self.right, MARGIN - 2 * mm, footer, 7.5)

    def new_page(self) -> None:
        self._footer()
        self.canvas.showPage()
        self.y = self.height - MARGIN

    def need(self, height: float) -> None:
        if self.y - height < self.bottom:
            self.new_page()

    def finish(self) -> None:
        self._footer()

    # --- blocks ----------------------------------------------------------------------------
    def heading(self, content: Rendered) -> None:
        self.y -= TITLE_SIZE
        self.sheet.text_center(
            self.width / 2, self.y, self._safe(content.title), TITLE_SIZE, bold=True
        )
        self.y -= 4 * mm
        for label, value in content.facts:
            self.need(FACT_SIZE + 2 * mm)
            self.y -= FACT_SIZE + 1.6 * mm
            self.text(self.left, self.y, f"{label}: ", FACT_SIZE, bold=True)
            indent = self.left + 32 * mm
            value, size = self._fit(value, self.right - indent)
            self.text(indent, self.y, value, min(size + 1, FACT_SIZE))
        self.y -= 3 * mm

    def chart(self, chart: Chart) -> None:
        chart_height = 58 * mm
        self.need(chart_height + 12 * mm)
        self.y -= TABLE_TITLE_SIZE + 2 * mm
        self.text(self.left, self.y, chart.title, TABLE_TITLE_SIZE, bold=True)
        width = self.right - self.left
        drawing = Drawing(width, chart_height)
        bars = VerticalBarChart()
        bars.x, bars.y = 12 * mm, 8 * mm
        bars.width, bars.height = width - 16 * mm, chart_height - 12 * mm
        bars.data = [list(chart.values)]
        bars.bars[0].fillColor = BAR_COLOR
        bars.bars[0].strokeColor = None
        bars.valueAxis.valueMin = 0
        top = max(chart.values, default=0)
        bars.valueAxis.valueMax = max(1, top + max(1, top // 10))
        bars.valueAxis.labels.fontName = self.fonts.primary
        bars.valueAxis.labels.fontSize = 7
        bars.categoryAxis.categoryNames = list(chart.labels)
        bars.categoryAxis.labels.fontName = self.fonts.primary
        bars.categoryAxis.labels.fontSize = 7
        bars.barLabelFormat = lambda v: str(int(v)) if v else ""
        bars.barLabels.fontName = self.fonts.primary
        bars.barLabels.fontSize = 6
        bars.barLabels.nudge = 5
        drawing.add(bars)
        self.y -= chart_height + 2 * mm
        draw_drawing(drawing, self.canvas, self.left, self.y)
        self.y -= 3 * mm

    def table(self, table: Table) -> None:
        widths = self._widths(table)
        self.need(TABLE_TITLE_SIZE + 3 * mm + 2 * ROW_HEIGHT)
        self._table_title(table.title)
        self.numeric = _numeric_columns(table)
        self._header(table.columns, widths)
        if not table.rows:
            self.y -= ROW_HEIGHT
            self.text(self.left + CELL_PAD, self.y + 1.6 * mm, table.empty, CELL_SIZE)
        for row in table.rows:
            if self.y - self.row_height(row, widths) < self.bottom:
                self.new_page()
                self._table_title(f"{table.title} (续)")
                self._header(table.columns, widths)
            self._row(row, widths)
        if table.note:
            self.y -= FACT_SIZE + 1 * mm
            self.text(self.left, self.y, table.note, FACT_SIZE - 1)
        self.y -= 4 * mm

    def _widths(self, table: Table) -> list[float]:
        weights: Sequence[float] = table.widths or [1.0] * len(table.columns)
        total = sum(weights)
        return [(self.right - self.left) * w / total for w in weights]

    def _table_title(self, title: str) -> None:
        self.y -= TABLE_TITLE_SIZE + 1.5 * mm
        self.text(self.left, self.y, title, TABLE_TITLE_SIZE, bold=True)
        self.y -= 1.5 * mm

    def _header(self, columns: Sequence[str], widths: Sequence[float]) -> None:
        self.y -= ROW_HEIGHT
        c = self.canvas
        c.saveState()
        c.setFillGray(HEADER_GRAY)
        c.rect(self.left, self.y, self.right - self.left, ROW_HEIGHT, stroke=0, fill=1)
        c.restoreState()
        x = self.left
        numeric = self.numeric
        for index, (name, width) in enumerate(zip(columns, widths, strict=True)):
            text, size = self._fit(name, width - 2 * CELL_PAD)
            if index < len(numeric) and numeric[index]:  # over right-aligned numbers
                self.sheet.text_right(
                    x + width - CELL_PAD, self.y + 1.6 * mm, text, size, bold=True
                )
            else:
                self.text(x + CELL_PAD, self.y + 1.6 * mm, text, size, bold=True)
            x += width

    def _wrap(self, text: str, width: float) -> tuple[list[str], float]:
        """``text`` at the smallest cell size, broken into lines that fit ``width``."""
        text = self._safe(text)
        size = CELL_SIZE
        while size > MIN_CELL_SIZE and self.fonts.width(text, size) > width:
            size -= 0.5
        lines: list[str] = []
        line = ""
        for char in text:
            if line and self.fonts.width(line + char, size) > width:
                lines.append(line)
                line = ""
            line += char
        lines.append(line)
        return lines, size

    def _cells(self, row: Sequence[Cell], widths: Sequence[float]) -> list[tuple[list[str], float]]:
        cells = []
        for cell, width in zip(row, widths, strict=True):
            if _is_number(cell):
                text, size = self._fit(_text(cell), width - 2 * CELL_PAD)
                cells.append(([text], size))
            else:
                cells.append(self._wrap(_text(cell), width - 2 * CELL_PAD))
        return cells

    def row_height(self, row: Sequence[Cell], widths: Sequence[float]) -> float:
        lines = max((len(lines) for lines, _ in self._cells(row, widths)), default=1)
        return float(ROW_HEIGHT + (lines - 1) * LINE_HEIGHT)

    def _row(self, row: Sequence[Cell], widths: Sequence[float]) -> None:
        height = self.row_height(row, widths)
        self.y -= height
        top = self.y + height - ROW_HEIGHT + 1.6 * mm  # the first line's baseline
        x = self.left
        for cell, width, (lines, size) in zip(row, widths, self._cells(row, widths), strict=True):
            if _is_number(cell):
                self.sheet.text_right(x + width - CELL_PAD, top, lines[0], size)
            else:
                for i, line in enumerate(lines):
                    self.text(x + CELL_PAD, top - i * LINE_HEIGHT, line, size)
            x += width
        c = self.canvas
        c.saveState()
        c.setLineWidth(0.3)
        c.setStrokeGray(0.75)
        c.line(self.left, self.y, self.right, self.y)
        c.restoreState()
