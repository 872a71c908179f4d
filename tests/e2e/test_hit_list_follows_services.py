"""The search's hit list after a service changed the card: its 卡状态 says what the service
left (RULES L3 written report, L2), not what the search found before it — read from the
holder overview the window reads again when the workflow closes (no new search)."""

from __future__ import annotations

from typing import Any

import pytest

from counter_app.demo.accounts import fixed_holder
from counter_app.ui.search_pane import HIT_COLUMNS
from tests.e2e.test_loss import written_loss

pytestmark = pytest.mark.gui


def shown_state(c: Any, key: str) -> str:
    """卡状态 of ``key``'s row as the hit list shows it."""
    hits = c.window.hits
    column = HIT_COLUMNS.index("card_state")
    (row,) = [
        r
        for r in range(hits.rowCount())
        if hits.row_object(r).holder_id == c.window.holder.session.holder_id
    ]
    assert hits.row_object(row).card_number == fixed_holder(key).card_number
    return str(hits.data(hits.index(row, column)))


@pytest.mark.also_remote
def test_L3_hit_list_shows_written_report_once_the_workflow_closes(counter: Any) -> None:
    c = counter("YB500103-01")
    searches = c.window.gateway
    d, _text = written_loss(c, "phone_lost")  # searched by ID number
    assert shown_state(c, "phone_lost") == "电话挂失（临时）"  # as the search found it
    calls: list[str] = []
    original = searches.find_holders
    searches.find_holders = lambda *a: calls.append("find_holders") or original(*a)  # type: ignore[method-assign]
    try:
        d.accept()  # 完成 on the result page
        assert shown_state(c, "phone_lost") == "书面挂失"
        assert calls == []  # no new (audited) search behind the clerk's back
    finally:
        del searches.find_holders
