"""A submission's transaction starts with the acting account's check (RULES S1–S3) and, on
PostgreSQL, the writer's lock timeout in the same statement (``concurrency.begin_writer_as``,
docs/SCALING.md §0.2): the timeout is in force for the rest of that transaction only, and a
later ``begin_writer`` in it sends nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, text, update

from counter_app.models.office import Staff
from counter_app.services.concurrency import begin_writer, begin_writer_as

from .conftest import World


def _sent(world: World) -> tuple[list[str], Any]:
    seen: list[str] = []

    def on_sql(_c: Any, _cur: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith("BEGIN"):
            seen.append(statement)

    return seen, on_sql


def test_S3_the_lock_timeout_is_set_with_the_account_check_for_one_transaction(
    pg_world: World,
) -> None:
    world = pg_world
    staff_id = world.actors["yb103"].staff_id
    seen, on_sql = _sent(world)
    with world.session() as s:
        event.listen(world.engine, "before_cursor_execute", on_sql)
        try:
            assert begin_writer_as(s, 1234, staff_id)
            begin_writer(s, 1234)  # already set in this transaction: nothing sent
            sent_in_first = len(seen)
        finally:
            event.remove(world.engine, "before_cursor_execute", on_sql)
        assert s.execute(text("SHOW lock_timeout")).scalar() == "1234ms"
        s.commit()
        # A new transaction: back to the connection's own timeout until set again.
        assert s.execute(text("SHOW lock_timeout")).scalar() == "5s"
        s.rollback()
        begin_writer(s, 1234)
        assert s.execute(text("SHOW lock_timeout")).scalar() == "1234ms"
        s.rollback()
    assert sent_in_first == 1


def test_S3_a_disabled_or_unknown_account_is_not_a_writer(world_on_each_backend: World) -> None:
    world = world_on_each_backend
    staff_id = world.actors["yb103b"].staff_id
    with world.session() as s:
        assert begin_writer_as(s, 5000, staff_id)
        s.rollback()
        s.execute(update(Staff).where(Staff.id == staff_id).values(active=False))
        s.commit()
        assert not begin_writer_as(s, 5000, staff_id)
        s.rollback()
        assert not begin_writer_as(s, 5000, -1)
        s.rollback()
