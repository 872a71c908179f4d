"""RULES E1/E2 with U1–U5 on the real stack: a lift started with no holder on screen (F9 with
the found card alone) is a service like every other — the document check opens the holder's
session and case, the window shows the holder, and after the lift F9 is no longer offered;
结束服务 prints the 告知单 and the holder is asked to rate. A refusal stays in the lift's
dialog, whole."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtWidgets import QApplication

from counter_app.demo.accounts import fixed_holder
from counter_app.services.permissions import Action
from counter_app.ui.workflows.access_slip import AccessSlipDialog
from tests.e2e.test_loss import card_state, failed_lines, lift_to_checklist

pytestmark = pytest.mark.gui


@pytest.mark.also_remote
def test_E1_E2_lift_without_a_holder_on_screen_ends_as_a_rated_case(counter: Any) -> None:
    c = counter("YB500109-01", four_eyes=False)  # 北碚区: 黄敏's district (U2)
    holder = fixed_holder("app_blocked")  # 黄敏: written report, chip application blocked
    assert c.window.holder.session is None
    d = lift_to_checklist(c, "app_blocked")
    session = c.window.holder.session
    assert session is not None, d.banner.text()  # the document check opened the case
    assert d.opened_session is session
    QApplication.processEvents()
    assert holder.name in c.window.holder.header.text()
    assert d.checklist.ok, failed_lines(d)
    c.next(d)  # four-eyes off: straight to the holder's PIN
    assert d.stack.currentWidget() is d.pin_page
    c.next(d)
    c.type_pin(holder.pin)
    assert "挂失已解除" in d.result_label.text(), d.banner.text()
    assert "F12" in d.result_label.text()
    c.click(d.close_button)  # 完成
    QApplication.processEvents()
    assert card_state(c, "app_blocked") == "active"
    f9 = c.window.action_buttons[Action.LIFT_LOSS_REPORT]
    assert not f9.isEnabled() and "没有有效的挂失记录" in f9.toolTip()
    assert c.window.end_button.isEnabled()
    case = c.window.gateway.case_of_session(c.window.actor, session.session_id)
    c.click(c.window.end_button)  # 结束服务并打印告知单
    QApplication.processEvents()
    (slip,) = [s for s in c.window.findChildren(AccessSlipDialog) if s.isVisible()]
    assert "解除挂失" in slip.result_label.text()
    rating = c.window.rating  # type: ignore[attr-defined]
    panel = rating.device.panel
    assert panel.isVisible() and case.case_no in panel.case_label.text()
    assert rating.status_label.text() == "请持卡人评价…"


def test_U2_lift_refusal_with_no_holder_on_screen_stays_in_the_dialog(counter: Any) -> None:
    """The wrong district: refused in the dialog, whole (never only in the status bar), as
    F9 opens it — before any ID step, so no holder is identified and no case opened."""
    c = counter("YB500103-01")  # 渝中区, not 黄敏's district
    c.insert("app_blocked")
    d = c.start(Action.LIFT_LOSS_REPORT)
    assert d.stack.currentWidget() is d.card_page
    assert d.banner.isVisible() and "不能解除挂失" in d.banner.text()
    assert "北碚区医疗保险分中心" in d.banner.text() and d.banner.wordWrap()
    assert not d.next_button.isEnabled()
    assert c.window.holder.session is None
    assert card_state(c, "app_blocked") == "lost"
