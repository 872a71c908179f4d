"""Days and hours as staff see them (Asia/Shanghai), turned into UTC ranges for the queries.

Timestamps are stored in UTC (docs/ARCHITECTURE.md "Times"); a report's "day" is a Shanghai
day, so every query filters ``start <= at < end`` with the UTC instants of that day's local
midnights.
"""

from __future__ import annotations

import datetime as dt

from forms.localtime import SHANGHAI, format_local, local_today

__all__ = ["SHANGHAI", "day_range", "hour_edges", "local_midnight", "shanghai_today", "show"]


def local_midnight(day: dt.date) -> dt.datetime:
    """The UTC instant of ``day``'s 00:00 in Shanghai."""
    return dt.datetime.combine(day, dt.time(0), SHANGHAI).astimezone(dt.UTC)


def day_range(first: dt.date, last: dt.date | None = None) -> tuple[dt.datetime, dt.datetime]:
    """UTC ``[start, end)`` of the Shanghai days ``first`` .. ``last`` (inclusive)."""
    last = first if last is None else last
    if last < first:
        raise ValueError(f"结束日期 {last} 早于开始日期 {first}")
    return local_midnight(first), local_midnight(last + dt.timedelta(days=1))


def hour_edges(day: dt.date) -> list[dt.datetime]:
    """The 25 UTC instants bounding the 24 Shanghai hours of ``day``."""
    start = local_midnight(day)
    return [start + dt.timedelta(hours=h) for h in range(25)]


def shanghai_today(now: dt.datetime | None = None) -> dt.date:
    return local_today(now)


def show(moment: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M:%S") -> str:
    """``moment`` in Shanghai time for print and CSV; empty for None (naive values, read raw
    from SQLite, are UTC): :func:`forms.localtime.format_local`, the one conversion."""
    return format_local(moment, fmt)
