"""RULES L2: the status bar's 电话挂失即将失效：N counts the phone reports about to lapse. A
written report (L3) confirms one of them: the count follows as soon as the clerk is back at the
holder's record — not at 结束服务, nor when the list is opened, nor ten minutes later (a new
clerk's trial saw 2 for minutes after 刘芳's written report)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.test_loss import card_state, written_loss

pytestmark = pytest.mark.gui


@pytest.mark.also_remote
def test_L2_lapsing_count_follows_a_written_report_before_the_service_ends(counter: Any) -> None:
    c = counter("YB500107-01")  # 九龙坡: 刘芳's phone report lapses within 2 days
    badge = c.window.lapsing_badge  # type: ignore[attr-defined]
    before = badge.count
    assert before is not None and before >= 1, before
    d, text = written_loss(c, "phone_lost_lapsing")
    assert card_state(c, "phone_lost_lapsing") == "lost", d.banner.text()
    c.click(d.close_button)  # back at 刘芳's record, her service not yet ended
    c.qtbot.waitUntil(lambda: badge.count == before - 1, timeout=10000)
    assert badge.text() == f"电话挂失即将失效：{before - 1}"
    assert c.window.holder.session is not None  # the service is still open
    assert badge.dialog is None  # the list was never opened
