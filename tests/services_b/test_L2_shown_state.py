"""RULES L2 on the screens: a phone report past its deadline has lapsed the moment the
deadline passes, so the card state a clerk is shown — in the search hits, the holder
overview and 卡基本信息 — is the derived one, not the stored one a lapse job has not yet
updated. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from counter_app.services import phone_reports, records, search
from counter_app.services.queries.category import Category
from counter_app.services.sessions import open_id_session
from tests.id_documents import manual_doc

from .conftest import NOW, SERVICE_PASSWORD, World


@pytest.fixture
def world(world_on_each_backend: World) -> World:
    return world_on_each_backend


def at(world: World, moment: dt.datetime) -> Any:
    ctx = world.context()
    ctx.clock = lambda: moment
    return ctx


def shown(world: World, ctx: Any, key: str) -> tuple[str | None, str, str, list[str]]:
    """(search hit's state, overview's state, 卡基本信息's state of that card, history kinds)."""
    actor, holder = world.actors["yb103"], world.holders[key]
    [hit] = search.find_holders(ctx, actor, holder.ssn)
    session = open_id_session(ctx, actor, holder.holder_id, manual_doc(holder.ssn), "查询")
    over = records.overview(ctx, actor, session)
    basic = records.category(ctx, actor, session, Category.CARD_BASIC)
    [card] = [c for c in basic.cards if c.card_id == holder.card_id]
    assert over.card is not None
    return hit.card_state, over.card.state, card.state, [e.kind for e in over.history]


def test_L2_state_shown_in_search_and_overview_is_lapsed_after_the_deadline(
    world: World,
) -> None:
    phone_reports.report_loss_by_phone(world.ctx, world.holders["h011"].ssn, SERVICE_PASSWORD)
    days = world.ctx.settings.phone_report_validity_days
    before = at(world, NOW + dt.timedelta(days=days) - dt.timedelta(minutes=1))
    hit, over, basic, history = shown(world, before, "h011")
    assert (hit, over, basic) == ("phone_reported_lost",) * 3
    assert "电话挂失失效" not in history
    # No lapse processing ran: the stored state is still phone_reported_lost.
    after = at(world, NOW + dt.timedelta(days=days, minutes=1))
    hit, over, basic, history = shown(world, after, "h011")
    assert (hit, over, basic) == ("active",) * 3
    assert "电话挂失失效" in history
    # Reading changed nothing: lapse processing still records the lapse.
    assert phone_reports.lapse_expired(after) == 1


def test_L2_a_lapsed_phone_report_shows_its_deadline_as_the_change_time(
    world: World,
) -> None:
    """A clerk's trial: the card shown 正常 again still said it changed state when the phone
    report was taken. The change the clerk is shown is the lapse, at the deadline."""
    phone_reports.report_loss_by_phone(world.ctx, world.holders["h011"].ssn, SERVICE_PASSWORD)
    days = world.ctx.settings.phone_report_validity_days
    ctx = at(world, NOW + dt.timedelta(days=days, hours=3))
    actor, holder = world.actors["yb103"], world.holders["h011"]
    session = open_id_session(ctx, actor, holder.holder_id, manual_doc(holder.ssn), "查询")
    over = records.overview(ctx, actor, session)
    basic = records.category(ctx, actor, session, Category.CARD_BASIC)
    [card] = [c for c in basic.cards if c.card_id == holder.card_id]
    assert over.card is not None and over.card.state == card.state == "active"
    lapse = next(e.at for e in over.history if e.kind == "电话挂失失效")
    assert over.card.state_changed_at == card.state_changed_at == lapse
    assert NOW + dt.timedelta(days=days) - dt.timedelta(minutes=1) <= lapse
    assert lapse <= NOW + dt.timedelta(days=days, minutes=1)
