"""Holder search (RULES Q7) hits carry the card's 有效期至 and whether it is past it on the
local (Asia/Shanghai) day of the search, so the hit list can mark 卡状态 as the holder
header does; the card's state, which the rules decide by, is unchanged."""

from __future__ import annotations

import datetime as dt

from counter_app.services import search
from counter_app.services.context import ServiceContext
from tests.services.conftest import Clock, _dispose, actor_for, make_ctx

CLERK = "YB500103-01"
RETIRED_SSN = "500101195509010192"  # 周国华: his card expired on 2025-02-28
ACTIVE_SSN = "500103196803150310"  # 王建国: a card within its expiry date


def test_Q7_hit_of_an_expired_card_says_so_and_keeps_its_state(ctx: ServiceContext) -> None:
    [hit] = search.find_holders(ctx, actor_for(ctx, CLERK), RETIRED_SSN)
    assert hit.name == "周国华"
    assert hit.card_expiry_date == dt.date(2025, 2, 28)
    assert hit.card_expired
    assert hit.card_state == "active"
    [other] = search.find_holders(ctx, actor_for(ctx, CLERK), ACTIVE_SSN)
    assert other.card_expiry_date is not None and not other.card_expired


def test_Q7_expiry_is_judged_on_the_local_day(sqlite_demo_url: str) -> None:
    # 23:30 on 2025-02-28 in Chongqing is still his card's last day; 00:30 next day is not.
    for utc, expired in (
        (dt.datetime(2025, 2, 28, 15, 30, tzinfo=dt.UTC), False),
        (dt.datetime(2025, 2, 28, 16, 30, tzinfo=dt.UTC), True),
    ):
        context = make_ctx(sqlite_demo_url, Clock(utc))
        try:
            [hit] = search.find_holders(context, actor_for(context, CLERK), RETIRED_SSN)
        finally:
            _dispose(context)
        assert hit.card_expired is expired, utc
