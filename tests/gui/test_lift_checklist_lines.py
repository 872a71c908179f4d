"""The lift's checklist on the demo database with the real services: the report in force is
given at its own times (RULES L3: a written report confirming a 12333 phone report), and
every line is shown whole — a long one wraps in the dialog instead of running off its right
edge behind a scroll bar (seen under Xvfb: the form serial was cut off)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PyQt6.QtWidgets import QApplication

from counter_app.demo.accounts import fixed_holder
from counter_app.services.written_reports import WrittenLossInput
from tests.gui.test_workflows_more import counter, demo_template, lift_to_checklist  # noqa: F401
from tests.id_documents import manual_doc

pytestmark = pytest.mark.gui


def test_U1_L3_checklist_names_both_reports_and_every_line_is_whole(
    counter: Any,  # noqa: F811
) -> None:
    # 刘芳: a 12333 phone report, at her own district's sub-center (九龙坡区, RULES U2) — at
    # another district the lift is refused with the card alone, before any checklist.
    c = counter("YB500107-01", four_eyes=False)
    holder = fixed_holder("phone_lost_lapsing")
    (hit,) = c.ws.gateway.find_holders(c.win.actor, holder.ssn)
    written = c.ws.gateway.register_written_loss(
        c.win.actor,
        hit.holder_id,
        WrittenLossInput(
            contact_phone="13800138000",
            loss_date=dt.date.today() - dt.timedelta(days=30),  # before the phone call
            loss_place="解放碑",
            circumstances="乘公交时遗失",
            id_document=manual_doc(holder.ssn),
        ),
        "written-liu-fang-lines",
    )
    d = lift_to_checklist(c, "phone_lost_lapsing")
    d.resize(560, d.height())
    QApplication.processEvents()
    view = d.check_list
    lines = [view.item(i) for i in range(view.count())]
    (report,) = [i for i in lines if i is not None and "有效挂失" in i.text()]
    assert "电话挂失于" in report.text() and "书面挂失于" in report.text()
    assert written.serial in report.text()
    width = view.viewport().width()
    for item in lines:
        assert item is not None
        assert view.visualItemRect(item).width() <= width, item.text()
    rect = view.visualItemRect(report)
    assert rect.height() > view.fontMetrics().height() * 1.5  # wrapped onto a second line
