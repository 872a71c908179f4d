"""A service case rated by the holder and followed up by the supervisor (RULES E1-E4), on the
real stack: the demo workstation, the real services, a migrated demo database."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QApplication

from counter_app.models.case import RatingLevel, RatingReason
from reports.runner import RatingRequest
from reports.timeframe import shanghai_today

pytestmark = pytest.mark.gui


@pytest.mark.also_postgres
@pytest.mark.also_remote
def test_E2_E3_holder_rates_poorly_and_the_supervisor_closes_the_follow_up(
    counter: Any, qtbot: Any
) -> None:
    c = counter("YB500103-01")
    c.card_session("active_changed_pin")
    c.click(c.window.end_button)  # 结束服务: the case closes, the holder is asked
    rating = c.window.rating  # type: ignore[attr-defined]
    panel = rating.device.panel
    assert c.ws.pin_entry.panel.currentWidget() is panel and panel.isVisible()
    case_text = panel.case_label.text()
    assert "500103-YB-" in case_text and "YB500103-01" in case_text
    case_no = case_text.splitlines()[0].split("：")[1]
    assert rating.status_label.text() == "请持卡人评价…"
    # The clerk's keyboard: Enter, Space, digits, F12 — none of it rates.
    for target in (c.window, panel, panel.level_buttons[RatingLevel.VERY_SATISFIED]):
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Space, Qt.Key.Key_1, Qt.Key.Key_F12):
            qtbot.keyClick(target, key)
    QApplication.processEvents()
    assert rating.status_label.text() == "请持卡人评价…"
    gateway, clerk = c.window.gateway, c.window.actor
    assert gateway.rating_status(clerk, case_no).label == "等待评价"
    # The holder taps 不满意, a reason, a phrase, 提交评价.
    c.click(panel.level_buttons[RatingLevel.DISSATISFIED])
    c.click(panel.reason_buttons[RatingReason.EFFICIENCY])
    c.click(panel.phrase_buttons[0])
    c.click(panel.submit)
    assert rating.status_label.text() == "已评价"
    assert gateway.rating_status(clerk, case_no).label == "已评价"

    # The supervisor: the badge, the list, 办结.
    s = counter("YB500103-03")
    badge = s.window.followup_badge  # type: ignore[attr-defined]
    assert badge.isVisible() and badge.text().startswith("待整改：")
    before = badge.counts.open
    badge.click()
    dialog = badge.dialog
    assert dialog is not None and dialog.isVisible()
    rows = [dialog.table.item(r, 2).text() for r in range(dialog.table.rowCount())]
    assert case_no in rows
    mine = rows.index(case_no)
    assert dialog.table.item(mine, 4).text() == "不满意"
    assert dialog.table.item(mine, 5).text() == "效率"
    dues = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
    assert dues == sorted(dues)  # soonest due first
    dialog.table.selectRow(mine)
    dialog.close_selected()
    editor = dialog.editor
    assert editor is not None
    editor.action_edit.setPlainText("约谈窗口人员，优化叫号流程")
    editor.outcome_edit.setPlainText("电话回访，持卡人表示认可")
    s.click(editor.ok)
    rows = [dialog.table.item(r, 2).text() for r in range(dialog.table.rowCount())]
    assert case_no not in rows
    assert badge.counts.open == before - 1

    # The rating report of today's cases of the office counts it (RULES E4).
    today = shanghai_today()
    data = s.window.gateway.make_report(
        s.window.actor, RatingRequest(today, today, "500103-YB"), "csv"
    )
    table = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    [office] = [r for r in table if r["分组"] == "机构"]
    assert (office["办结件数"], office["不满意"], office["评价率(%)"]) == ("1", "1", "100.0")
    assert office["未办结整改"] == "0"
    assert case_no.split("-")[2] == today.strftime("%Y%m%d")  # the case's day is today's
