"""Reading back what a form drew: text per page with positions, fonts, rendered pixels.

``pdftoppm``/``pdffonts`` come from poppler-utils. A test that needs one is skipped when the
program is missing, except under ``CI=true``, where a missing tool is a failure.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader


def require_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{name} is required under CI=true (install poppler-utils)")
        pytest.skip(f"{name} not installed (poppler-utils)")
    return path


@dataclass(frozen=True)
class Line:
    """One drawn line of text: where it starts, its size, its text."""

    text: str
    x: float
    y: float
    size: float


#: How reportlab starts each line the forms draw: its position, then (bold: render mode
#: 2) its font and size.
_LINE_START = re.compile(rb"BT 1 0 0 1 (-?[\d.]+) (-?[\d.]+) Tm(?: \d Tr)? /\S+ ([\d.]+) Tf")


def _drawn_sizes(reader: PdfReader, page: int) -> dict[tuple[float, float], float]:
    """The size each line was drawn at, by its start, read from the content stream.

    pypdf's text visitor sometimes passes the size of the text object drawn before (seen:
    a value drawn at 8 pt reported at the 9.5 pt of the label before it), which made the
    bounds checks measure a fitted line at the wrong size."""
    data = reader.pages[page].get_contents()
    stream = data.get_data() if data is not None else b""
    return {
        (round(float(x), 2), round(float(y), 2)): float(size)
        for x, y, size in _LINE_START.findall(stream)
    }


def page_lines(pdf: bytes, page: int) -> list[Line]:
    """The lines drawn on ``page`` (0-based), in drawing order. Rotated text is left out.

    pypdf reports each font run of a line at the line's start, so runs with the same start
    are joined back into the line they came from; the size is the one the content stream
    set for that line (:func:`_drawn_sizes`).
    """
    reader = PdfReader(io.BytesIO(pdf))
    sizes = _drawn_sizes(reader, page)
    lines: list[Line] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if not text or tm[1] != 0 or tm[2] != 0 or cm[1] != 0:
            return
        x, y = round(tm[4] * cm[0] + cm[4], 2), round(tm[5] * cm[3] + cm[5], 2)
        scale = tm[0] * cm[0]
        if lines and (lines[-1].x, lines[-1].y) == (x, y):
            last = lines[-1]
            lines[-1] = Line(last.text + text, x, y, last.size)
        else:
            lines.append(Line(text, x, y, sizes.get((x, y), size * scale)))

    reader.pages[page].extract_text(visitor_text=visit)
    return [
        Line(line.text.strip(), line.x, line.y, line.size) for line in lines if line.text.strip()
    ]


def page_text(pdf: bytes, page: int) -> str:
    return "\n".join(line.text for line in page_lines(pdf, page))


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def value_right_of(lines: list[Line], label: str) -> str:
    """The text drawn on the same row right of ``label`` (the cell beside it)."""
    matches = [line for line in lines if line.text == label]
    assert matches, f"label {label!r} not drawn"
    anchor = matches[0]
    row = [
        line
        for line in lines
        if line.x > anchor.x + 1 and abs(line.y - anchor.y) < 9 and line is not anchor
    ]
    row.sort(key=lambda line: line.x)
    assert row, f"nothing drawn beside {label!r}"
    return row[0].text


def pdffonts(path: Path) -> list[dict[str, str]]:
    exe = require_tool("pdffonts")
    out = subprocess.run([exe, str(path)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    fonts = []
    for row in rows:
        parts = row.split()
        # name type... encoding emb sub uni id gen: the last five columns are fixed.
        fonts.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return fonts


def render_pages(path: Path, dpi: int = 50) -> list[Image.Image]:
    exe = require_tool("pdftoppm")
    prefix = path.with_suffix("")
    subprocess.run([exe, "-r", str(dpi), "-gray", str(path), str(prefix)], check=True)
    images = sorted(path.parent.glob(prefix.name + "-*.pgm"))
    return [Image.open(p).convert("L") for p in images]


def dark_fraction(image: Image.Image, threshold: int = 128) -> float:
    histogram = image.histogram()
    dark = sum(histogram[:threshold])
    return dark / (image.width * image.height)


def raw_text(pdf: bytes, page: int) -> str:
    """All text of ``page`` as pypdf extracts it, rotated text included."""
    return PdfReader(io.BytesIO(pdf)).pages[page].extract_text()
