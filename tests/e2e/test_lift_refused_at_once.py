"""RULES U2 (a lift only at the holder's own district sub-center) on the real stack: the
clerk learns a refusal that no document can change as soon as F9 opens the lift with the
found card — before any ID step — reads it once, and 取消 then closes without
确认放弃本次办理？. From a new clerk's trial under Xvfb: with 黄敏's card (北碚区) at a 渝中区
office the refusal came only after the whole ID check, twice, and 取消 still asked."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtWidgets import QLabel

from counter_app.services.permissions import Action
from tests.e2e.test_loss import card_state, lift_to_checklist

pytestmark = pytest.mark.gui


def _said(d: Any, words: str) -> int:
    """How many of the dialog's visible texts say ``words``."""
    return sum(
        label.text().count(words) for label in d.findChildren(QLabel) if label.isVisibleTo(d)
    )


@pytest.mark.also_remote
def test_U2_wrong_district_refused_as_f9_opens_the_lift(counter: Any) -> None:
    c = counter("YB500103-01")  # 渝中区
    c.insert("app_blocked")  # 黄敏's found card; her household is 北碚区
    f9 = c.window.action_buttons[Action.LIFT_LOSS_REPORT]
    assert f9.isEnabled()  # the card is held as lost: the lift is offered
    d = c.start(Action.LIFT_LOSS_REPORT)
    assert d.stack.currentWidget() is d.card_page  # no ID step asked for
    assert d.banner.isVisible() and "不能解除挂失" in d.banner.text()
    assert _said(d, "北碚区医疗保险分中心") == 1  # once, whole
    assert _said(d, "不能解除挂失") == 1
    assert not d.next_button.isEnabled()
    d.next_button.click()  # off: the ID page is never reached
    assert d.stack.currentWidget() is d.card_page
    c.click(d.close_button)  # 取消: nothing to lose, nothing asked
    assert d.discard_box is None
    assert not d.isVisible() and c.window.workflow is None
    assert c.window.holder.session is None
    assert card_state(c, "app_blocked") == "lost"


def test_U2_a_document_refusal_is_said_once_and_cancel_asks_nothing(counter: Any) -> None:
    """At 陈明's own district a document not his is refused on the checklist: the reason
    stands once under the list (not again in the banner), and 取消 closes at once."""
    c = counter("YB500105-01")  # 江北区, 陈明's district: nothing refused at the card
    c.insert("written_lost")
    d = c.start(Action.LIFT_LOSS_REPORT)
    assert d.stack.currentWidget() is d.card_page and not d.banner.isVisible()
    assert d.next_button.isEnabled()
    d.close()
    c.remove()
    d = lift_to_checklist(c, "written_lost", number="500103198001010016")
    assert not d.checklist.ok and d.entered  # the clerk typed a document
    assert _said(d, "不能解除挂失") == 1 and d.advice.isVisible()
    assert not d.banner.isVisible() or "不能解除挂失" not in d.banner.text()
    c.click(d.close_button)
    assert d.discard_box is None
    assert not d.isVisible() and c.window.workflow is None
    assert card_state(c, "written_lost") == "lost"


def test_U2_a_refused_lift_still_waits_for_an_answer_awaited(counter: Any, qtbot: Any) -> None:
    """Nothing to lose after a refusal, yet a call under way is waited for as in every
    workflow (its answer — a card's, say — must not be hidden by closing): Esc waits, then
    closes at once, without 确认放弃本次办理？."""
    import threading

    from PyQt6.QtCore import QThreadPool

    c = counter("YB500103-01")  # 渝中区; 黄敏's household is 北碚区
    c.insert("app_blocked")
    d = c.start(Action.LIFT_LOSS_REPORT)
    assert "不能解除挂失" in d.banner.text()
    pool = QThreadPool()
    c.window.runner._pool = pool  # this one call really off the GUI thread
    release = threading.Event()
    answered: list[object] = []
    d.call(release.wait, answered.append)
    d.reject()  # Esc while the answer is awaited
    assert d.isVisible() and d.discard_box is None
    release.set()
    qtbot.waitUntil(lambda: bool(answered), timeout=10000)
    pool.waitForDone()
    d.reject()
    assert d.discard_box is None
    assert not d.isVisible() and c.window.workflow is None
