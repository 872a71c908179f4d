"""The list of phone reports about to lapse (RULES L2) when there is none: the table says
无记录 where its rows would be, as every record table does (STYLE: an empty list says
无记录), not a sentence above an empty grid; 刷新列表 switches between the two."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from counter_app.services.phone_reports import LapsingReport
from counter_app.ui.lapsing import install_lapsing_badge

pytestmark = pytest.mark.gui


def _report() -> LapsingReport:
    at = dt.datetime(2025, 3, 10, 2, 0, tzinfo=dt.UTC)
    return LapsingReport(
        11,
        at + dt.timedelta(days=1),
        at - dt.timedelta(days=14),
        "张三",
        "500***********0016",
        "A12345671",
        "138****1234",
        "重庆市渝中区测试路1号",
        "500103",
        "渝中区",
    )


def test_L2_an_empty_lapsing_list_says_no_records_in_the_table(window: Any, gateway: Any) -> None:
    gateway.lapsing = []
    badge = install_lapsing_badge(window, days=7)
    badge.timer.stop()
    badge.show_list()
    dialog = badge.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.no_records.isVisible() and dialog.no_records.text() == "无记录"
    assert not dialog.view.isVisible()
    heading = dialog.heading.text()
    assert "没有" not in heading and "在 7 天内到期失效的 12333 电话挂失" in heading

    gateway.lapsing = [_report()]
    dialog.reload_button.click()
    assert dialog.view.isVisible() and not dialog.no_records.isVisible()
    assert dialog.model.rowCount() == 1
    assert "请联系持卡人办理书面挂失" in dialog.heading.text()

    gateway.lapsing = []  # confirmed in writing meanwhile: the list empties again
    dialog.reload_button.click()
    assert dialog.no_records.isVisible() and not dialog.view.isVisible()
    dialog.close()
