"""Today's date as the clerk's screens show it: in Chongqing (Asia/Shanghai), whatever time
zone the workstation's system clock is set to (``QDate.currentDate()`` follows the system:
on a machine set to UTC it is still yesterday until 08:00 in Chongqing)."""

from __future__ import annotations

import datetime as dt

from PyQt6.QtCore import QDate

from forms.localtime import local_today


def today(now: dt.datetime | None = None) -> QDate:
    """Today in Chongqing (``now``: the instant, for tests)."""
    day = local_today(now)
    return QDate(day.year, day.month, day.day)
