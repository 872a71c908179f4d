"""The screens' today is Chongqing's, whatever the workstation's system time zone."""

from __future__ import annotations

import datetime as dt

from PyQt6.QtCore import QDate

from counter_app.ui.local_day import today


def test_today_is_the_date_in_chongqing_not_in_utc() -> None:
    # 17:00 UTC on 7 December is 01:00 on 8 December in Chongqing (a trial's daily report
    # offered 12-07 on the morning of 12-08).
    assert today(dt.datetime(2026, 12, 7, 17, 0, tzinfo=dt.UTC)) == QDate(2026, 12, 8)
    assert today(dt.datetime(2026, 12, 7, 15, 59, tzinfo=dt.UTC)) == QDate(2026, 12, 7)
