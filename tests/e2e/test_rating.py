"""A service case rated by the holder and followed up by the supervisor (RULES E1-E4), on the
real stack: the demo workstation, the real services, a migrated demo database."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QApplication
from sqlalchemy import select
from sqlalchemy.orm import Session

from counter_app.db import create_engine_for
from counter_app.demo.accounts import fixed_holder
from counter_app.models.audit import AuditEvent
from counter_app.models.case import RatingLevel, RatingReason
from counter_app.models.holder import Holder
from counter_app.ui.followup_list import PHONE_COLUMN
from forms.masking import mask_phone
from reports.runner import RatingRequest
from reports.timeframe import shanghai_today

pytestmark = pytest.mark.gui


def _phone_and_reveals(url: str, ssn: str) -> tuple[int, str, list[AuditEvent]]:
    """The holder's id and phone as the database holds them, and the follow-up reveals."""
    engine = create_engine_for(url)
    try:
        with Session(engine) as db:
            holder_id, phone = db.execute(
                select(Holder.id, Holder.phone).where(Holder.ssn == ssn)
            ).one()
            events = list(
                db.scalars(
                    select(AuditEvent)
                    .where(AuditEvent.action == "case.followup_reveal_phone")
                    .order_by(AuditEvent.seq)
                )
            )
            for event in events:
                db.expunge(event)
    finally:
        engine.dispose()
    return int(holder_id), str(phone or ""), events


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
    phrase = panel.phrase_buttons[0].text()
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
    assert dialog.table.item(mine, 1).text() == "待整改"  # open, not yet due (RULES E3)
    assert phrase in dialog.table.item(mine, 6).text()  # the holder's comment
    # The holder's phone, masked in the list; whole only through the audited reveal.
    holder = fixed_holder("active_changed_pin")
    holder_id, phone, reveals = _phone_and_reveals(s.db_url, holder.ssn)
    assert phone and reveals == []
    assert dialog.table.item(mine, PHONE_COLUMN).text() == mask_phone(phone) != phone
    dialog.table.selectRow(mine)
    dialog.close_selected()
    editor = dialog.editor
    assert editor is not None
    details = editor.details
    assert details.values["case"].text() == case_no
    assert details.values["staff"].text().startswith("YB500103-01 ")
    assert (details.values["level"].text(), details.values["reasons"].text()) == ("不满意", "效率")
    assert phrase in details.values["comment"].text()
    assert details.phone.text() == mask_phone(phone)
    s.click(details.reveal_button)
    assert editor.error.text() == ""
    assert details.phone.text() == phone
    assert dialog.table.item(mine, PHONE_COLUMN).text() == phone
    _id, _phone, reveals = _phone_and_reveals(s.db_url, holder.ssn)
    [event] = reveals  # who, when, whose, why (the follow-up) — never the number
    assert (event.holder_id, event.staff_id, event.outcome) == (
        holder_id,
        s.window.actor.staff_id,
        "success",
    )
    assert event.details["case_no"] == case_no and phone not in json.dumps(event.details)
    editor.action_edit.setPlainText("约谈窗口人员，优化叫号流程")
    editor.outcome_edit.setPlainText("电话回访，持卡人表示认可")
    s.click(editor.ok)
    rows = [dialog.table.item(r, 2).text() for r in range(dialog.table.rowCount())]
    assert case_no not in rows
    assert badge.counts.open == before - 1
    saved = f"办件 {case_no} 的整改已办结，整改措施和回访结果已保存。"
    assert dialog.notice.text() == saved
    assert s.window.statusBar().currentMessage() == f"办件 {case_no} 的整改已办结。"

    # The rating report of today's cases of the office counts it (RULES E4).
    today = shanghai_today()
    data = s.window.gateway.make_report(
        s.window.actor, RatingRequest(today, today, "500103-YB"), "csv"
    )
    table = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    [office] = [r for r in table if r["分组"] == "机构"]
    assert (office["办结件数"], office["不满意"], office["评价率(%)"]) == ("1", "1", "100.0")
    # Its follow-ups: the office's backlog now, as the badge counts it (RULES E3/E4).
    assert office["未办结整改(截至期末)"] == str(badge.counts.open)
    assert office["逾期整改(截至期末)"] == str(badge.counts.overdue)
    assert case_no.split("-")[2] == today.strftime("%Y%m%d")  # the case's day is today's
