"""The status bar says what is true of the last holder's rating (RULES E2): the next holder's
card, whose PIN keypad takes the holder screen the rating was on, ends that rating 未评价 —
the last holder can no longer answer — and 请持卡人评价… leaves the status bar. From a new
clerk's trial: 请持卡人评价… stood beside the next holder's keypad, the rating panel gone."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtWidgets import QApplication

from counter_app.demo.accounts import fixed_holder

pytestmark = pytest.mark.gui


def test_E2_the_next_holders_card_ends_the_rating_its_keypad_replaced(counter: Any) -> None:
    c = counter("YB500103-01")
    c.id_session("active_default_pin")  # 王建国
    win = c.window
    win.end_session()  # F12: the slip and the rating
    QApplication.processEvents()
    rating = win.rating  # type: ignore[attr-defined]
    case_no = rating.case_no
    assert case_no is not None and rating.status_label.text() == "请持卡人评价…"
    assert rating.device.panel.isVisible()

    c.insert("active_changed_pin")  # 李秀英's card: her PIN is asked
    QApplication.processEvents()
    assert c.ws.pin_entry.keypad.active
    assert not rating.device.panel.isVisible()
    assert rating.status_label.text() != "请持卡人评价…"
    assert rating.case_no is None
    status = win.gateway.rating_status(win.actor, case_no)
    assert status.label == "未评价"

    c.type_pin(fixed_holder("active_changed_pin").pin)  # her service: nothing of his shown
    QApplication.processEvents()
    assert win.holder.session is not None and "李秀英" in win.holder.header.text()
    assert rating.status_label.text() == ""
