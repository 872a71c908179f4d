"""One generated demo database for the invariant tests of this folder: 2,000 holders, a
fixed seed and day, on SQLite (the generator writes the same rows on either back end)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from counter_app import db
from counter_app.demo.generate import fill_demo

HOLDERS = 2000
SEED = 20261207
AS_OF = dt.date(2026, 12, 7)


@dataclass
class DemoDb:
    engine: Engine

    def rows(self, sql: str, **params: Any) -> list[tuple[Any, ...]]:
        with self.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql), params)]


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoDb]:
    path: Path = tmp_path_factory.mktemp("demo-invariants") / "demo.sqlite3"
    url = f"sqlite:///{path}"
    db.upgrade(url)
    engine = db.create_engine_for(url)
    fill_demo(engine, holders=HOLDERS, seed=SEED, as_of=AS_OF)
    yield DemoDb(engine)
    engine.dispose()


def day(value: Any) -> dt.date | None:
    """A date column as read back from SQLite (text) or PostgreSQL (date)."""
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def month_index(value: dt.date) -> int:
    return value.year * 12 + value.month - 1


def period_index(period: int) -> int:
    """``YYYYMM`` → a month number comparable with :func:`month_index`."""
    return (period // 100) * 12 + period % 100 - 1
