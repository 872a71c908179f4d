"""What every report hands to the renderers: a title, header facts, tables, CSV rows.

Reports are plain frozen dataclasses built by one query module each; :mod:`reports.pdf`
and :mod:`reports.csv_out` render any of them through the :class:`Report` protocol, so a
new report needs no change to the renderers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

#: One printed value.
Cell = str | int | float | None

#: ``progress(done, total, message)``: called after each step of building or rendering a
#: report, from the thread doing the work (the GUI turns it into a signal).
Progress = Callable[[int, int, str], None]


def no_progress(_done: int, _total: int, _message: str) -> None:
    """The default :data:`Progress`: ignore."""


@dataclass(frozen=True)
class Table:
    """One table of a report. ``widths`` are relative column widths for the PDF."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    widths: tuple[float, ...] | None = None
    note: str | None = None
    #: Printed when ``rows`` is empty.
    empty: str = "无记录"


@dataclass(frozen=True)
class Chart:
    """A bar chart: one bar per label."""

    title: str
    labels: tuple[str, ...]
    values: tuple[int, ...]


@dataclass(frozen=True)
class Rendered:
    """What a report shows: the same content for PDF and screen."""

    title: str
    facts: tuple[tuple[str, str], ...]
    tables: tuple[Table, ...]
    charts: tuple[Chart, ...] = field(default_factory=tuple)
    orientation: Literal["portrait", "landscape"] = "portrait"


class Report(Protocol):
    """Any report: renderable as tables (PDF) and as flat CSV rows."""

    def rendered(self) -> Rendered: ...

    def csv_columns(self) -> Sequence[str]: ...

    def csv_rows(self) -> Sequence[Sequence[Cell]]: ...


class Steps:
    """Counts the steps of one job and reports each to a :data:`Progress`."""

    def __init__(self, total: int, progress: Progress | None) -> None:
        self.total = total
        self.done = 0
        self._progress = progress or no_progress

    def step(self, message: str) -> None:
        self.done = min(self.total, self.done + 1)
        self._progress(self.done, self.total, message)


class ReportError(ValueError):
    """A report cannot be made as asked (unknown office, staff or holder; bad range)."""
