"""Report fixtures: a migrated database per test (SQLite, and PostgreSQL when a server can be
started) holding one seeded day (``seed.py``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from counter_app import db
from tests.reports.seed import Seeded, seed


@pytest.fixture
def report_url(migrated_url: str) -> str:
    """A fresh database at head of the parametrized back end."""
    return migrated_url


@pytest.fixture
def engine(report_url: str) -> Iterator[Engine]:
    eng = db.create_engine_for(report_url)
    yield eng
    eng.dispose()


@pytest.fixture
def seeded(engine: Engine) -> Seeded:
    return seed(engine)
