"""The one conversion of a stored instant to the time a person reads (Asia/Shanghai).

Timestamps are stored in UTC and shown in Asia/Shanghai (docs/ARCHITECTURE.md "Times") — on
screens, printed forms, reports and CSV files alike. Every layer formats a time through this module
(``forms`` is the lowest package every other one may import, as ``forms.masking`` is for
masking), so a screen, a form and a report can never disagree by eight hours.

A naive datetime is a UTC value as SQLite returns it raw (``counter_app.models.base``
stores UTC without a zone there); it is never taken as local time.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

#: How screens, forms and reports write an instant and a day (Chinese, zero-padded so
#: the columns of a table line up).
DATETIME_FORMAT = "%Y年%m月%d日 %H:%M"
DATE_FORMAT = "%Y年%m月%d日"


def to_local(moment: dt.datetime) -> dt.datetime:
    """``moment`` as an aware datetime in Asia/Shanghai; naive values are UTC."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(SHANGHAI)


def format_local(moment: dt.datetime | None, fmt: str = DATETIME_FORMAT) -> str:
    """``moment`` written in Shanghai time with ``fmt``; empty for None."""
    if moment is None:
        return ""
    return to_local(moment).strftime(fmt)


def format_day(day: dt.date | None) -> str:
    """A calendar day (no time zone to convert) in the same Chinese format; empty for None.

    A datetime passed here is first converted, so its local day is shown, not its UTC one.
    """
    if day is None:
        return ""
    if isinstance(day, dt.datetime):
        day = to_local(day).date()
    return day.strftime(DATE_FORMAT)


def local_today(now: dt.datetime | None = None) -> dt.date:
    """Today's date in Shanghai (``now`` defaults to the current instant)."""
    return to_local(now if now is not None else dt.datetime.now(dt.UTC)).date()
