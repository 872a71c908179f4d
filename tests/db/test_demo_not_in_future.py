"""Nothing the demo writes lies in the future of its day (as_of) and time: a trial made the
demo at 03:30 Chongqing time and read 医疗卡余额 更新时间 2026-12-08 10:00 — the demo's "now"
was 10:00 on its day whatever the clock said — and some records of the year (an insurance
ended on 31 December, a maternity benefit paid next month, a retirement this autumn) were
dated after the day too. Every recorded instant is at or before the demo's "now", every
recorded day on or before ``as_of``; only what is by nature ahead (a card's 有效期至, a phone
report's deadline, a replacement's ready day, a follow-up's due day, a lock's end) may be
later. Several days of the year: January 2 and February 3 (before this month's pay day),
March, December."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa

from counter_app import db
from counter_app.demo.generate import demo_now, fill_demo
from counter_app.models import Base

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
#: Columns that hold what is ahead by nature, not what happened.
AHEAD = {
    ("cards", "expiry_date"),
    ("loss_reports", "deadline_at"),
    ("replacement_applications", "ready_on"),
    ("case_followups", "due_date"),
    ("staff", "locked_until"),
    ("service_passwords", "locked_until"),
}


def _dated_columns() -> list[tuple[sa.Table, sa.Column[object], bool]]:
    """(table, column, whether it is an instant) for every day and timestamp column."""
    out = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            instant = type(column.type).__name__ == "UtcDateTime"
            if (table.name, column.name) not in AHEAD and (
                instant or isinstance(column.type, sa.Date)
            ):
                out.append((table, column, instant))
    return out


def _make(tmp_path: Path, as_of: dt.date, present: dt.datetime) -> sa.Engine:
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    db.upgrade(url)
    engine = db.create_engine_for(url)
    fill_demo(engine, holders=300, seed=5, as_of=as_of, present=present, service_cases=True)
    return engine


@pytest.mark.parametrize(
    "as_of",
    [dt.date(2026, 12, 8), dt.date(2026, 1, 2), dt.date(2026, 2, 3), dt.date(2025, 3, 10)],
)
def test_demo_made_early_in_its_day_writes_nothing_later(tmp_path: Path, as_of: dt.date) -> None:
    present = dt.datetime.combine(as_of, dt.time(3, 31, 27), SHANGHAI)
    now = demo_now(as_of, present)
    assert now == dt.datetime.combine(as_of, dt.time(3, 31), SHANGHAI)
    engine = _make(tmp_path, as_of, present)
    try:
        later = []
        with engine.connect() as conn:
            for table, column, instant in _dated_columns():
                latest = conn.execute(sa.select(sa.func.max(column))).scalar()
                limit: dt.date = now if instant else as_of
                if latest is not None and latest > limit:
                    later.append(f"{table.name}.{column.name} = {latest}")
            # 医疗卡余额 更新时间 is the demo's now: the minute it was made.
            accounts = Base.metadata.tables["medical_accounts"]
            stamps = conn.execute(sa.select(accounts.c.updated_at).distinct()).scalars().all()
            assert stamps == [now]
        assert not later, later
    finally:
        engine.dispose()


def test_demo_now_is_ten_oclock_once_that_has_come() -> None:
    day = dt.date(2026, 12, 8)
    ten = dt.datetime.combine(day, dt.time(10), SHANGHAI)
    # Later that day, or any later day, or for a day in the past: 10:00 (deterministic).
    for present in (
        dt.datetime.combine(day, dt.time(15, 5), SHANGHAI),
        dt.datetime.combine(day + dt.timedelta(days=3), dt.time(1), SHANGHAI),
    ):
        assert demo_now(day, present) == ten
