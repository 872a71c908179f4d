"""Leaving a workflow with data entered or an approval given asks 确认放弃本次办理？ first, on
the real stack (from a new clerk's trial: Esc silently dropped a 解除挂失 right after the
supervisor had approved it, RULES U1–U5 — the approval and the typed document were lost)."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtCore import Qt

from counter_app.demo.accounts import fixed_holder
from counter_app.services.permissions import Action
from tests.e2e.test_loss import lift_to_checklist

pytestmark = pytest.mark.gui


def test_U3_esc_after_the_supervisors_approval_asks_and_keeps_the_lift(counter: Any) -> None:
    c = counter("YB500105-01")  # 江北区, 陈明's household district
    d = lift_to_checklist(c, "written_lost")
    c.next(d)
    c.approve(d, "YB500105-03")
    assert d.stack.currentWidget() is d.pin_page, d.banner.text()
    c.qtbot.keyClick(d, Qt.Key.Key_Escape)
    box = getattr(d, "discard_box", None)
    assert box is not None and box.isVisible() and box.text() == "确认放弃本次办理？"
    keep = box.defaultButton()
    assert keep is not None and keep.text() == "继续办理" and box.escapeButton() is keep
    c.qtbot.keyClick(box, Qt.Key.Key_Return)  # Enter: 继续办理
    assert d.isVisible() and c.window.workflow is d and d.stack.currentWidget() is d.pin_page
    # The approval still stands: the holder types the PIN and the lift goes through.
    c.next(d)
    c.type_pin(fixed_holder("written_lost").pin)
    assert "挂失已解除" in d.result_label.text(), d.banner.text()
    c.click(d.close_button)  # 完成 on the result page asks nothing
    assert not d.isVisible() and d.discard_box is None


def test_cancel_asks_once_typed_and_drops_the_workflow_when_confirmed(counter: Any) -> None:
    c = counter("YB500103-01")
    c.id_session("phone_lost")
    d = c.start(Action.REPLACEMENT_APPLICATION)
    c.click(d.close_button)  # nothing typed yet: 取消 closes at once
    assert not d.isVisible() and c.window.workflow is None
    d = c.start(Action.REPLACEMENT_APPLICATION)
    c.qtbot.keyClicks(d.id_step.fields.number, "5001")
    c.click(d.close_button)
    box = getattr(d, "discard_box", None)
    assert box is not None and box.isVisible() and d.isVisible()
    [drop] = [b for b in box.buttons() if b.text() == "放弃办理"]
    c.qtbot.mouseClick(drop, Qt.MouseButton.LeftButton)
    assert not d.isVisible() and c.window.workflow is None
