"""Drawing helpers shared by every form: text in runs of fonts, wrapping, field grids, QR.

Coordinates are PDF points from the bottom-left of an A4 page. Every helper that lays out a
block takes the *top* of the block and returns its bottom, so a form reads top to bottom.
No text is drawn outside ``MARGIN``: long values wrap inside their cell (CJK line breaking
with the usual rules for punctuation) and names shrink to fit before they wrap.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm as _mm
from reportlab.pdfgen.canvas import Canvas

from forms.fonts import FontSet

mm: float = _mm
PAGE_WIDTH: float = A4[0]
PAGE_HEIGHT: float = A4[1]
MARGIN = 15 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
LEFT = MARGIN
RIGHT = PAGE_WIDTH - MARGIN
TOP = PAGE_HEIGHT - MARGIN
BOTTOM = MARGIN

LABEL_WIDTH = 28.5 * mm
LABEL_SIZE = 9.5
VALUE_SIZE = 10.5
MIN_FIT_SIZE = 7.5
CELL_PAD = 1.8 * mm
MIN_ROW_HEIGHT = 8 * mm
CUT_MARK = "…（以下从略）"
LABEL_GRAY = 0.92
LINE_WIDTH = 0.6

# Chinese line breaking (禁则): these never start a line / never end one.
NO_LINE_START = frozenset("，。、；：？！）》」』〕】〉…—·,.;:?!)]}%’”")
NO_LINE_END = frozenset("（《「『〔【〈([{‘“")
_TOKEN = re.compile(r"[A-Za-z0-9@#&_\-./:+*']+|\s+|.", re.S)


@dataclass(frozen=True)
class Field:
    """One label/value cell of a grid row.

    ``weight`` shares the row's value width among its fields; ``fit`` shrinks the value to one
    line (down to ``MIN_FIT_SIZE``) before wrapping it, for names; ``min_lines`` reserves room
    for handwriting or long text.
    """

    label: str
    value: str
    weight: float = 1.0
    fit: bool = False
    min_lines: int = 1
    #: The most lines the cell may take, whatever the value (the page must keep room for the
    #: declaration and signatures): a longer value is set smaller, down to ``MIN_FIT_SIZE``,
    #: and what still does not fit is cut with :data:`CUT_MARK`. Services limit the lengths
    #: they accept (``counter_app.validation.text_policy``) so that this never cuts a
    #: value a service accepted.
    max_lines: int = 3


#: The most tokens moved to the next line to keep a bracket or a stop in its place.
_MAX_CARRY = 3


class Sheet:
    """One canvas and the fonts to draw on it with."""

    def __init__(self, canvas: Canvas, fonts: FontSet) -> None:
        self.canvas = canvas
        self.fonts = fonts

    # --- text -----------------------------------------------------------------------
    def width(self, text: str, size: float) -> float:
        return self.fonts.width(text, size)

    def text(self, x: float, y: float, text: str, size: float, *, bold: bool = False) -> None:
        """Draw one line at baseline ``y``, each character in the first font that has it."""
        if not text:
            return
        runs = self.fonts.runs(text, strict=True)
        c = self.canvas
        obj = c.beginText(x, y)
        if bold:
            c.saveState()
            c.setLineWidth(size * 0.035)
            obj.setTextRenderMode(2)
        for name, piece in runs:
            obj.setFont(name, size)
            obj.textOut(piece)
        c.drawText(obj)
        if bold:
            c.restoreState()

    def text_center(
        self, cx: float, y: float, text: str, size: float, *, bold: bool = False
    ) -> None:
        self.text(cx - self.width(text, size) / 2, y, text, size, bold=bold)

    def text_right(
        self, xr: float, y: float, text: str, size: float, *, bold: bool = False
    ) -> None:
        self.text(xr - self.width(text, size), y, text, size, bold=bold)

    def wrap(self, text: str, width: float, size: float) -> list[str]:
        """``text`` broken into lines no wider than ``width`` (newlines start new lines)."""
        lines: list[str] = []
        for para in text.replace("\r\n", "\n").split("\n"):
            lines.extend(self._wrap_paragraph(para, width, size))
        return lines

    def _wrap_paragraph(self, para: str, width: float, size: float) -> list[str]:
        lines: list[str] = []
        cur: list[str] = []
        tokens = _TOKEN.findall(para)
        i = 0
        while i < len(tokens):
            tok = " " if tokens[i].isspace() else tokens[i]
            i += 1
            if tok == " " and not cur:
                continue
            if len(tok) > 1 and self.width(tok, size) > width:  # longer than a line: split it
                tokens[i:i] = list(tok)
                continue
            if not cur or self.width("".join(cur) + tok, size) <= width:
                cur.append(tok)
                continue
            if tok == " ":
                lines.append("".join(cur).rstrip())
                cur = []
                continue
            carry: list[str] = []
            if tok in NO_LINE_START:  # pull the word before it down with it
                while len(cur) > 1 and (not carry or carry[0] in NO_LINE_START or carry[0] == " "):
                    carry.insert(0, cur.pop())
            while len(cur) > 1 and cur[-1] in NO_LINE_END:
                carry.insert(0, cur.pop())
            if len(carry) > _MAX_CARRY or self.width("".join(carry) + tok, size) > width:
                # A run of punctuation, not a word or two: keeping it together left one
                # character per line (a run of "（" longer than a line became a column of
                # them) — break inside it instead.
                cur.extend(carry)
                carry = []
            while carry and carry[0] == " ":
                carry.pop(0)
            lines.append("".join(cur).rstrip())
            cur = [*carry, tok]
        lines.append("".join(cur).rstrip())
        return lines

    def fit(self, text: str, width: float, size: float) -> tuple[list[str], float]:
        """One line shrunk to fit ``width`` (not below ``MIN_FIT_SIZE``), else wrapped lines."""
        natural = self.width(text, 1.0)
        if natural * size <= width:
            return [text], size
        fitted = width / natural if natural else size
        if fitted >= MIN_FIT_SIZE:
            return [text], fitted
        return self.wrap(text, width, MIN_FIT_SIZE), MIN_FIT_SIZE

    def bounded(self, text: str, width: float, max_lines: int) -> tuple[list[str], float]:
        """``text`` in at most ``max_lines`` lines: the largest size from ``VALUE_SIZE`` down
        to ``MIN_FIT_SIZE`` at which it fits, else cut at ``MIN_FIT_SIZE`` with CUT_MARK."""
        size = VALUE_SIZE
        while size >= MIN_FIT_SIZE:
            lines = self.wrap(text, width, size)
            if len(lines) <= max_lines:
                return lines, size
            size -= 0.5
        size = MIN_FIT_SIZE
        lines = self.wrap(text, width, size)[:max_lines]
        last = lines[-1] if lines else ""
        while last and self.width(last + CUT_MARK, size) > width:
            last = last[:-1]
        lines[-1:] = [last + CUT_MARK]
        return lines, size

    def paragraph(
        self,
        x: float,
        top: float,
        width: float,
        text: str,
        size: float,
        leading: float | None = None,
        *,
        bold: bool = False,
    ) -> float:
        """Draw wrapped ``text`` from ``top`` down; returns the bottom of the last line."""
        leading = leading or size * 1.45
        y = top
        for line in self.wrap(text, width, size):
            self.text(x, y - size * 1.05, line, size, bold=bold)
            y -= leading
        return y

    # --- shapes ---------------------------------------------------------------------
    def rect(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        *,
        fill_gray: float | None = None,
        line_width: float = LINE_WIDTH,
        stroke: bool = True,
    ) -> None:
        c = self.canvas
        c.saveState()
        c.setLineWidth(line_width)
        if fill_gray is not None:
            c.setFillGray(fill_gray)
        c.rect(x, y, w, h, stroke=int(stroke), fill=int(fill_gray is not None))
        c.restoreState()

    def line(
        self,
        x1: float,
        y1: float,
        x2: float,
        y2: float,
        *,
        width: float = LINE_WIDTH,
        dash: Sequence[float] | None = None,
    ) -> None:
        c = self.canvas
        c.saveState()
        c.setLineWidth(width)
        if dash:
            c.setDash(list(dash))
        c.line(x1, y1, x2, y2)
        c.restoreState()

    # --- blocks ---------------------------------------------------------------------
    def section(self, top: float, title: str) -> float:
        """A shaded bar naming the fields below it."""
        height = 6.5 * mm
        self.rect(LEFT, top - height, CONTENT_WIDTH, height, fill_gray=0.80)
        self.text(LEFT + CELL_PAD, top - height + 2.0 * mm, title, 10.5, bold=True)
        return top - height

    def fields(self, top: float, rows: Sequence[Sequence[Field]]) -> float:
        """A grid: each row a full-width line of label/value cells. Returns its bottom."""
        y = top
        for row in rows:
            y = self._row(y, row)
        return y

    def _row(self, top: float, row: Sequence[Field]) -> float:
        value_total = CONTENT_WIDTH - LABEL_WIDTH * len(row)
        weights = sum(f.weight for f in row)
        label_inner = LABEL_WIDTH - 2 * CELL_PAD
        cells: list[tuple[Field, float, list[str], float, list[str]]] = []
        height = MIN_ROW_HEIGHT
        for f in row:
            width = value_total * f.weight / weights
            inner = width - 2 * CELL_PAD
            if f.fit:
                lines, size = self.fit(f.value, inner, VALUE_SIZE)
            else:
                lines, size = self.wrap(f.value, inner, VALUE_SIZE), VALUE_SIZE
            if len(lines) > max(f.max_lines, f.min_lines):
                lines, size = self.bounded(f.value, inner, max(f.max_lines, f.min_lines))
            label_lines = self.wrap(f.label, label_inner, LABEL_SIZE)
            need = max(len(lines), f.min_lines) * size * 1.4
            need = max(need, len(label_lines) * LABEL_SIZE * 1.3) + 2 * CELL_PAD
            height = max(height, need)
            cells.append((f, width, lines, size, label_lines))
        bottom = top - height
        x = LEFT
        for f, width, lines, size, label_lines in cells:
            self.rect(x, bottom, LABEL_WIDTH, height, fill_gray=LABEL_GRAY)
            self._block(x + CELL_PAD, top, height, label_lines, LABEL_SIZE, 1.3)
            x += LABEL_WIDTH
            self.rect(x, bottom, width, height)
            self._block(
                x + CELL_PAD,
                top,
                height,
                lines,
                size,
                1.4,
                top_aligned=f.min_lines > 1 or len(lines) > 2,
            )
            x += width
        return bottom

    def _block(
        self,
        x: float,
        top: float,
        height: float,
        lines: Sequence[str],
        size: float,
        leading_factor: float,
        *,
        top_aligned: bool = False,
    ) -> None:
        leading = size * leading_factor
        block = len(lines) * leading
        offset = CELL_PAD if top_aligned else (height - block) / 2
        for i, line in enumerate(lines):
            baseline = top - offset - i * leading - (leading + size * 0.7) / 2
            self.text(x, baseline, line, size)

    def boxed_paragraph(self, top: float, title: str, text: str, size: float = 9.5) -> float:
        """A framed paragraph (a declaration, notes). Returns its bottom."""
        inner = CONTENT_WIDTH - 2 * CELL_PAD
        leading = size * 1.5
        body = self.wrap(text, inner, size)
        height = (len(body) + (1 if title else 0)) * leading + 2 * CELL_PAD
        self.rect(LEFT, top - height, CONTENT_WIDTH, height)
        y = top - CELL_PAD
        if title:
            self.text(LEFT + CELL_PAD, y - size * 1.1, title, size, bold=True)
            y -= leading
        for line in body:
            self.text(LEFT + CELL_PAD, y - size * 1.1, line, size)
            y -= leading
        return top - height


@dataclass(frozen=True)
class QrModules:
    """A QR code as dark rectangles (x, y, w, h) relative to its bottom-left corner."""

    size: float
    rects: tuple[tuple[float, float, float, float], ...]
    #: A name derived from the payload (same payload, same name: the PDF stays deterministic).
    name: str = "qr"


def qr_modules(payload: str, size: float) -> QrModules:
    """The QR code of ``payload`` (error correction M), ``size`` points square.

    reportlab's QR widget encodes the payload; its module matrix is turned into one rectangle
    per run of dark modules in a row and drawn as a single path, rather than through the
    widget's shapes and renderPDF (slow, and they put a non-embedded Helvetica into the PDF).
    """
    widget = QrCodeWidget(payload, barLevel="M", barBorder=0, barWidth=size, barHeight=size)
    encoder = widget.qr
    encoder.make()
    count = encoder.getModuleCount()
    box = size / count
    # Runs of dark modules per row; a run repeated in the rows below grows into one rectangle.
    open_runs: dict[tuple[int, int], int] = {}  # (start, end) -> first row
    spans: list[tuple[int, int, int, int]] = []  # start, end, first row, last row
    for r, row in enumerate([*encoder.modules, [False] * count]):
        runs: set[tuple[int, int]] = set()
        c = 0
        while c < count:
            if row[c]:
                start = c
                while c < count and row[c]:
                    c += 1
                runs.add((start, c))
            else:
                c += 1
        for run in list(open_runs):
            if run not in runs:
                spans.append((*run, open_runs.pop(run), r - 1))
        for run in runs:
            open_runs.setdefault(run, r)
    rects = [
        (start * box, size - (last + 1) * box, (end - start) * box, (last - first + 1) * box)
        for start, end, first, last in sorted(spans, key=lambda s: (s[2], s[0]))
    ]
    digest = hashlib.sha256(payload.encode("utf-8")).hexdigest()[:12]
    return QrModules(size, tuple(rects), f"qr{digest}")


def draw_qr(sheet: Sheet, qr: QrModules, x: float, y: float) -> None:
    """Draw ``qr`` with its bottom-left corner at (x, y).

    The modules are drawn once per document into a form XObject; every page reuses it.
    """
    c = sheet.canvas
    name = qr.name
    if not c.hasForm(name):
        c.beginForm(name, lowerx=0, lowery=0, upperx=qr.size, uppery=qr.size)
        path = c.beginPath()
        for rx, ry, rw, rh in qr.rects:
            path.rect(rx, ry, rw, rh)
        c.setFillGray(0)
        c.drawPath(path, stroke=0, fill=1)
        c.endForm()
    c.saveState()
    c.translate(x, y)
    c.doForm(name)
    c.restoreState()
