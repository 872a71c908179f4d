"""Working-day arithmetic of follow-up deadlines (RULES E3): China's official calendar with
调休 (chinesecalendar) plus the office's local days from the settings."""

from __future__ import annotations

import datetime as dt

import pytest

from counter_app.services.followups import due_date_for
from counter_app.services.workdays import WorkCalendar, covered_years, parse_days
from counter_app.settings import Settings, SettingsError

D = dt.date
NATIONAL = WorkCalendar()


def test_E3_working_days_skip_a_weekend() -> None:
    assert NATIONAL.add_working_days(D(2025, 3, 7), 1) == D(2025, 3, 10)  # Fri -> Mon
    assert NATIONAL.add_working_days(D(2025, 3, 8), 1) == D(2025, 3, 10)  # Sat -> Mon
    assert NATIONAL.add_working_days(D(2025, 3, 10), 5) == D(2025, 3, 17)
    assert NATIONAL.add_working_days(D(2025, 3, 10), 0) == D(2025, 3, 10)


def test_E3_working_days_skip_the_national_day_week() -> None:
    # 2025: 10-01 .. 10-08 off; Sunday 09-28 and Saturday 10-11 are worked (调休).
    assert NATIONAL.add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 9)
    assert NATIONAL.add_working_days(D(2025, 10, 3), 2) == D(2025, 10, 10)


def test_E3_a_tiaoxiu_weekend_day_is_a_working_day() -> None:
    assert NATIONAL.is_workday(D(2025, 10, 11))  # Saturday worked for the holiday
    assert NATIONAL.add_working_days(D(2025, 10, 10), 1) == D(2025, 10, 11)
    assert NATIONAL.add_working_days(D(2025, 9, 26), 1) == D(2025, 9, 28)  # Fri -> Sun
    assert not NATIONAL.is_workday(D(2025, 9, 27))


def test_E3_fifteen_working_days_across_national_day() -> None:
    # Rated Friday 2025-09-26 10:00 in Chongqing. Working days after it: 09-28 (Sun, 调休),
    # 09-29, 09-30, 10-09, 10-10, 10-11 (Sat, 调休), 10-13 .. 10-17, 10-20 .. 10-23.
    rated = dt.datetime(2025, 9, 26, 2, 0, tzinfo=dt.UTC)
    assert due_date_for(rated, Settings()) == D(2025, 10, 23)
    # Late in the evening UTC is already the next day in Chongqing (Saturday, off).
    late = dt.datetime(2025, 9, 26, 17, 0, tzinfo=dt.UTC)
    assert due_date_for(late, Settings()) == D(2025, 10, 23)


def test_E3_local_days_from_settings_win() -> None:
    settings = Settings(local_holidays="2025-03-11, 2025-03-12", local_workdays="2025-03-15")
    calendar = WorkCalendar.from_settings(settings)
    assert not calendar.is_workday(D(2025, 3, 11))
    assert calendar.is_workday(D(2025, 3, 15))
    # Mon 03-10 + 3: 03-13, 03-14, 03-15 (local Saturday worked).
    assert calendar.add_working_days(D(2025, 3, 10), 3) == D(2025, 3, 15)
    assert NATIONAL.add_working_days(D(2025, 3, 10), 3) == D(2025, 3, 13)
    shorter = settings.replace(followup_working_days=3)
    assert due_date_for(dt.datetime(2025, 3, 10, 2, 0, tzinfo=dt.UTC), shorter) == D(2025, 3, 15)


def test_E3_a_bad_local_day_names_the_setting() -> None:
    with pytest.raises(SettingsError) as info:
        parse_days("2025-03-11,2025-13-01", "local_holidays")
    assert "local_holidays" in str(info.value) and "2025-13-01" in str(info.value)


def test_E3_beyond_the_package_years_weekdays_count() -> None:
    first, last = covered_years()
    assert first <= 2025 <= last
    beyond = D(last + 1, 1, 1)
    while beyond.weekday() != 4:  # a Friday
        beyond += dt.timedelta(days=1)
    assert NATIONAL.add_working_days(beyond, 1) == beyond + dt.timedelta(days=3)
