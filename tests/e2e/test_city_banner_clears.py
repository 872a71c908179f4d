"""The city tier: once counter-server is back, the first call it answers — whatever it
is — takes the red 连接中断 banner down (from a city trial: it stayed up for minutes
through successful calls, until a search hit). The outage is simulated as in
``test_city_server_outage``: the server stopped, then restarted on the same port."""

from __future__ import annotations

from typing import Any

import pytest

from counter_app.demo.accounts import fixed_holder
from tests.e2e.test_city_server_outage import (  # noqa: F401 - the fixture
    RestartableServer,
    _search,
    city_counter,
)

pytestmark = [pytest.mark.gui, pytest.mark.remote_only]


def test_the_first_answered_call_after_an_outage_takes_the_banner_down(
    city_counter: tuple[Any, RestartableServer],  # noqa: F811
) -> None:
    c, server = city_counter
    server.stop()
    _search(c, fixed_holder("active_default_pin").ssn)
    assert c.window.banner.isVisible()
    c.window.lapsing_badge.refresh()  # no answer while the server is down
    assert c.window.banner.isVisible()

    server.start()
    c.window.lapsing_badge.refresh()  # a count, no search: answered
    assert not c.window.banner.isVisible()
    assert c.window.lapsing_badge.isVisible()
