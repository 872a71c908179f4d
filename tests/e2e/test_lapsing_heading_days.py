"""RULES L2: the list of phone reports about to lapse, opened from the status-bar badge (or
报表 → 即将失效的电话挂失（列表）, the same list), says within how many days they lapse — the
days the workstation asked for (its ``lapsing_warning_days``), so the heading is true of
the rows under it."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.gui


@pytest.mark.also_remote
def test_L2_lapsing_list_heading_names_the_days_asked_for(counter: Any) -> None:
    c = counter("KZX500000-01", log_in=False)  # the card center: every district's reports
    # Not the services' default (2): the heading must follow what was asked, not assume it.
    c.ws.settings = c.ws.settings.replace(lapsing_warning_days=5)
    c.log_in("KZX500000-01")
    badge = c.window.lapsing_badge  # type: ignore[attr-defined]
    badge.show_list()
    dialog = badge.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.model.rowCount() > 0  # 刘芳's report is due within 2 days
    heading = dialog.heading.text()
    assert "将在 5 天内到期失效" in heading, heading
    assert badge.count == dialog.model.rowCount()  # the count asked the same 5 days
