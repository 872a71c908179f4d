"""Statement budgets of the write path (docs/SCALING.md §0.2 "One transaction per clerk
action"; docs/BENCHMARKS.md "City load with focus phases"): a written loss report (RULES
L3) is one transaction — the acting account's check included — of at most 12 statements
that reads the holder and their card once, in one statement, and its office only with the
form serial; a session's end (Q1/Q7, E1) reads the access summary once. Counts, not
times."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from counter_app.services import sessions, written_reports
from tests.services_b.conftest import World
from tests.services_b.test_rules import details, id_session

WRITTEN_LOSS_BUDGET = 12  # on both back ends (the lock timeout is set with the account check)
SESSION_END_BUDGET = 10


@contextmanager
def _statements(world: World) -> Iterator[list[str]]:
    seen: list[str] = []

    def on_sql(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith("BEGIN"):  # SQLite's own BEGIN
            seen.append(" ".join(statement.split()))

    event.listen(world.engine, "before_cursor_execute", on_sql)
    try:
        yield seen
    finally:
        event.remove(world.engine, "before_cursor_execute", on_sql)


def _updates_of(seen: list[str], table: str) -> int:
    return sum(1 for s in seen if s.upper().startswith(f"UPDATE {table.upper()}"))


def _reads_of(seen: list[str], table: str) -> int:
    return sum(1 for s in seen if s.upper().startswith("SELECT") and f"FROM {table}" in s)


def test_L3_written_loss_report_within_its_statement_budget(
    world_on_each_backend: World,
) -> None:
    world = world_on_each_backend
    h = world.holders["h004"]
    id_session(world, "h004")  # the workstation's audit chain exists (its first use adds 3)
    same_phone = details(world, "h004", contact_phone="13883250004")  # the one on record
    with _statements(world) as seen:
        result = written_reports.register_written_loss(
            world.ctx, world.actors["yb103"], h.holder_id, same_phone, "budget-0001"
        )
    assert result.serial and not result.already_done
    assert len(seen) <= WRITTEN_LOSS_BUDGET, "\n".join(seen)
    assert _updates_of(seen, "holders") == 0, "\n".join(seen)
    assert _reads_of(seen, "holders") == 1, "\n".join(seen)  # with the card: one statement
    assert _reads_of(seen, "cards") == 0, "\n".join(seen)
    assert _reads_of(seen, "offices") == 0, "\n".join(seen)  # read with the serial
    assert _reads_of(seen, "form_documents") == 0, "\n".join(seen)
    assert sum(1 for s in seen if s.upper().startswith("UPDATE LOSS_REPORTS")) == 0  # inserted once


def test_L3_a_new_contact_phone_costs_one_update_of_the_holder(
    world_on_each_backend: World,
) -> None:
    """RULES L3: the 联系电话 given on the form becomes the holder's contact phone — one
    ``UPDATE holders`` beyond the budget, only when it differs from the one on record."""
    world = world_on_each_backend
    h = world.holders["h004"]
    id_session(world, "h004")
    with _statements(world) as seen:
        written_reports.register_written_loss(
            world.ctx, world.actors["yb103"], h.holder_id, details(world, "h004"), "budget-0002"
        )
    assert len(seen) <= WRITTEN_LOSS_BUDGET + 1, "\n".join(seen)
    assert _updates_of(seen, "holders") == 1, "\n".join(seen)


def test_L3_written_loss_report_is_one_transaction_with_the_account_check(
    world_on_each_backend: World,
) -> None:
    world = world_on_each_backend
    h = world.holders["h004"]
    id_session(world, "h004")
    begun: list[object] = []

    def on_begin(conn: Any) -> None:
        begun.append(conn)

    event.listen(world.engine, "begin", on_begin)
    try:
        with _statements(world) as seen:
            result = written_reports.register_written_loss(
                world.ctx, world.actors["yb103"], h.holder_id, details(world, "h004"), "one-tx-01"
            )
    finally:
        event.remove(world.engine, "begin", on_begin)
    assert result.serial and not result.already_done
    assert len(begun) == 1
    assert seen[0].upper().startswith("SELECT STAFF.ACTIVE"), "\n".join(seen)


def test_Q7_session_end_reads_the_access_summary_once(world_on_each_backend: World) -> None:
    world = world_on_each_backend
    session = id_session(world, "h005")
    with _statements(world) as seen:
        summary = sessions.end_session(world.ctx, world.actors["yb103"], session)
    assert summary.session_id == session.session_id
    assert len(seen) <= SESSION_END_BUDGET, "\n".join(seen)
    assert _reads_of(seen, "audit_events") == 1, "\n".join(seen)
