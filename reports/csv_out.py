"""Reports as CSV: UTF-8 with a byte-order mark, so Excel and WPS open the Chinese right.

The first line names the columns (:meth:`Report.csv_columns`); numbers are written bare,
``None`` as an empty field. Line ends are CRLF (RFC 4180), as spreadsheet programs expect.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from reports.model import Cell, Report

BOM = "\ufeff"
ENCODING = "utf-8-sig"


def _field(cell: Cell) -> str | int | float:
    return "" if cell is None else cell


def render_csv(report: Report) -> bytes:
    """The CSV of ``report`` as bytes: BOM, header, rows."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(report.csv_columns())
    for row in report.csv_rows():
        writer.writerow([_field(c) for c in row])
    return text.getvalue().encode(ENCODING)


def write_csv(report: Report, path: Path) -> None:
    path.write_bytes(render_csv(report))
