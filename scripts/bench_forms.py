"""Benchmark: one loss registration form (median, p99) and 1,000 forms, beside a bare canvas.

The baseline, measured in the same run, is a bare reportlab canvas drawing the same text
(every line the form draws, at the same place and size, in the same embedded font) with
``drawString``: no grid, no wrapping, no QR, no font fallback. Prints one JSON line per
figure (name, value, unit, baseline, ratio, target). Reports numbers; asserts nothing.
Target (docs/BENCHMARKS.md): median <= 50 ms and <= 3x the bare canvas.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from forms.data import FormKind, LossForm
from forms.fonts import FontSet, default_fontset
from forms.loss import render_loss_form
from forms.specimens import specimen
from forms.verification import DEMO_FORM_KEY

Line = tuple[str, float, float, float]


def drawn_lines(pdf: bytes) -> list[list[Line]]:
    """(text, x, y, size) of every line on every page of ``pdf``."""
    pages: list[list[Line]] = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        lines: list[Line] = []

        def visit(
            text: str,
            cm: list[float],
            tm: list[float],
            font: object,
            size: float,
            lines: list[Line] = lines,
        ) -> None:
            if not text.strip() or tm[1] != 0:
                return
            x, y = tm[4], tm[5]
            if lines and lines[-1][1:3] == (x, y):
                lines[-1] = (lines[-1][0] + text, x, y, lines[-1][3])
            else:
                lines.append((text, x, y, size * tm[0]))

        page.extract_text(visitor_text=visit)
        pages.append(lines)
    return pages


def bare_canvas(pages: list[list[Line]], font: str) -> bytes:
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=A4, invariant=1, pageCompression=1, initialFontName=font)
    for lines in pages:
        for text, x, y, size in lines:
            c.setFont(font, size)
            c.drawString(x, y, text)
        c.showPage()
    c.save()
    return buffer.getvalue()


def timings(fn: Callable[[], bytes], n: int) -> list[float]:
    result = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        result.append(time.perf_counter() - start)
    return result


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]


def emit(name: str, value: float, unit: str, baseline: float, target: str) -> None:
    print(
        json.dumps(
            {
                "name": name,
                "value": round(value, 3),
                "unit": unit,
                "baseline": round(baseline, 3),
                "ratio": round(value / baseline, 2),
                "target": target,
            },
            ensure_ascii=False,
        ),
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer samples")
    parser.add_argument("--full", action="store_true", help="same as default")
    args = parser.parse_args()
    samples = 100 if args.quick else 400
    batch = 1000

    fonts: FontSet = default_fontset()
    form = specimen(FormKind.LOSS)
    assert isinstance(form, LossForm)

    def ours() -> bytes:
        return render_loss_form(form, key=DEMO_FORM_KEY, fonts=fonts)

    pages = drawn_lines(ours())
    font = fonts.primary

    def bare() -> bytes:
        return bare_canvas(pages, font)

    for fn in (ours, bare):  # warm up: fonts loaded, caches filled
        for _ in range(5):
            fn()
    print(
        f"fonts: {[face.name for face in fonts.faces]}; lines drawn: "
        f"{sum(len(p) for p in pages)} on {len(pages)} pages"
    )

    ours_t, bare_t = [], []
    for _ in range(samples):  # interleaved, so both see the same machine load
        ours_t.extend(timings(ours, 1))
        bare_t.extend(timings(bare, 1))
    emit(
        "loss_form_median",
        statistics.median(ours_t) * 1000,
        "ms",
        statistics.median(bare_t) * 1000,
        "<= 50 ms and <= 3x bare canvas",
    )
    emit("loss_form_p99", p99(ours_t) * 1000, "ms", p99(bare_t) * 1000, "<= 3x bare canvas")

    start = time.perf_counter()
    for _ in range(batch):
        ours()
    ours_batch = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(batch):
        bare()
    bare_batch = time.perf_counter() - start
    emit(f"loss_forms_batch_{batch}", ours_batch, "s", bare_batch, "<= 3x bare canvas")
    return 0


if __name__ == "__main__":
    sys.exit(main())
