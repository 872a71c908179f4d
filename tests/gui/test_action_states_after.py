"""Action buttons after a service step: F7 (unblock, RULES P6) goes off once the PIN is
unblocked, and F9 (lift, RULES U2, U5) is not offered once the service ended and no holder
is shown, for the card left in the reader."""

from __future__ import annotations

from typing import Any

import pytest

from counter_app.demo.accounts import fixed_holder
from counter_app.services.permissions import Action
from tests.e2e.id_typing import choose_reason
from tests.gui.test_workflows_more import counter, demo_template  # noqa: F401 - fixtures

pytestmark = pytest.mark.gui


def test_P6_unblock_button_goes_off_after_a_successful_unblock(counter: Any) -> None:  # noqa: F811
    c = counter("YB500103-01")
    c.insert("pin_blocked")
    c.id_session("pin_blocked")
    c.win.refresh_actions()
    f7 = c.win.action_buttons[Action.UNBLOCK_PIN]
    assert f7.isEnabled(), f7.toolTip()
    d = c.start(Action.UNBLOCK_PIN)
    d.id_step.fields.number.setText(fixed_holder("pin_blocked").ssn)
    choose_reason(d.id_step.fields.number)
    d.next()
    d.next()
    c.type_pin("123456")
    assert "已解锁" in d.result_label.text()
    assert not f7.isEnabled() and "未锁定" in f7.toolTip()
    assert c.win.situation().pin_blocked is False
    d.reject()
    assert not f7.isEnabled()


def test_U2_lift_is_not_offered_after_the_service_ended(counter: Any, qtbot: Any) -> None:  # noqa: F811
    c = counter("YB500103-01")
    c.insert("phone_lost")
    c.id_session("phone_lost")
    c.win.reader_card_state = "phone_reported_lost"
    c.win.refresh_actions()
    f9 = c.win.action_buttons[Action.LIFT_LOSS_REPORT]
    assert f9.isEnabled(), f9.toolTip()
    c.win.end_session()
    qtbot.waitUntil(lambda: c.win.holder.session is None)
    assert not f9.isEnabled() and "重新插入" in f9.toolTip()
    if c.win.workflow is not None:
        c.win.workflow.reject()
