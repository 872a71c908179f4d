"""Engines, sessions and schema migrations for SQLite (one machine) and PostgreSQL (a city).

- :func:`create_engine_for` makes an engine that behaves the same on both back ends where
  it matters: SQLite in WAL mode with foreign keys on, a busy timeout, and real
  transactions (SQLAlchemy's documented recipe: the driver's own BEGIN is switched off and
  SQLAlchemy emits ``BEGIN``, or ``BEGIN IMMEDIATE`` for writers); PostgreSQL through
  psycopg 3 with ``lock_timeout`` so a frozen workstation never blocks others for longer
  than the setting (RELIABILITY.md, faults). Stale pooled connections (a server restart, a
  terminated backend, a peer lost to TCP keepalive) are found at checkout without a round
  trip (:func:`_stale_on_checkout`) instead of ``pool_pre_ping``'s ``SELECT 1`` per unit
  of work — one round trip less on every transaction (BENCHMARKS.md).
- :func:`session_factory` hands out sessions; writers (the default) start ``BEGIN
  IMMEDIATE`` on SQLite so that a read-then-write unit of work cannot fail half-way with
  ``SQLITE_BUSY`` (SCALING.md §0.2).
- :func:`upgrade`, :func:`downgrade`, :func:`check` drive alembic programmatically; alembic
  is the only path to the schema.
- Every engine hides bound parameters from exception texts (``hide_parameters=True``): a
  driver error that reaches a log must not carry an ID number or a name. Every session
  runs :func:`guard_stored_text` before a flush: no control, bidi, zero-width or
  lone-surrogate character, and no string longer than its column, is ever stored — on
  SQLite exactly as on PostgreSQL (which refuses NUL and over-long values itself, SQLite
  stores them).

Nothing here runs at import time; every engine is built by the caller (composition root).
"""

from __future__ import annotations

import importlib.resources
import select as _select
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import JSON, Engine, String, create_engine, event, inspect
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

from counter_app import db_cursor
from counter_app.sqlite_url import sqlite_target
from counter_app.validation.chars import describe_char
from counter_app.validation.text_policy import COLUMN_LABELS, TextRefused, storage_forbidden

#: Execution option naming how SQLite starts a transaction (``DEFERRED``/``IMMEDIATE``).
SQLITE_BEGIN_OPTION = "counter_sqlite_begin"
DEFAULT_LOCK_TIMEOUT_MS = 5000
#: Pooled PostgreSQL connections older than this are replaced (firewalls and NAT boxes
#: forget idle TCP flows; the server's idle session timeouts end them).
POOL_RECYCLE_S = 1800
#: libpq TCP keepalives: a peer that vanished without closing is noticed within ~60 s, and
#: the dead socket is then seen by the checkout check.
_KEEPALIVES = {
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 10,
    "keepalives_count": 3,
}


def normalise_url(url: str | URL) -> URL:
    """``postgresql://`` and ``postgres://`` mean psycopg 3 here; SQLite URLs are kept."""
    parsed = make_url(url) if isinstance(url, str) else url
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        backend = parsed.get_backend_name()
        raise ValueError(f"不支持的数据库: {backend} (只支持 SQLite 和 PostgreSQL)")
    return parsed


def create_engine_for(
    url: str | URL, *, lock_timeout_ms: int = DEFAULT_LOCK_TIMEOUT_MS, **kwargs: Any
) -> Engine:
    """An engine for ``url`` (SQLite or PostgreSQL), configured as the module doc says.

    For a SQLite file the parent folder is created. ``kwargs`` go to
    :func:`sqlalchemy.create_engine` (``echo=True`` and the like).
    """
    parsed = normalise_url(url)
    # Exception texts never carry bound values (ID numbers, names): they reach logs.
    kwargs["hide_parameters"] = True
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, lock_timeout_ms, kwargs)
    connect_args = dict(kwargs.pop("connect_args", {}))
    options = f"-c lock_timeout={int(lock_timeout_ms)}"
    connect_args["options"] = (connect_args.get("options", "") + " " + options).strip()
    for key, value in _KEEPALIVES.items():
        connect_args.setdefault(key, value)
    kwargs.setdefault("pool_recycle", POOL_RECYCLE_S)
    engine = create_engine(parsed, connect_args=connect_args, **kwargs)
    if not kwargs.get("pool_pre_ping"):
        event.listen(engine, "checkout", _stale_on_checkout)
    event.listen(engine, "handle_error", _scrub_driver_text)
    return engine


def _scrub_driver_text(context: Any) -> None:
    """Keep the values of a row out of PostgreSQL's error text before anyone logs it.

    ``hide_parameters`` hides the statement's parameters, but the server's own message
    quotes values too: a unique violation's DETAIL ("Key (ssn)=(5001…) already exists"), a
    data error's primary message ('invalid input syntax for type integer: "…"'). The
    driver exception keeps its SQLSTATE and ``diag`` (constraint name and the rest) for
    code that needs them; only its text is cut to the first line, and for a data error
    (class 22) replaced by the SQLSTATE alone.
    """
    error = context.original_exception
    args = getattr(error, "args", ())
    if not args or not isinstance(args[0], str):
        return
    state = getattr(error, "sqlstate", None)
    if isinstance(state, str) and state.startswith("22"):
        text = f"invalid input value (SQLSTATE {state})"
    else:
        text = args[0].split("\n", 1)[0]
    if text == args[0]:
        return
    original = args[0]
    error.args = (text, *args[1:])
    wrapped = context.sqlalchemy_exception  # its message was built from the driver's text
    wrapped_args = getattr(wrapped, "args", ())
    if wrapped_args and isinstance(wrapped_args[0], str):
        wrapped.args = (wrapped_args[0].replace(original, text), *wrapped_args[1:])


def _stale_on_checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """Refuse a pooled PostgreSQL connection that is known dead, without a round trip.

    An idle connection between transactions has nothing to read; if its socket is
    readable, the server has closed it or sent its last words (a restart, fast shutdown or
    ``pg_terminate_backend`` sends FATAL 57P01 and closes). Raising ``DisconnectionError``
    makes the pool discard it and connect afresh, so the unit of work that follows a
    server restart runs on a new connection instead of failing. Costs one ``select()``
    system call; replaces ``pool_pre_ping`` (one ``SELECT 1`` round trip per checkout).
    """
    if getattr(dbapi_connection, "closed", False) or getattr(dbapi_connection, "broken", False):
        raise sa_exc.DisconnectionError("connection closed")
    try:
        fileno = dbapi_connection.pgconn.socket
        readable, _, _ = _select.select([fileno], [], [], 0)
    except Exception as error:  # a socket we cannot poll: check it the old way
        try:
            dbapi_connection.execute("SELECT 1")
            dbapi_connection.rollback()
        except Exception:
            raise sa_exc.DisconnectionError("connection failed its ping") from error
        return
    if readable:
        raise sa_exc.DisconnectionError("server closed the connection")


def _sqlite_engine(url: URL, lock_timeout_ms: int, kwargs: dict[str, Any]) -> Engine:
    target = sqlite_target(url)
    memory = target is not None and target.memory
    if not memory and url.database:
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    connect_args = dict(kwargs.pop("connect_args", {}))
    connect_args.setdefault("timeout", lock_timeout_ms / 1000)
    connect_args.setdefault("check_same_thread", False)
    engine = create_engine(url, connect_args=connect_args, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # SQLAlchemy's documented recipe ("Enabling Non-Legacy SQLite Transactional Modes"):
        # stop sqlite3 from emitting BEGIN itself; the "begin" hook below does it.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            if not memory:
                cursor.execute("PRAGMA journal_mode=WAL")
                # NORMAL in WAL mode survives an application crash (kill -9) intact.
                cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={int(lock_timeout_ms)}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get(SQLITE_BEGIN_OPTION, "DEFERRED")
        # On the DB-API cursor (listeners and error handling kept): ``exec_driver_sql``
        # costs ~25 µs of Python per unit of work, a fifth of a whole lookup.
        db_cursor.execute(conn, "BEGIN IMMEDIATE" if mode == "IMMEDIATE" else "BEGIN", ())

    return engine


def writer_engine(engine: Engine) -> Engine:
    """``engine`` whose transactions take the write lock at BEGIN (SQLite ``IMMEDIATE``).

    A no-op on PostgreSQL, where row locks and constraints do the work.
    """
    return engine.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"})


def session_factory(engine: Engine, *, read_only: bool = False) -> sessionmaker[Session]:
    """Sessions for units of work on ``engine``.

    Writers (the default; every audited look-up writes) begin with ``BEGIN IMMEDIATE`` on
    SQLite; ``read_only=True`` gives deferred transactions for pure reads (reports).
    Objects stay usable after commit (``expire_on_commit=False``) so services can return
    plain data built from them.
    """
    bind = engine if read_only else writer_engine(engine)
    factory = sessionmaker(bind=bind, expire_on_commit=False)
    event.listen(factory, "before_flush", guard_stored_text)
    return factory


def bound_engine(factory: object) -> Engine | None:
    """The engine a :func:`session_factory` factory binds its sessions to (with its SQLite
    ``BEGIN`` option); None when ``factory`` is not a sessionmaker bound to an engine."""
    if not isinstance(factory, sessionmaker):
        return None
    bind = factory.kw.get("bind")
    return bind if isinstance(bind, Engine) else None


def read_only_factory(factory: object) -> sessionmaker[Session] | None:
    """The read-only twin of a :func:`session_factory` writer factory (deferred ``BEGIN``
    on SQLite: a pure read never takes, nor waits for, the write lock); None when
    ``factory`` is not a sessionmaker bound to an engine."""
    bind = bound_engine(factory)
    if bind is None:
        return None
    reader = bind.execution_options(**{SQLITE_BEGIN_OPTION: "DEFERRED"})
    read_factory = sessionmaker(bind=reader, expire_on_commit=False)
    event.listen(read_factory, "before_flush", guard_stored_text)
    return read_factory


# --------------------------------------------------------------------------- stored text


def guard_stored_text(session: Session, _flush_context: Any, _instances: Any) -> None:
    """Refuse a flush that would store junk text (the module doc): one place for every table.

    Services check their fields first with the input policy and a message naming the field
    (``counter_app.validation.text_policy``); this is the guard behind them for a field a
    service forgot. Raises :class:`TextRefused`; nothing of the flush is written.
    """
    for obj in (*session.new, *session.dirty):
        state = inspect(obj)
        mapper = state.mapper
        loaded = state.dict  # what will be written; reading no attribute loads anything
        for column in mapper.columns:
            if not isinstance(column.type, (String, JSON)):
                continue
            value = loaded.get(mapper.get_property_by_column(column).key)
            if value is None:
                continue
            problem = _stored_text_problem(value, column.type)
            if problem is not None:
                where = f"{mapper.local_table.name}.{column.name}"
                label = COLUMN_LABELS.get(where)
                raise TextRefused(
                    f"{f'「{label}」' if label else '所填内容'}{problem}，未保存。"
                    "请删除看不见的字符或精简内容后重试。",
                    field=where,
                    code="stored_text",
                )


def _stored_text_problem(value: Any, kind: Any, depth: int = 0) -> str | None:
    if isinstance(value, str):
        index = storage_forbidden(value)
        if index is not None:
            return f"第{index + 1}个字符是{describe_char(value[index])}，不能保存"
        length = getattr(kind, "length", None)
        if isinstance(kind, String) and length is not None and len(value) > length:
            return f"过长（最多{length}个字，现有{len(value)}个字）"
        return None
    if depth > 20:
        return None
    if isinstance(value, Mapping):
        for key, item in value.items():
            found = _stored_text_problem(key, None, depth + 1) or _stored_text_problem(
                item, None, depth + 1
            )
            if found is not None:
                return found
    elif isinstance(value, (list, tuple)):
        for item in value:
            found = _stored_text_problem(item, None, depth + 1)
            if found is not None:
                return found
    return None


# --------------------------------------------------------------------------- alembic


def migrations_dir() -> Path:
    """The folder of the alembic environment (``migrations/``), installed or in a checkout."""
    return Path(str(importlib.resources.files("migrations")))


def alembic_config(url: str | URL | None = None, *, engine: Engine | None = None) -> Config:
    """An alembic :class:`Config` built in code (works from an installed package).

    ``engine``, when given, is used by ``env.py`` instead of building one from ``url``.
    """
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    if url is not None:
        rendered = normalise_url(url).render_as_string(hide_password=False)
        cfg.set_main_option("sqlalchemy.url", rendered.replace("%", "%%"))
    if engine is not None:
        cfg.attributes["engine"] = engine
    return cfg


def upgrade(url: str | URL, revision: str = "head") -> None:
    """Migrate the database at ``url`` up to ``revision`` (creating a SQLite file if needed)."""
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str | URL, revision: str) -> None:
    """Migrate the database at ``url`` down to ``revision`` (``base``: empty)."""
    command.downgrade(alembic_config(url), revision)


def current_revision(url: str | URL) -> str | None:
    """The revision the database is at, or None for an empty (unmigrated) database."""
    engine = create_engine_for(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def head_revision() -> str:
    """The newest revision among the migration scripts."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "no migration revision found"
    return head


def check(url: str | URL) -> list[Any]:
    """Differences between the models and the database at ``url`` (expected at head).

    Empty when the migrations produce exactly the schema the models describe — the same
    comparison as ``alembic check``. Each entry is an alembic autogenerate diff tuple.
    """
    from alembic.autogenerate import compare_metadata

    from counter_app.models import Base

    engine = create_engine_for(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts=_compare_options())
            return list(compare_metadata(context, Base.metadata))
    finally:
        engine.dispose()


def _compare_options() -> Mapping[str, Any]:
    from migrations.compare import compare_options

    return compare_options()
