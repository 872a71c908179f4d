"""One entry point for the CLI and the GUI's supervisor menu: a request in, a file's bytes out.

    from reports.runner import DailyRequest, produce
    pdf = produce(engine, DailyRequest(day=date(2025, 3, 4), office_code="500103-YB"),
                  "pdf", progress=lambda done, total, msg: ...)

:func:`produce` opens one read-only transaction (a consistent snapshot on PostgreSQL,
repeatable read; one deferred read transaction on SQLite), builds the report and renders it.
It blocks: the GUI runs it off the GUI thread and turns ``progress`` calls into a signal.
Errors a supervisor can fix (unknown office code, staff number or ID number; a bad range)
are :class:`reports.model.ReportError` with a message in Chinese.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import Engine
from sqlalchemy.engine import Connection

from counter_app.settings import LAPSING_WARNING_DAYS
from reports.access_log import build_access_report
from reports.csv_out import render_csv
from reports.daily import build_daily_report
from reports.lapsing import build_lapsing_report
from reports.model import Progress, Report, ReportError
from reports.pdf import render_pdf
from reports.rating import build_rating_report
from reports.staff_activity import build_staff_activity

Format = Literal["pdf", "csv"]
FORMATS: tuple[Format, ...] = ("pdf", "csv")


@dataclass(frozen=True)
class DailyRequest:
    """The daily report of ``day`` (Shanghai) for an office, a staff member, or the city."""

    day: dt.date
    office_code: str | None = None
    staff_no: str | None = None


@dataclass(frozen=True)
class LapsingRequest:
    """Open phone loss reports due within ``days`` days (RULES L2); by default the
    workstation list's horizon (``LAPSING_WARNING_DAYS``), so both say the same 即将失效."""

    days: int = LAPSING_WARNING_DAYS
    office_code: str | None = None


@dataclass(frozen=True)
class AccessRequest:
    """Who accessed the records of the holder with ID number ``ssn``."""

    ssn: str
    first_day: dt.date | None = None
    last_day: dt.date | None = None


@dataclass(frozen=True)
class StaffRequest:
    """Staff activity in ``first_day`` .. ``last_day`` (Shanghai days, inclusive)."""

    first_day: dt.date
    last_day: dt.date
    office_code: str | None = None
    staff_no: str | None = None


@dataclass(frozen=True)
class RatingRequest:
    """Holders' ratings of the cases of ``first_day`` .. ``last_day`` (RULES E4)."""

    first_day: dt.date
    last_day: dt.date
    office_code: str | None = None


ReportRequest = DailyRequest | LapsingRequest | AccessRequest | StaffRequest | RatingRequest


@contextmanager
def read_only_connection(engine: Engine) -> Iterator[Connection]:
    """A connection in one read-only transaction, rolled back at the end."""
    if engine.dialect.name == "postgresql":
        conn = engine.connect().execution_options(isolation_level="REPEATABLE READ")
    else:
        conn = engine.connect()
    try:
        with conn.begin() as tx:
            if engine.dialect.name == "postgresql":
                conn.exec_driver_sql("SET TRANSACTION READ ONLY")
            yield conn
            tx.rollback()
    finally:
        conn.close()


def build(
    conn: Connection,
    request: ReportRequest,
    *,
    progress: Progress | None = None,
    now: dt.datetime | None = None,
) -> Report:
    """The report asked for, built on ``conn`` (which the caller keeps in one transaction)."""
    if isinstance(request, DailyRequest):
        return build_daily_report(
            conn,
            request.day,
            office_code=request.office_code,
            staff_no=request.staff_no,
            progress=progress,
            now=now,
        )
    if isinstance(request, LapsingRequest):
        return build_lapsing_report(
            conn, request.days, office_code=request.office_code, now=now, progress=progress
        )
    if isinstance(request, AccessRequest):
        return build_access_report(
            conn,
            request.ssn,
            first_day=request.first_day,
            last_day=request.last_day,
            now=now,
            progress=progress,
        )
    if isinstance(request, RatingRequest):
        return build_rating_report(
            conn,
            request.first_day,
            request.last_day,
            office_code=request.office_code,
            now=now,
            progress=progress,
        )
    return build_staff_activity(
        conn,
        request.first_day,
        request.last_day,
        office_code=request.office_code,
        staff_no=request.staff_no,
        now=now,
        progress=progress,
    )


def render(report: Report, fmt: Format, *, progress: Progress | None = None) -> bytes:
    """``report`` as PDF or CSV bytes."""
    if fmt == "pdf":
        return render_pdf(report, progress=progress)
    if fmt == "csv":
        return render_csv(report)
    raise ReportError(f"不支持的格式 {fmt!r}: 只支持 pdf 和 csv。")


def produce(
    engine: Engine,
    request: ReportRequest,
    fmt: Format,
    *,
    progress: Progress | None = None,
    now: dt.datetime | None = None,
) -> bytes:
    """Build and render one report; ``progress(done, total, message)`` covers both halves
    (query steps first, then rendering), with ``total`` fixed from the first call."""
    total = [1]

    def on_build(done: int, steps: int, message: str) -> None:
        total[0] = steps + 1  # one more step: rendering
        if progress is not None:
            progress(done, total[0], message)

    with read_only_connection(engine) as conn:
        report = build(conn, request, progress=on_build, now=now)
    data = render(report, fmt)
    if progress is not None:
        progress(total[0], total[0], "完成")
    return data
