"""Fast bulk loading for the demo city: rows as tuples, written in big batches.

SQLite: the driver's ``executemany`` inside the caller's transaction (no ORM objects, no
per-row flush). PostgreSQL: ``COPY … FROM STDIN`` through psycopg 3. Values arrive already
in a form both accept: dates as ``YYYY-MM-DD``, timestamps as UTC ``YYYY-MM-DD
HH:MM:SS.ffffff`` (the storage format of SQLAlchemy's SQLite ``DateTime``; the COPY
session runs with ``TimeZone=UTC``), booleans as 0/1. Every NOT NULL column must be given:
Python-side model defaults do not apply here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection


def date_text(day: dt.date) -> str:
    return day.isoformat()


def ts_text(moment: dt.datetime) -> str:
    """A UTC timestamp as stored (naive text, UTC implied)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment.isoformat(sep=" ", timespec="microseconds")


class BulkWriter:
    """Buffers rows per table; :meth:`flush` writes them, parents first, in one batch each."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._postgres = conn.dialect.name == "postgresql"
        self._columns: dict[str, Sequence[str]] = {}
        self._rows: dict[str, list[tuple[Any, ...]]] = {}
        self.counts: dict[str, int] = {}
        if self._postgres:
            conn.exec_driver_sql("SET LOCAL TimeZone = 'UTC'")

    @property
    def connection(self) -> Connection:
        """The transaction the rows are written in (for rows written one by one)."""
        return self._conn

    def declare(self, table: str, columns: Sequence[str]) -> None:
        """Name the columns (in row order) of ``table`` before adding rows to it."""
        self._columns[table] = tuple(columns)
        self._rows.setdefault(table, [])
        self.counts.setdefault(table, 0)

    def add(self, table: str, row: tuple[Any, ...]) -> None:
        """Buffer one row; nothing is written before :meth:`flush` (foreign-key order)."""
        self._rows[table].append(row)

    def buffer(self, table: str) -> list[tuple[Any, ...]]:
        """The live row buffer of ``table`` (for hot loops that append directly)."""
        return self._rows[table]

    def extend(self, table: str, rows: Iterable[tuple[Any, ...]]) -> None:
        self._rows[table].extend(rows)

    def flush(self, order: Sequence[str] | None = None) -> None:
        """Write every buffered row; ``order`` lists tables parents-first (foreign keys)."""
        for table in order or list(self._rows):
            if self._rows.get(table):
                self._flush(table)

    def _flush(self, table: str) -> None:
        rows = self._rows[table]
        if not rows:
            return
        columns = self._columns[table]
        if self._postgres:
            self._copy(table, columns, rows)
        else:
            marks = ", ".join("?" for _ in columns)
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
            raw = self._conn.connection.driver_connection
            assert raw is not None
            raw.executemany(sql, rows)
        self.counts[table] += len(rows)
        rows.clear()

    def _copy(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        raw = self._conn.connection.driver_connection
        assert raw is not None
        with raw.cursor() as cursor:
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)


def reset_postgres_sequences(conn: Connection, tables: Iterable[str]) -> None:
    """After explicit ids were loaded, move each ``id`` sequence past the largest id."""
    if conn.dialect.name != "postgresql":
        return
    for table in tables:
        conn.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
        )
