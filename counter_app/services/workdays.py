"""Working days in China (RULES E3: a follow-up is due within 15 working days).

The national calendar — public holidays and the weekend days worked in their place (调休,
e.g. Saturday 2025-09-28 before the National Day week) — comes from the maintained
``chinesecalendar`` package, which carries the State Council's yearly notices. Installed
version 1.11.0 knows the years 2004–2026 (:func:`covered_years`). For a day outside what
the package knows, this module falls back to Monday–Friday (a warning is logged once per
year) — the office adds that year's days through the settings until the package is
updated. Local days from the settings (``local_holidays``, ``local_workdays``:
comma-separated ``YYYY-MM-DD``) win over both.

Pure functions over dates; no database, no clock.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

import chinese_calendar

from counter_app.settings import Settings, SettingsError

_log = logging.getLogger(__name__)
_WARNED: set[int] = set()


def covered_years() -> tuple[int, int]:
    """First and last year the installed ``chinesecalendar`` knows."""
    days = list(chinese_calendar.holidays) + list(chinese_calendar.workdays)
    return min(days).year, max(days).year


def parse_days(text: str, setting: str) -> frozenset[dt.date]:
    """``YYYY-MM-DD`` dates separated by commas (or spaces); :class:`SettingsError` names
    the setting and the bad entry."""
    days: set[dt.date] = set()
    for part in text.replace(",", " ").split():
        try:
            days.add(dt.date.fromisoformat(part))
        except ValueError as exc:
            raise SettingsError(
                f"设置项 {setting} 中的日期 {part!r} 格式错误，"
                "应为 YYYY-MM-DD，多个日期用逗号分隔。"
            ) from exc
    return frozenset(days)


@dataclass(frozen=True)
class WorkCalendar:
    """The national calendar with local additions."""

    extra_holidays: frozenset[dt.date] = field(default_factory=frozenset)
    extra_workdays: frozenset[dt.date] = field(default_factory=frozenset)

    @classmethod
    def from_settings(cls, settings: Settings) -> WorkCalendar:
        return cls(
            parse_days(settings.local_holidays, "local_holidays"),
            parse_days(settings.local_workdays, "local_workdays"),
        )

    def is_workday(self, day: dt.date) -> bool:
        if day in self.extra_workdays:
            return True
        if day in self.extra_holidays:
            return False
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            if day.year not in _WARNED:
                _WARNED.add(day.year)
                first, last = covered_years()
                _log.warning(
                    "chinesecalendar knows %s-%s only; %s counted Monday-Friday. Add that "
                    "year's holidays to local_holidays/local_workdays or update the package.",
                    first,
                    last,
                    day.year,
                )
            return day.weekday() < 5

    def add_working_days(self, start: dt.date, count: int) -> dt.date:
        """The ``count``-th working day after ``start`` (``start`` itself not counted);
        ``count`` 0 gives ``start``."""
        if count < 0:
            raise ValueError("count must not be negative")
        day = start
        left = count
        while left > 0:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                left -= 1
        return day
