"""The supervisor's approval page of a workflow has a button of its own (RULES S1–S3, four
eyes): a new clerk's trial found 解除挂失's supervisor page still offering 下一步：主管复核 —
the checklist's way to that page, not what the supervisor's click does there."""

from __future__ import annotations

from typing import Any

import pytest

from counter_app.demo.accounts import fixed_holder
from counter_app.services.permissions import Action
from tests.e2e.id_typing import type_number

pytestmark = pytest.mark.gui


def test_S1_the_lifts_supervisor_page_has_its_own_button(counter: Any) -> None:
    c = counter("YB500105-01")  # 陈明's own district (江北区)
    holder = fixed_holder("written_lost")
    c.insert("written_lost")
    d = c.start(Action.LIFT_LOSS_REPORT)
    c.next(d)
    type_number(c.qtbot, d.id_step.fields.number, holder.ssn)
    c.next(d)
    assert d.stack.currentWidget() is d.check_page and d.checklist.ok, d.banner.text()
    assert d.next_button.text() == "下一步：主管复核"
    c.next(d)
    assert d.stack.currentWidget() is d.approval.page
    assert d.next_button.text() == "主管确认复核"
    c.click(d.back_button)  # back to the checklist: its own button again
    assert d.stack.currentWidget() is d.check_page
    assert d.next_button.text() == "下一步：主管复核"
    c.next(d)
    assert d.next_button.text() == "主管确认复核"
    c.approve(d, "YB500105-03")
    assert d.stack.currentWidget() is d.pin_page, d.banner.text()
    assert d.next_button.text() == "请持卡人输入密码"


def test_S1_the_resets_supervisor_page_has_the_same_button(counter: Any) -> None:
    c = counter("YB500103-01")
    holder = fixed_holder("active_changed_pin")
    c.card_session("active_changed_pin")
    d = c.start(Action.RESET_PIN)
    type_number(c.qtbot, d.id_step.fields.number, holder.ssn)
    c.next(d)
    assert d.stack.currentWidget() is d.approval.page, d.banner.text()
    assert d.next_button.text() == "主管确认复核"
    c.approve(d, "YB500103-03")
    assert d.stack.currentWidget() is d.pin_page, d.banner.text()
    assert d.next_button.text() == "请持卡人输入新密码"
