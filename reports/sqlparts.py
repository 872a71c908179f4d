"""SQL building blocks that give the same answers on SQLite and PostgreSQL.

- :func:`hour_bucket`: the Shanghai hour of a timestamp as a ``CASE`` over bound UTC edges,
  so neither back end's date functions (``strftime`` / ``EXTRACT ... AT TIME ZONE``) are
  needed and the statement is the same on both.
- :class:`epoch_seconds`: seconds since 1970 of a timestamp column — the one primitive the
  two back ends spell differently (SQLite keeps timestamps as text), compiled per dialect.
- :func:`percentiles`: ``percentile_cont`` (which SQLite lacks) from ``ROW_NUMBER()`` and
  ``COUNT(*) OVER ()``: the two ranks around ``1 + p·(n-1)`` are picked in SQL with integer
  arithmetic, and only the final interpolation between those two values happens in Python.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from sqlalchemy import ColumnElement, Float, Select, SQLColumnExpression, case, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import FunctionElement


def hour_bucket(
    column: SQLColumnExpression[dt.datetime], edges: Sequence[dt.datetime]
) -> ColumnElement[int]:
    """0..len(edges)-2 for ``edges[i] <= column < edges[i+1]`` (rows outside give NULL)."""
    whens = [(column < edge, index) for index, edge in enumerate(edges[1:])]
    return case(*whens, else_=None)


class epoch_seconds(FunctionElement[float]):  # an SQL function name
    """Seconds since 1970-01-01 UTC of a timestamp column."""

    type = Float()
    inherit_cache = True
    name = "epoch_seconds"


@compiles(epoch_seconds, "sqlite")
def _epoch_sqlite(element: epoch_seconds, compiler: SQLCompiler, **kw: Any) -> str:
    # Stored as UTC text 'YYYY-MM-DD HH:MM:SS.ffffff'; julianday keeps the fraction.
    return f"((julianday({compiler.process(element.clauses, **kw)}) - 2440587.5) * 86400.0)"


@compiles(epoch_seconds, "postgresql")
def _epoch_postgresql(element: epoch_seconds, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)}) AS FLOAT)"


@dataclass(frozen=True)
class Distribution:
    """Count and percentiles (seconds) of a set of durations; percentiles None when empty."""

    count: int
    values: dict[Fraction, float | None]

    def at(self, p: Fraction) -> float | None:
        return self.values[p]


def percentiles(conn: Connection, values: Select[Any], points: Sequence[Fraction]) -> Distribution:
    """``percentile_cont(p)`` for each of ``points`` over the single column of ``values``.

    ``values`` is a SELECT of one numeric column. One statement: the column is ranked with
    ``ROW_NUMBER() OVER (ORDER BY v)`` next to ``n = COUNT(*) OVER ()``; for each ``p`` the
    ranks ``lo = 1 + (n-1)·p`` (integer part, computed with integer division) and ``lo + 1``
    are picked with ``MAX(CASE ...)``, together with the remainder that weighs them.
    """
    sub = values.subquery("v")
    value = next(iter(sub.c))
    ranked = select(
        value.label("v"),
        func.row_number().over(order_by=value).label("rn"),
        func.count().over().label("n"),
    ).subquery("ranked")
    columns: list[ColumnElement[Any]] = [func.max(ranked.c.n)]
    for p in points:
        scaled = (ranked.c.n - 1) * p.numerator
        lo = 1 + scaled // p.denominator
        columns.append(func.max(case((ranked.c.rn == lo, ranked.c.v))))
        columns.append(func.max(case((ranked.c.rn == lo + 1, ranked.c.v))))
        columns.append(func.max(scaled % p.denominator))
    row = conn.execute(select(*columns)).one()
    count = int(row[0] or 0)
    result: dict[Fraction, float | None] = {}
    for i, p in enumerate(points):
        lo_v, hi_v, rem = row[1 + 3 * i], row[2 + 3 * i], row[3 + 3 * i]
        if count == 0 or lo_v is None:
            result[p] = None
            continue
        weight = Fraction(int(rem or 0), p.denominator)
        hi = float(hi_v) if hi_v is not None else float(lo_v)
        result[p] = float(lo_v) + float(weight) * (hi - float(lo_v))
    return Distribution(count, result)
