"""One reading of a SQLite URL (``counter_app.sqlite_url``) for the engine (in memory: no
WAL journal) and the demo's chip memory (a file beside the database file)."""

from __future__ import annotations

from pathlib import Path

import pytest

from counter_app.demo.chips import sqlite_file
from counter_app.sqlite_url import SqliteTarget, sqlite_target


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("sqlite://", SqliteTarget(memory=True, file=None)),
        ("sqlite:///:memory:", SqliteTarget(memory=True, file=None)),
        ("sqlite:///file::memory:?cache=shared&uri=true", SqliteTarget(memory=True, file=None)),
        ("sqlite:///file:demo.sqlite3?mode=ro&uri=true", SqliteTarget(memory=False, file=None)),
        ("sqlite:///demo.sqlite3", SqliteTarget(memory=False, file=Path("demo.sqlite3"))),
        (
            "sqlite:////var/lib/counter/demo.sqlite3",
            SqliteTarget(False, Path("/var/lib/counter/demo.sqlite3")),
        ),
        ("sqlite+pysqlite:////tmp/c.db", SqliteTarget(memory=False, file=Path("/tmp/c.db"))),
        ("postgresql+psycopg://counter@db.example/counter", None),
    ],
)
def test_a_sqlite_url_is_read_once_for_all(url: str, target: SqliteTarget | None) -> None:
    assert sqlite_target(url) == target


def test_the_demo_chips_lie_beside_a_plain_database_file_only(tmp_path: Path) -> None:
    database = tmp_path / "demo.sqlite3"
    assert sqlite_file(f"sqlite:///{database}") == database.resolve()
    for url in (
        "sqlite://",
        "sqlite:///file::memory:?uri=true",
        f"sqlite:///file:{database}?uri=true",
        "postgresql+psycopg://counter@db.example/counter",
    ):
        assert sqlite_file(url) is None
