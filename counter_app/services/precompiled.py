"""Hot Core statements compiled once per database and run on the DB-API cursor.

An audited lookup sends a handful of small statements (the view check, the record reads,
the audit append). Each is built once at import, yet ``Connection.execute`` still spends
50–100 µs of Python per call setting up an execution context, looking up the compiled
cache and building result metadata: several times what the driver itself needs, and most
of the services' cost beside the raw driver (docs/BENCHMARKS.md). :class:`Precompiled`
keeps what SQLAlchemy compiled for the dialect — the SQL text, the parameter order, the
bind and result type processors — and runs it on the unit of work connection's own DB-API
cursor, in its transaction (``counter_app.db_cursor``: listeners, error handling and pool
invalidation as ``Connection.execute`` has them). Only plain statements qualify:
one without expanding ``IN`` parameters or Python-side column defaults is refused at its
first compile, so a statement that needs SQLAlchemy's full execution never runs half-way.
"""

from __future__ import annotations

import weakref
from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol, cast

from sqlalchemy import Connection, Dialect
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement

from counter_app import db_cursor


class Db(Protocol):
    """What a statement needs of its unit of work: the transaction's connection and a
    dictionary living as long as the unit of work (``info``). An ORM ``Session`` is one;
    so is the lookup unit's :class:`counter_app.services.uow.CoreDb`."""

    def connection(self) -> Connection: ...

    @property
    def info(self) -> dict[Any, Any]: ...


class _Form:
    """One statement compiled for one dialect; its result shape learnt at first use."""

    __slots__ = ("binds", "compiled", "defaults", "names", "processors", "required", "row", "sql")

    def __init__(self, compiled: SQLCompiler, dialect: Dialect) -> None:
        if compiled.post_compile_params or compiled.literal_execute_params:
            raise ValueError("precompiled statements take no expanding parameters")
        if compiled.insert_prefetch or compiled.update_prefetch:
            raise ValueError("precompiled statements take no Python-side column defaults")
        self.compiled = compiled
        self.sql = compiled.string
        self.names: Sequence[str] | None = compiled.positiontup if dialect.positional else None
        self.binds = tuple(
            (name, cast(Callable[[Any], Any], process))
            for name, process in compiled._bind_processors.items()
        )
        self.row: Callable[[Sequence[Any]], Any] | None = None
        self.processors: tuple[tuple[int, Callable[[Any], Any]], ...] = ()
        # Every parameter named as its key, none computed at execution: the values are the
        # statement's own constants overlaid with the caller's (what ``construct_params``
        # does, without its per-parameter bookkeeping); otherwise SQLAlchemy's way.
        named = compiled.bind_names.items()
        plain = not compiled.escaped_bind_names and all(
            p.key == name and p.callable is None for p, name in named
        )
        self.defaults = {name: p.value for p, name in named if not p.required} if plain else None
        self.required = frozenset(name for p, name in named if p.required)

    def parameters(self, params: Mapping[str, Any]) -> Any:
        if self.defaults is None:
            values = self.compiled.construct_params(params, escape_names=False)
        elif self.required <= params.keys():
            values = {**self.defaults, **params}
        else:
            missing = sorted(self.required - params.keys())
            raise InvalidRequestError(f"A value is required for bind parameter {missing[0]!r}")
        for name, process in self.binds:
            if name in values:
                values[name] = process(values[name])
        if self.names is None:
            return values
        return tuple(values[name] for name in self.names)

    def learn(self, dialect: Dialect, description: Any) -> None:
        columns = self.compiled._result_columns
        keys = [c.keyname for c in columns]
        every = (
            c.type._cached_result_processor(dialect, d[1])
            for c, d in zip(columns, description, strict=True)
        )
        self.processors = tuple((i, p) for i, p in enumerate(every) if p is not None)
        self.row = cast(Any, namedtuple("Row", keys, rename=True))._make


#: ``info`` key of a unit of work whose reads are shared while it holds a dictionary: a
#: ``select`` run again with the same parameters in that transaction gives the rows it gave
#: the first time, without a statement (``records.full_overview``: tabs that show the same
#: rows — the holder, the cards, the participations, the contribution records — read them
#: once). Only reads are shared; rows are immutable named tuples.
SHARED_READS = "counter_app.precompiled.shared_reads"


class Precompiled:
    """``statement`` (a Core ``select``/``insert``/``update`` built once at import).

    ``column_keys`` names the parameters of an ``insert``/``update`` whose values come at
    execution (the columns it sets); a ``select`` needs none.
    """

    __slots__ = ("_column_keys", "_forms", "_last", "_reads", "statement")

    def __init__(self, statement: ClauseElement, *, column_keys: Sequence[str] = ()) -> None:
        self.statement = statement
        self._reads = isinstance(statement, Select)
        self._column_keys = list(column_keys) or None
        self._forms: weakref.WeakKeyDictionary[Dialect, _Form] = weakref.WeakKeyDictionary()
        self._last: tuple[Dialect, _Form] | None = None

    def _form(self, dialect: Dialect) -> _Form:
        last = self._last  # one database per process, nearly always
        if last is not None and last[0] is dialect:
            return last[1]
        form = self._forms.get(dialect)
        if form is None:
            compiled = self.statement.compile(dialect=dialect, column_keys=self._column_keys)
            assert isinstance(compiled, SQLCompiler)
            form = self._forms[dialect] = _Form(compiled, dialect)
        self._last = (dialect, form)
        return form

    def rows(self, db: Db, params: Mapping[str, Any]) -> list[Any]:
        """Every row, as named tuples with the columns' Python types (shared within a unit
        of work that asks for it: :data:`SHARED_READS`)."""
        shared: dict[Any, list[Any]] | None = db.info.get(SHARED_READS) if self._reads else None
        if shared is None:
            return self._read(db, params)
        try:
            key = (id(self), tuple(sorted(params.items())))
            found = shared.get(key)
        except TypeError:  # a parameter that cannot be a key: read as usual
            return self._read(db, params)
        if found is None:
            found = shared[key] = self._read(db, params)
        return list(found)

    def _read(self, db: Db, params: Mapping[str, Any]) -> list[Any]:
        conn = _connection(db)
        form = self._form(conn.dialect)
        cursor = _execute(conn, form, params)
        try:
            fetched = cursor.fetchall()
            if form.row is None:
                form.learn(conn.dialect, cursor.description)
        except BaseException as error:
            db_cursor.fail(conn, error, form.sql, cursor)
        make = form.row
        assert make is not None
        processors = form.processors
        if not processors:
            return [make(r) for r in fetched]
        found = []
        for r in fetched:
            values = list(r)
            for i, process in processors:
                values[i] = process(values[i])
            found.append(make(values))
        return found

    def first(self, db: Db, params: Mapping[str, Any]) -> Any | None:
        """The first row, or None (the statement should ask for one row: ``LIMIT 1``)."""
        found = self.rows(db, params)
        return found[0] if found else None

    def scalar(self, db: Db, params: Mapping[str, Any]) -> Any:
        """The first column of the first row, or None."""
        found = self.first(db, params)
        return None if found is None else found[0]

    def run(self, db: Db, params: Mapping[str, Any]) -> int:
        """Execute a statement without rows; return its row count."""
        conn = _connection(db)
        return int(_execute(conn, self._form(conn.dialect), params).rowcount)


#: ``Session.info`` key: (the root transaction, its connection) — see :func:`_connection`.
_CONNECTION = "counter_app.precompiled.connection"


def _connection(db: Db) -> Connection:
    """``db``'s connection; for an ORM session, remembered for its transaction — asking the
    session each time costs ~10 µs a statement (its transaction state machine), a tenth of
    a written loss report's client CPU. A new transaction asks again."""
    if not isinstance(db, Session):
        return db.connection()
    transaction = db.get_transaction()
    known = db.info.get(_CONNECTION)
    if transaction is not None and known is not None and known[0] is transaction:
        return cast(Connection, known[1])
    conn = db.connection()
    db.info[_CONNECTION] = (db.get_transaction(), conn)
    return conn


def _execute(conn: Connection, form: _Form, params: Mapping[str, Any]) -> Any:
    return db_cursor.execute(conn, form.sql, form.parameters(params))


_known: dict[int, Precompiled] = {}


def of(statement: ClauseElement) -> Precompiled:
    """The :class:`Precompiled` of a statement built once at import (one per statement)."""
    found = _known.get(id(statement))
    if found is None or found.statement is not statement:
        found = _known[id(statement)] = Precompiled(statement)
    return found
