"""A compare-and-set update (``concurrency.cas_card_state`` / ``cas_report_state``) leaves
the objects the unit of work already holds as a reload would: the changed row's new values
(plain strings, as loaded — the wire format of counter-server refuses a model enum), the
others untouched, and nothing read again."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import event, select

from counter_app.models import Card, Holder
from counter_app.models.card import CardState
from counter_app.services.concurrency import cas_card_state
from tests.services_b.conftest import World

NOW = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)


def test_cas_card_state_mirrors_the_change_without_reloading(
    world_on_each_backend: World,
) -> None:
    world = world_on_each_backend
    statements: list[str] = []
    with world.ctx.session_factory() as session:
        holder = session.scalars(select(Holder).order_by(Holder.id)).first()
        assert holder is not None
        card = session.scalars(select(Card).where(Card.holder_id == holder.id)).one()
        assert card.state == "active"

        def count(_c, _cur, statement, _p, _ctx, _m):  # type: ignore[no-untyped-def]
            statements.append(statement)

        event.listen(world.engine, "before_cursor_execute", count)
        try:
            changed = cas_card_state(session, card.id, [CardState.ACTIVE], CardState.LOST, NOW)
            state, when, name = card.state, card.state_changed_at, holder.name
        finally:
            event.remove(world.engine, "before_cursor_execute", count)
        session.rollback()
    assert changed
    assert (state, type(state)) == ("lost", str)
    assert when == NOW
    assert name  # the holder was not expired: reading it sent nothing
    assert [s.split()[0].upper() for s in statements] == ["UPDATE"]
