"""Report fixtures: a migrated database per test (SQLite, and PostgreSQL when a server can be
started) holding one seeded day (``seed.py``)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from counter_app import db
from tests.reports.seed import Seeded, seed

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def reports_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("reports-template") / "head.sqlite3"
    db.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def reports_pg_template(pg_server) -> str:  # type: ignore[no-untyped-def]
    url = pg_server.create_database()
    db.upgrade(url)
    return str(url.split("@/", 1)[1].split("?", 1)[0])


@pytest.fixture
def report_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database at head of the parametrized back end."""
    if backend == "sqlite":
        target = tmp_path / "reports.sqlite3"
        shutil.copyfile(request.getfixturevalue("reports_sqlite_template"), target)
        yield f"sqlite:///{target}"
        return
    server = request.getfixturevalue("pg_server")
    url = server.create_database(template=request.getfixturevalue("reports_pg_template"))
    yield url
    server.drop_database(url)


@pytest.fixture
def engine(report_url: str) -> Iterator[Engine]:
    eng = db.create_engine_for(report_url)
    yield eng
    eng.dispose()


@pytest.fixture
def seeded(engine: Engine) -> Seeded:
    return seed(engine)
