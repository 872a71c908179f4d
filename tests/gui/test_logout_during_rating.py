"""退出登录 while the holder is still rating (RULES E2): the clerk may wait (the default) or
end the rating now — recorded 未评价 exactly as when no answer comes in time — and log out.
Against the fake services; the real stack is tests/e2e/test_logout_during_rating.py."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QApplication, QMessageBox

from counter_app.services.ratings import RatingLevel, RatingStatus
from tests.gui.conftest import serve_and_end

pytestmark = pytest.mark.gui


def _button(box: QMessageBox, words: str) -> Any:
    [button] = [b for b in box.buttons() if words in b.text()]
    return button


def test_E2_logout_while_rating_may_end_the_rating_unrated_and_log_out(
    window: Any, rating: Any, gateway: Any, qtbot: Any
) -> None:
    case_no = serve_and_end(window)
    assert rating.case_no == case_no
    order: list[str] = []
    real_no_answer = gateway.record_no_answer

    def no_answer(actor: Any, number: str) -> RatingStatus:
        # Recorded while the clerk is still logged in (the city tier refuses it after).
        order.append("unrated" if not gateway.logged_out else "unrated after logout")
        return real_no_answer(actor, number)

    gateway.record_no_answer = no_answer
    real_logout = gateway.logout
    gateway.logout = lambda actor: (order.append("logout"), real_logout(actor))
    window.action_panel.logout_button.click()
    box = window.logout_box
    assert box.isVisible() and "未评价" in box.text()
    with qtbot.waitSignal(window.logged_out):
        _button(box, "记为未评价").click()
    assert order == ["unrated", "logout"]
    assert gateway.ratings[case_no] is None  # no answer: 未评价, as on the timeout
    assert gateway.rating_status(window.actor, case_no) is RatingStatus.UNRATED
    assert rating.case_no is None and not rating.timer.isActive()
    assert window.pins.panel.currentWidget() is not rating.device.panel
    assert gateway.logged_out == ["YB500103-01"] and not window.isVisible()


def test_E2_logout_while_rating_waits_by_default(
    window: Any, rating: Any, gateway: Any, qtbot: Any
) -> None:
    case_no = serve_and_end(window)
    window.action_panel.logout_button.click()
    box = window.logout_box
    wait = _button(box, "继续等待")
    assert box.defaultButton() is wait and box.escapeButton() is wait
    wait.click()
    assert window.isVisible() and gateway.logged_out == []
    assert case_no not in gateway.ratings  # nothing recorded: the holder may still rate
    assert rating.case_no == case_no and rating.timer.isActive()
    assert window.pins.panel.currentWidget() is rating.device.panel
    assert rating.status_label.text() == "请持卡人评价…"


def test_E2_the_holder_can_still_rate_while_the_clerk_reads_the_logout_box(
    window: Any, rating: Any, gateway: Any, qtbot: Any
) -> None:
    """From a new clerk's trial: the box said 请稍候 while it blocked the holder-facing
    panel (the one-screen dock is part of the main window) — the holder's taps on 满意
    were lost until the clerk closed it. The holder rates with the box up; the box, whose
    请稍候 no longer applies, goes, and 退出登录 then logs out at once."""
    case_no = serve_and_end(window)
    window.action_panel.logout_button.click()
    box = window.logout_box
    assert box.isVisible()
    assert QApplication.activeModalWidget() is None  # nothing blocks the holder's panel
    window.action_panel.logout_button.click()  # a second click: the same box, not another
    assert window.logout_box is box
    satisfied = rating.device.panel.level_buttons[RatingLevel.SATISFIED]
    qtbot.mouseClick(satisfied, Qt.MouseButton.LeftButton)
    assert rating.case_no is None and not box.isVisible()
    assert window.isVisible() and gateway.logged_out == []  # the clerk had not chosen yet
    with qtbot.waitSignal(window.logged_out):
        window.action_panel.logout_button.click()
    answer = gateway.ratings[case_no]
    assert answer is not None and answer.level == RatingLevel.SATISFIED
