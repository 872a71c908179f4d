"""Database fixtures: every test gets a fresh database, on SQLite and on PostgreSQL.

- ``db_url``: an empty database (nothing migrated).
- ``migrated_url`` (tests/conftest.py): a database at the head revision, copied from a
  template migrated once per run (a file copy on SQLite, ``CREATE DATABASE … TEMPLATE``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def db_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh empty database of the parametrized back end."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}"
        return
    server = request.getfixturevalue("pg_server")
    url = server.create_database()
    yield url
    server.drop_database(url)
