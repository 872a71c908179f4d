"""The unit of work: one database session, one transaction, one thread
(docs/ARCHITECTURE.md "Threads").

``with uow:`` opens a session; the block commits explicitly with ``uow.commit()``; leaving
the block without a commit rolls everything back. Database failures come out as domain
errors: a lost connection or a server that is down is ``DatabaseUnavailable`` (nothing was
written, the clerk's typed data stays in the dialog); a serialization failure or deadlock
is retried by ``run_retrying``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, Protocol, TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session

from counter_app import db_cursor
from counter_app.db import bound_engine
from counter_app.services.db_errors import input_error_for
from counter_app.services.errors import ConcurrentChange, DatabaseUnavailable

T = TypeVar("T")

# PostgreSQL SQLSTATEs worth a retry: serialization_failure, deadlock_detected.
_RETRY_SQLSTATES = {"40001", "40P01"}
# lock_not_available (lock_timeout expired): a frozen workstation holds the row.
_LOCK_TIMEOUT_SQLSTATES = {"55P03"}


class SessionFactory(Protocol):
    def __call__(self) -> Session: ...


class UnitOfWork:
    """One transaction over ``session_factory``; rolled back unless ``commit()`` was called."""

    session: Session

    def __init__(self, session_factory: SessionFactory) -> None:
        self._session_factory = session_factory
        self._committed = False

    def __enter__(self) -> UnitOfWork:
        self.session = self._session_factory()
        self._committed = False
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if not self._committed:
                self.session.rollback()
        except sa_exc.DBAPIError:
            pass  # the connection is gone; there is nothing left to roll back
        finally:
            self.session.close()
        _translate(exc)

    def commit(self) -> None:
        self.session.commit()
        self._committed = True

    def rollback(self) -> None:
        self.session.rollback()


def _translate(exc: BaseException | None) -> None:
    """The error a unit of work that ended with ``exc`` raises, if any other."""
    # A lost connection or a server that went away is the clerk's "database unavailable"
    # wherever it happens, not a driver error; conflicts stay as they are for
    # ``run_retrying`` to retry or report.
    if isinstance(exc, sa_exc.DBAPIError) and _lost_not_conflict(exc):
        raise DatabaseUnavailable() from exc
    # Input the database refused (NUL, a lone surrogate, a duplicate staff number): a
    # typed error with a Chinese message; the driver's text, which may quote the value,
    # is not chained (db_errors.py).
    refused = input_error_for(exc) if exc is not None else None
    if refused is not None:
        raise refused from None


class CoreDb:
    """A lookup's stand-in for a session (``precompiled.Db``): one Core connection, opened
    and begun at the first statement, and an ``info`` dictionary for the unit of work."""

    __slots__ = ("_conn", "_engine", "info")

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._conn: Connection | None = None
        self.info: dict[Any, Any] = {}

    def connection(self) -> Connection:
        if self._conn is None:
            conn = self._engine.connect()
            try:
                db_cursor.pin_hooks(conn)  # before BEGIN, which is a statement too
                conn.begin()
            except BaseException:
                conn.close()
                raise
            self._conn = conn
        return self._conn

    def end(self, commit: bool) -> None:
        """Commit (or roll back) and give the connection back to the pool."""
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            if commit:
                conn.commit()
            else:
                conn.rollback()
        finally:
            conn.close()


class LookupUnit:
    """One transaction for an audited lookup, on a Core connection: no ORM session.

    A lookup reads through precompiled statements and appends its audit event with one
    (``precompiled``, ``audit_chain.append``); it has no object to track or flush, and the
    session's own set-up, bookkeeping and commit cost more than the driver's work for the
    whole lookup on SQLite (docs/BENCHMARKS.md). ``db`` is what the statements run on.
    Rules as :class:`UnitOfWork`: one transaction, rolled back unless ``commit()`` was
    called, errors translated the same way.
    """

    db: CoreDb

    def __init__(self, session_factory: SessionFactory) -> None:
        self._session_factory = session_factory
        self._committed = False

    def __enter__(self) -> LookupUnit:
        self.db = CoreDb(_engine_of(self._session_factory))
        self._committed = False
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if not self._committed:
                self.rollback()
        except sa_exc.DBAPIError:
            pass  # the connection is gone (and closed); there is nothing left to roll back
        _translate(exc)

    def commit(self) -> None:
        self.db.end(commit=True)
        self._committed = True

    def rollback(self) -> None:
        self.db.end(commit=False)


def _engine_of(factory: SessionFactory) -> Engine:
    """The engine ``factory``'s sessions run on, with its SQLite ``BEGIN`` option: the
    sessionmaker's bind, or (a factory of another kind, such as a test's) a session's."""
    engine = bound_engine(factory)
    if engine is not None:
        return engine
    with factory() as session:
        bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine


def sqlstate(error: BaseException) -> str | None:
    """The SQLSTATE of a psycopg error wrapped by SQLAlchemy, if any."""
    orig = getattr(error, "orig", None)
    return getattr(orig, "sqlstate", None) if orig is not None else None


def is_retryable(error: BaseException) -> bool:
    if not isinstance(error, sa_exc.DBAPIError):
        return False
    if sqlstate(error) in _RETRY_SQLSTATES:
        return True
    text = str(getattr(error, "orig", error)).lower()
    return "database is locked" in text or "database table is locked" in text


def is_connection_lost(error: BaseException) -> bool:
    if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
        return True
    if isinstance(error, (sa_exc.OperationalError, sa_exc.InterfaceError)):
        state = sqlstate(error)
        return state is None or state.startswith("08") or state.startswith("57")
    return False


def _lost_not_conflict(error: sa_exc.DBAPIError) -> bool:
    if is_retryable(error) or sqlstate(error) in _LOCK_TIMEOUT_SQLSTATES:
        return False
    return is_connection_lost(error)


def run_retrying(work: Callable[[], T], attempts: int = 5, backoff_s: float = 0.02) -> T:
    """Run ``work`` (which opens its own unit of work) and retry transient conflicts.

    Serialization failures, deadlocks and SQLite's busy database are retried with a short
    growing pause; a lock wait beyond the lock timeout becomes ``ConcurrentChange``; a lost
    connection becomes ``DatabaseUnavailable``. ``work`` must be idempotent across attempts
    (it is: each attempt is a fresh transaction that rolled back).
    """
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except sa_exc.DBAPIError as error:
            if sqlstate(error) in _LOCK_TIMEOUT_SQLSTATES:
                raise ConcurrentChange() from error
            if is_retryable(error) and attempt < attempts:
                time.sleep(backoff_s * attempt)
                continue
            if is_retryable(error):
                raise ConcurrentChange() from error
            if is_connection_lost(error):
                raise DatabaseUnavailable() from error
            raise
    raise AssertionError("unreachable")
