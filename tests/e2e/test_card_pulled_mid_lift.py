"""The card pulled in the middle of a lift (RULES U5: the lift needs the card; Q7: the
access slip is owed whenever records were shown; E2: the closed case is rated). The clerk
first sees, in the lift's own dialog, that the service was cut off; the 查阅告知单 and the
holder's rating follow only once the clerk has closed that dialog — a city trial saw them
pop up over the lift before its 社保卡已被拔出 message."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtWidgets import QApplication

from counter_app.demo.accounts import fixed_holder
from counter_app.services.permissions import Action
from counter_app.ui.workflows.access_slip import AccessSlipDialog
from counter_app.ui.workflows.base import CARD_PULLED
from counter_app.ui.workflows.lift import LiftDialog

pytestmark = pytest.mark.gui


def _slips(c: Any) -> list[AccessSlipDialog]:
    return [d for d in c.window.findChildren(AccessSlipDialog) if d.isVisible()]


@pytest.mark.also_remote
def test_Q7_E2_card_pulled_mid_lift_the_cancel_first_then_slip_and_rating(counter: Any) -> None:
    # 刘芳 at her own district (九龙坡区, RULES U2: elsewhere the lift is refused at once)
    c = counter("YB500107-01", four_eyes=False)
    holder = fixed_holder("phone_lost_lapsing")  # phone-reported lost, found the card
    c.card_session("phone_lost_lapsing")  # her records are shown (Q7: the slip is owed)
    d = c.start(Action.LIFT_LOSS_REPORT)
    assert isinstance(d, LiftDialog)
    c.next(d)
    assert d.stack.currentWidget() is d.id_step.page, d.banner.text()
    c.remove()
    QApplication.processEvents()
    assert d.isVisible() and CARD_PULLED in d.banner.text()
    assert c.window.holder.session is None  # the card session ended with the card
    assert not _slips(c)  # nothing over the lift's message
    rating = c.window.rating  # type: ignore[attr-defined]
    assert not rating.device.panel.isVisible() and rating.case_no is None
    assert d.close_button.text() == "关闭"
    c.click(d.close_button)
    QApplication.processEvents()
    assert not d.isVisible()
    c.qtbot.waitUntil(lambda: len(_slips(c)) == 1)
    (slip,) = _slips(c)
    assert holder.name in slip.result_label.text()
    c.qtbot.waitUntil(lambda: rating.case_no is not None)
    assert rating.device.panel.isVisible()


def test_Q7_card_pulled_with_no_workflow_offers_the_slip_at_once(counter: Any) -> None:
    c = counter("YB500103-01")
    c.card_session("active_changed_pin")
    c.remove()
    QApplication.processEvents()
    assert len(_slips(c)) == 1
