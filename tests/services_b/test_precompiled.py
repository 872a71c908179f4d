"""``services/precompiled.py``: the hot statements run on the DB-API cursor give what
SQLAlchemy's own execution gives — the same rows with the same Python types, every
statement seen by the engine's listeners, driver errors wrapped, scrubbed and invalidating
a lost connection — on both back ends."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import bindparam, event, insert, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from counter_app.models import Card, Holder
from counter_app.models.audit import AuditEvent
from counter_app.services import audit_chain
from counter_app.services.precompiled import Precompiled, of
from tests.services_b.conftest import World

NOW = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)

_events = AuditEvent.__table__.c
_EVENTS = (
    select(_events.seq, _events.at, _events.details, _events.holder_id, _events.reason)
    .where(_events.workstation == bindparam("ws"))
    .order_by(_events.seq)
)
_CARDS = select(Card.__table__).where(Card.__table__.c.holder_id == bindparam("holder_id"))


def _append(world: World, workstation: str, details: dict[str, Any] | None) -> None:
    with world.ctx.session_factory() as session:
        holder = session.scalars(select(Holder.id).order_by(Holder.id)).first()
        audit_chain.append(
            session,
            staff_id=None,
            office_id=None,
            workstation=workstation,
            action="record.view",
            holder_id=holder,
            details=details,
            at=NOW,
        )
        session.commit()


def test_rows_and_types_are_sqlalchemys(world_on_each_backend: World) -> None:
    world = world_on_each_backend
    _append(world, "WS-PRE", {"category": "medical", "名字": "张三", "n": 3})
    _append(world, "WS-PRE", None)
    with world.ctx.session_factory() as session:
        theirs = [tuple(r) for r in session.execute(_EVENTS, {"ws": "WS-PRE"})]
        ours = Precompiled(_EVENTS).rows(session, {"ws": "WS-PRE"})
        holder_id = session.scalars(select(Holder.id).order_by(Holder.id)).first()
        card_theirs = [tuple(r) for r in session.execute(_CARDS, {"holder_id": holder_id})]
        card_ours = of(_CARDS).rows(session, {"holder_id": holder_id})
    assert len(ours) == 2
    assert [tuple(r) for r in ours] == theirs
    assert [[type(v) for v in r] for r in ours] == [[type(v) for v in r] for r in theirs]
    first = ours[0]
    assert first.at == NOW and first.at.tzinfo is not None  # UtcDateTime, aware on SQLite too
    assert first.details == {"category": "medical", "名字": "张三", "n": 3}  # JSON decoded
    assert ours[1].details is None and ours[1].reason is None
    assert card_ours and [tuple(r) for r in card_ours] == card_theirs
    assert isinstance(card_ours[0].issue_date, dt.date)  # a date, not SQLite's text


def test_every_statement_reaches_the_engines_listeners(world_on_each_backend: World) -> None:
    world = world_on_each_backend
    seen: list[tuple[str, Any]] = []

    def on_sql(_c: Any, _cur: Any, statement: str, params: Any, _ctx: Any, _m: bool) -> None:
        seen.append((statement, params))

    event.listen(world.engine, "before_cursor_execute", on_sql)
    try:
        with world.ctx.session_factory() as session:
            of(_EVENTS).first(session, {"ws": "nobody"})
            assert of(_EVENTS).scalar(session, {"ws": "nobody"}) is None
    finally:
        event.remove(world.engine, "before_cursor_execute", on_sql)
    selects = [s for s, _p in seen if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 2
    assert all("nobody" in str(p) for s, p in seen if s in selects)


def test_a_constraint_violation_is_sqlalchemys_error_without_the_rows_values(
    world_on_each_backend: World,
) -> None:
    world = world_on_each_backend
    _append(world, "WS-DUP", None)
    columns = [
        "at",
        "action",
        "outcome",
        "chain",
        "chain_seq",
        "prev_hash",
        "hash",
        "workstation",
    ]
    duplicate = Precompiled(insert(AuditEvent.__table__), column_keys=columns)
    with world.ctx.session_factory() as session:
        row = session.execute(
            select(AuditEvent.hash, AuditEvent.chain).where(AuditEvent.workstation == "WS-DUP")
        ).one()
        values = {
            "at": NOW,
            "action": "record.view",
            "outcome": "success",
            "chain": "WS-OTHER",
            "chain_seq": 1,
            "prev_hash": "0" * 64,
            "hash": row.hash,  # unique: refused
            "workstation": "WS-OTHER",
        }
        with pytest.raises(IntegrityError) as raised:
            duplicate.run(session, values)
        session.rollback()
        # The session is usable again: the failed statement left no half-open state behind.
        assert of(_EVENTS).first(session, {"ws": "WS-DUP"}) is not None
    assert row.hash not in str(raised.value)
    assert row.hash not in str(raised.value.orig)


def test_statements_needing_sqlalchemys_full_execution_are_refused(
    world_on_each_backend: World,
) -> None:
    expanding = Precompiled(select(Card.id).where(Card.state.in_(["active", "lost"])))
    with world_on_each_backend.ctx.session_factory() as session:
        with pytest.raises(ValueError, match="expanding"):
            expanding.rows(session, {})


@pytest.mark.postgres
def test_a_lost_connection_invalidates_it(pg_world: World) -> None:
    """A server-side disconnect (the backend terminated, as a restart does)."""
    world = pg_world
    with world.ctx.session_factory() as session:
        pid = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
        with world.engine.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        with pytest.raises(DBAPIError) as raised:
            of(_EVENTS).rows(session, {"ws": "WS-PRE"})
        session.rollback()
    assert raised.value.connection_invalidated
    with world.ctx.session_factory() as session:  # the pool hands out a fresh connection
        assert of(_EVENTS).rows(session, {"ws": "WS-PRE"}) == []


def test_a_sessions_connection_is_remembered_for_its_transaction_only(
    world_on_each_backend: World,
) -> None:
    """Statements of one ORM transaction share its connection; after the commit the next
    transaction's statements run on the connection the session gives it, never the old one
    (whose transaction is over)."""
    from counter_app.services.precompiled import _connection

    with world_on_each_backend.ctx.session_factory() as session:
        first = _connection(session)
        assert _connection(session) is first is session.connection()
        of(_EVENTS).rows(session, {"ws": "WS-PRE"})
        session.commit()
        second = _connection(session)
        assert second is session.connection()
        assert second is not first
        session.rollback()
        assert _connection(session) is session.connection() is not second


def test_shared_reads_send_a_select_once_per_parameters_and_never_share_a_write(
    world_on_each_backend: World,
) -> None:
    """``SHARED_READS`` (a holder's full overview): the same select with the same parameters
    in the unit of work is sent once; other parameters, and any write, are sent each time;
    without the key nothing is shared."""
    from counter_app.services.precompiled import SHARED_READS

    world = world_on_each_backend
    sent: list[str] = []
    engine = world.ctx.session_factory().get_bind()

    def on_sql(_c: Any, _cur: Any, statement: str, *_a: Any) -> None:
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", on_sql)
    try:
        with world.ctx.session_factory() as session:
            holders = session.scalars(select(Holder.id).order_by(Holder.id).limit(2)).all()
            cards = of(_CARDS)
            sent.clear()
            session.info[SHARED_READS] = {}
            first = cards.rows(session, {"holder_id": holders[0]})
            again = cards.rows(session, {"holder_id": holders[0]})
            other = cards.rows(session, {"holder_id": holders[1]})
            shared_sent = len(sent)
            touch = Precompiled(
                Card.__table__.update()
                .where(Card.__table__.c.id == bindparam("card_id"))
                .values(state=bindparam("state"))
            )
            card = first[0]
            for _ in range(2):
                touch.run(session, {"card_id": card.id, "state": card.state})
            writes_sent = len(sent) - shared_sent
            session.info.pop(SHARED_READS)
            cards.rows(session, {"holder_id": holders[0]})
            unshared_sent = len(sent) - shared_sent - writes_sent
            session.rollback()
    finally:
        event.remove(engine, "before_cursor_execute", on_sql)
    assert [tuple(r) for r in again] == [tuple(r) for r in first] and first
    assert again is not first  # a caller's list of its own
    assert [r.holder_id for r in other] == [holders[1]] * len(other)
    assert shared_sent == 2  # holder 0 once, holder 1 once
    assert writes_sent == 2
    assert unshared_sent == 1
