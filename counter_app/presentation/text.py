"""Values written as a clerk reads them: money as ¥ with two decimals, days and instants in
Chinese (instants in Asia/Shanghai, through :mod:`forms.localtime`), months, percentages.

Every function returns ``""`` for None so a page can tell "not applicable" from "none".
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from forms.localtime import format_day, format_local

#: Written for an open-ended period (工作经历、待遇 still running).
ONGOING = "至今"


def money(amount: Decimal | int | None) -> str:
    """``Decimal("1234.5")`` → ``"¥1,234.50"``; negative: ``"-¥12.00"``."""
    if amount is None:
        return ""
    value = Decimal(amount).quantize(Decimal("0.01"))
    sign = "-" if value < 0 else ""
    return f"{sign}¥{abs(value):,.2f}"


def day(value: dt.date | None) -> str:
    """``2024-03-05`` → ``"2024年03月05日"``."""
    return format_day(value)


def until(value: dt.date | None) -> str:
    """The end of a period: its day, or :data:`ONGOING` when it has none."""
    return ONGOING if value is None else format_day(value)


def instant(value: dt.datetime | None) -> str:
    """A stored (UTC) instant in Shanghai time: ``"2026年03月02日 01:30"``."""
    return format_local(value)


def period(text: str | None) -> str:
    """A contribution month as the services write it (``"2024-03"``) → ``"2024年03月"``."""
    if not text:
        return ""
    year, _, month = text.partition("-")
    if year.isdigit() and month.isdigit():
        return f"{year}年{month}月"
    return text


def period_span(start: str | None, count: int | None) -> str:
    """The months a contribution record covers: ``"2024-03"`` and 1 → ``"2024年03月"``;
    ``"2026-01"`` and 11 → ``"2026年01月至11月"`` (``"…至2027年02月"`` across a year)."""
    first = period(start)
    year, _, month = (start or "").partition("-")
    if not count or count <= 1 or not (year.isdigit() and month.isdigit()):
        return first
    last = int(year) * 12 + int(month) - 1 + count - 1
    end_year, end_month = divmod(last, 12)
    end = f"{end_month + 1:02d}月"
    return f"{first}至{end}" if end_year == int(year) else f"{first}至{end_year}年{end}"


def month_range(first: str | None, last: str | None) -> str:
    """The months from ``first`` to ``last`` as the services write them: ``"2025-12"`` and
    ``"2026-11"`` → ``"2025年12月至2026年11月"`` (``"2026年01月至11月"`` within a year)."""
    year, _, month = (first or "").partition("-")
    end_year, _, end_month = (last or "").partition("-")
    digits = (year, month, end_year, end_month)
    if not all(part.isdigit() for part in digits):
        return period(first)
    count = (int(end_year) - int(year)) * 12 + int(end_month) - int(month) + 1
    return period_span(first, count)


def months(count: int | None) -> str:
    """``37`` → ``"37个月"``."""
    return "" if count is None else f"{count}个月"


def people(count: int | None) -> str:
    return "" if count is None else f"{count}人"


def percent(value: int | None) -> str:
    return "" if value is None else f"{value}%"


def yes_no(value: bool | None) -> str:
    return "" if value is None else ("是" if value else "否")


def or_none(text: str | None, empty: str = "无") -> str:
    """``text``, or ``empty`` when there is nothing to show."""
    return text if text else empty
