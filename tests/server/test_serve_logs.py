"""A maintainer sees a counter-server start and stop in its log (a city trial restarted one
and it wrote nothing at all)."""

from __future__ import annotations

import logging
from types import SimpleNamespace
from typing import Any

import pytest

from counter_app.server import runner


def test_serve_logs_where_it_listens_and_when_it_stops(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    released: list[bool] = []
    ran: list[bool] = []
    monkeypatch.setattr(runner, "build_parts", lambda _c: ("parts", lambda: released.append(True)))
    monkeypatch.setattr(
        runner, "build_server", lambda _c, _p: SimpleNamespace(run=lambda: ran.append(True))
    )
    config: Any = SimpleNamespace(host="0.0.0.0", port=8443)
    with caplog.at_level(logging.INFO, logger="counter_server"):
        runner.serve(config)
    assert ran == [True] and released == [True]
    messages = [r.getMessage() for r in caplog.records if r.name == "counter_server"]
    assert messages[0].startswith("counter-server listening on 0.0.0.0:8443")
    assert messages[-1] == "counter-server stopped"
