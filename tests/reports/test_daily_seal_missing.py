"""The daily report of a day whose seal is not stored: pending on the day itself (the day
seal is written after midnight, Asia/Shanghai), missing on a day long past — a report on
2020-12-08 said 尚未生成 (当日封存在日终写入), as if the seal were still to come."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import Engine

from reports.daily_rows import DailyReport, seal_may_come
from reports.runner import DailyRequest, build, read_only_connection
from reports.timeframe import SHANGHAI
from tests.reports.seed import DAY, NOW, Seeded


def _unsealed(engine: Engine, generated_at: dt.datetime) -> dict[str, object]:
    with read_only_connection(engine) as conn:
        report = build(conn, DailyRequest(DAY), now=NOW)
    assert isinstance(report, DailyReport)
    chain = dataclasses.replace(report.chain, checkpoint_seq=None, checkpoint_hash=None)
    unsealed = dataclasses.replace(report, chain=chain, generated_at=generated_at)
    return dict(unsealed.rendered().facts)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), SHANGHAI).astimezone(dt.UTC)


def test_seal_of_the_day_itself_is_still_to_come(engine: Engine, seeded: Seeded) -> None:
    facts = _unsealed(engine, _at(DAY, 17))
    assert facts["审计日终封存"] == "尚未生成 (当日封存在日终写入)"


def test_seal_of_a_day_long_past_is_missing(engine: Engine, seeded: Seeded) -> None:
    facts = _unsealed(engine, _at(DAY + dt.timedelta(days=30), 9))
    assert facts["审计日终封存"].startswith("缺失")
    assert "尚未生成" not in facts["审计日终封存"]


def test_seal_may_still_come_just_after_midnight() -> None:
    # counter-admin audit checkpoint runs ten minutes after midnight (Asia/Shanghai).
    next_day = DAY + dt.timedelta(days=1)
    assert seal_may_come(DAY, _at(next_day, 0, 10))
    assert not seal_may_come(DAY, _at(next_day, 8))
