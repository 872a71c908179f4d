"""Days and hours as staff see them (Asia/Shanghai), turned into UTC ranges for the queries.

Timestamps are stored in UTC (DESIGN.md); a report's "day" is a Shanghai day, so every query
filters ``start <= at < end`` with the UTC instants of that day's local midnights.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


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
    moment = now if now is not None else dt.datetime.now(dt.UTC)
    return moment.astimezone(SHANGHAI).date()


def show(moment: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M:%S") -> str:
    """``moment`` in Shanghai time for print; empty for None."""
    if moment is None:
        return ""
    if moment.tzinfo is None:  # values read raw from SQLite: UTC by convention
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(SHANGHAI).strftime(fmt)
