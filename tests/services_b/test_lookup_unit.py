"""``uow.LookupUnit``: an audited lookup's transaction on a Core connection, without an ORM
session, keeps the unit of work's promises — one transaction, nothing kept unless
committed, its connection back in the pool however it ends, a lost server reported as
``DatabaseUnavailable`` — on both back ends (RULES Q7: the view and its audit event stand
or fall together)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session

from counter_app.models.audit import AuditEvent
from counter_app.services import audit
from counter_app.services.errors import DatabaseUnavailable
from counter_app.services.uow import CoreDb, LookupUnit
from tests.services_b.conftest import World

NOW = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)


def _events(world: World, workstation: str) -> int:
    with world.ctx.session_factory() as session:
        return int(
            session.scalar(
                select(func.count()).where(AuditEvent.__table__.c.workstation == workstation)
            )
            or 0
        )


def _append(unit: LookupUnit, workstation: str) -> None:
    audit.record(unit, None, "record.view", workstation=workstation, at=NOW, category="medical")


def test_a_committed_lookup_keeps_its_audit_event_on_a_core_connection(
    world_on_each_backend: World,
) -> None:
    world = world_on_each_backend
    with world.ctx.lookup() as unit:
        assert isinstance(unit.db, CoreDb)  # no ORM session behind a lookup
        _append(unit, "WS-LOOK")
        unit.commit()
    assert _events(world, "WS-LOOK") == 1
    assert world.engine.pool.checkedout() == 0


def test_a_lookup_left_without_commit_keeps_nothing(world_on_each_backend: World) -> None:
    world = world_on_each_backend
    with pytest.raises(RuntimeError), world.ctx.lookup() as unit:
        _append(unit, "WS-LOOK")
        raise RuntimeError("the view failed after its audit append")
    with world.ctx.lookup() as unit:
        _append(unit, "WS-LOOK")  # no commit: rolled back on leaving
    assert _events(world, "WS-LOOK") == 0
    assert world.engine.pool.checkedout() == 0


def test_the_lookups_reads_and_append_share_one_transaction(world_on_each_backend: World) -> None:
    world = world_on_each_backend
    begins: list[Any] = []

    def on_begin(conn: Any) -> None:
        begins.append(conn)

    event.listen(world.engine, "begin", on_begin)
    try:
        with world.ctx.lookup() as unit:
            unit.db.connection().execute(text("SELECT 1"))
            _append(unit, "WS-LOOK")
            _append(unit, "WS-LOOK")
            unit.commit()
    finally:
        event.remove(world.engine, "begin", on_begin)
    assert len(begins) == 1
    assert _events(world, "WS-LOOK") == 2


def test_a_factory_of_another_kind_gives_a_connection_to_its_sessions_engine(
    world_on_each_backend: World,
) -> None:
    world = world_on_each_backend
    factory = world.ctx.session_factory

    def plain() -> Session:  # not a sessionmaker: a test's own factory
        return factory()

    with LookupUnit(plain) as unit:
        assert isinstance(unit.db, CoreDb)
        assert unit.db.connection().engine.url == world.engine.url
        _append(unit, "WS-PLAIN")
        unit.commit()
    assert _events(world, "WS-PLAIN") == 1


@pytest.mark.postgres
def test_a_server_gone_mid_lookup_is_database_unavailable(pg_world: World) -> None:
    """The backend terminated between two statements (a server restart): the clerk is told
    the database is unavailable, nothing is kept, the pool hands out a fresh connection."""
    world = pg_world
    with pytest.raises(DatabaseUnavailable), world.ctx.lookup() as unit:
        pid = unit.db.connection().execute(text("SELECT pg_backend_pid()")).scalar_one()
        with world.engine.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        _append(unit, "WS-GONE")
    assert world.engine.pool.checkedout() == 0
    with world.ctx.lookup() as unit:
        _append(unit, "WS-GONE")
        unit.commit()
    assert _events(world, "WS-GONE") == 1
