"""RULES Q7: the 查阅告知单 of a service does not outlive its holder. When the next holder
comes — their card inserted, or their ID check begun — the last holder's slip (their name and
masked number, 打印 live) closes; it is never printed for the next one. From a new clerk's
trial: 周国华's slip stayed open and printable over 冉秀珍's record."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtWidgets import QApplication

from counter_app.demo.accounts import fixed_holder
from counter_app.ui.workflows.access_slip import AccessSlipDialog

pytestmark = pytest.mark.gui


def slips(c: Any) -> list[AccessSlipDialog]:
    QApplication.processEvents()
    return [s for s in c.window.findChildren(AccessSlipDialog) if s.isVisible()]


def test_Q7_the_next_card_closes_the_last_holders_slip(counter: Any) -> None:
    c = counter("YB500103-01")
    c.card_session("active_default_pin")  # 王建国
    c.click(c.window.end_button)  # 结束服务 (F12): his slip
    (slip,) = slips(c)
    assert "王建国" in slip.result_label.text()
    c.remove()  # he takes his card; the slip is still his to print
    assert slips(c) == [slip]
    c.insert("active_changed_pin")  # 李秀英's card: she is the holder now
    assert slips(c) == []
    c.type_pin(fixed_holder("active_changed_pin").pin)
    QApplication.processEvents()
    assert "李秀英" in c.window.holder.header.text()
    assert slips(c) == []  # nothing of 王建国's to print over her record


def test_Q7_the_next_holders_id_check_closes_the_last_holders_slip(counter: Any) -> None:
    c = counter("YB500103-01")
    c.id_session("active_default_pin")
    c.click(c.window.end_button)
    (slip,) = slips(c)
    assert "王建国" in slip.result_label.text()
    holder = fixed_holder("active_changed_pin")
    c.search(holder.ssn)
    c.click(c.window.search_pane.open_button)  # 核验证件并查看: the next holder's check
    assert slips(c) == []
    dialog = c.window.id_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.reject()


def test_Q7_the_slip_of_a_pulled_card_closes_at_the_next_card(counter: Any) -> None:
    """The card path: the slip offered when the card leaves (RULES Q7) goes at the next card."""
    c = counter("YB500103-01")
    c.card_session("active_default_pin")
    c.remove()  # the session ends with the card: the slip is offered
    (slip,) = slips(c)
    assert "王建国" in slip.result_label.text()
    c.insert("active_changed_pin")
    assert slips(c) == []
