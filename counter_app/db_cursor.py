"""Statements sent on a SQLAlchemy connection's own DB-API cursor.

``Connection.execute`` spends 25–100 µs of Python per call (execution context, compiled
cache, result metadata): several times what the driver needs for the small statements of a
lookup (docs/BENCHMARKS.md). :func:`execute` sends one statement on the DB-API cursor of the
connection, inside its transaction, and keeps what the engine promises:

- ``before_cursor_execute`` / ``after_cursor_execute`` listeners see the statement
  (statement budgets, the benchmarks' capture);
- a driver error goes through the connection's own handler: it arrives wrapped as
  SQLAlchemy's ``DBAPIError`` subclass, a lost connection invalidates the pool, and
  ``handle_error`` keeps row values out of the text (``db._scrub_driver_text``).

Used by ``counter_app.services.precompiled`` (statements compiled once) and by the SQLite
``BEGIN`` of ``counter_app.db``.
"""

from __future__ import annotations

import weakref
from typing import Any

from sqlalchemy import Connection

#: ``info`` key of a pooled connection: (its DB-API connection, the cursor reused on it).
_CURSOR = "counter_app.db_cursor"


def cursor_of(conn: Connection) -> Any:
    """The DB-API connection's cursor, made once and reused (a connection serves one unit of
    work at a time; a cursor costs ~10 µs to make)."""
    pooled = conn.connection
    raw = pooled.dbapi_connection
    cached = pooled.info.get(_CURSOR)
    if cached is None or cached[0] is not raw:
        cached = pooled.info[_CURSOR] = (raw, raw.cursor())  # type: ignore[union-attr]
    return cached[1]


def forget_cursor(conn: Connection) -> None:
    """After an error the handler closes the cursor (or the connection is replaced): the
    next statement makes one. Never raises — the driver's error is the one to report."""
    try:
        conn.connection.info.pop(_CURSOR, None)
    except Exception:  # a connection that cannot be reached any more keeps no cursor
        return


_Hooks = tuple[Any, Any]
_pinned: weakref.WeakKeyDictionary[Connection, _Hooks] = weakref.WeakKeyDictionary()


def _hooks_of(conn: Connection) -> _Hooks:
    """The connection's ``before``/``after_cursor_execute`` listeners (None: none)."""
    if not (conn._has_events or conn.engine._has_events):
        return None, None
    return conn.dispatch.before_cursor_execute or None, conn.dispatch.after_cursor_execute or None


def pin_hooks(conn: Connection) -> None:
    """Look ``conn``'s listeners up once for the rest of its life (a short unit of work no
    listener is added during): asking the engine's joined dispatch costs ~3 µs a statement,
    more than SQLite needs to answer a small one. Unpinned connections look every time."""
    _pinned[conn] = _hooks_of(conn)


def execute(conn: Connection, sql: str, values: Any) -> Any:
    """Send ``sql`` with ``values`` (in the driver's parameter style) on the reused cursor;
    return the cursor for its rows. Errors come out as the connection's handler makes them."""
    cursor = cursor_of(conn)
    before, after = _pinned.get(conn) or _hooks_of(conn)
    try:
        if before is not None:
            before(conn, cursor, sql, values, None, False)
        cursor.execute(sql, values)
        if after is not None:
            after(conn, cursor, sql, values, None, False)
    except BaseException as error:
        forget_cursor(conn)
        conn._handle_dbapi_exception(error, sql, values, cursor, None)
    return cursor


def fail(conn: Connection, error: BaseException, sql: str, cursor: Any) -> None:
    """A driver error met while reading ``cursor``'s rows: raised as :func:`execute` raises."""
    forget_cursor(conn)
    conn._handle_dbapi_exception(error, sql, None, cursor, None)
