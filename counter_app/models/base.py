"""The declarative base every table of the schema hangs on.

Constraint names follow one convention (``NAMING_CONVENTION``) so that alembic can name,
find and drop them on SQLite (batch mode) and PostgreSQL alike. Money is stored as
**integer fen** (分) everywhere — columns end in ``_fen`` — so no float ever touches an
amount. Timestamps are :class:`UtcDateTime`: stored in UTC, returned timezone-aware.

This module imports no Qt and opens no connection.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, DateTime, Dialect, Integer, MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: Integer primary keys that are 64-bit on PostgreSQL and the rowid alias on SQLite.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class UtcDateTime(TypeDecorator[dt.datetime]):
    """A point in time, stored in UTC and always returned timezone-aware (UTC).

    Refuses naive datetimes on the way in: a naive value is ambiguous (local or UTC?) and
    every timestamp is stored in UTC (docs/ARCHITECTURE.md "Times"). SQLite keeps no zone,
    so the UTC value is stored bare there and the zone is put back on the way out.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if not isinstance(value, dt.datetime) or value.tzinfo is None:
            raise ValueError(f"UtcDateTime needs a timezone-aware datetime, got {value!r}")
        utc = value.astimezone(dt.UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def utcnow() -> dt.datetime:
    """The current time, timezone-aware UTC."""
    return dt.datetime.now(dt.UTC)


def one_of(column: str, values: Iterable[str], name: str | None = None) -> CheckConstraint:
    """A named CHECK that ``column`` holds one of ``values`` (portable, no native enums)."""
    quoted = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
    return CheckConstraint(f"{column} IN ({quoted})", name=name or column)


class Base(DeclarativeBase):
    """Declarative base: the one :class:`MetaData` with the constraint naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dt.datetime: UtcDateTime()}


class IdMixin:
    """A surrogate integer primary key ``id``."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
