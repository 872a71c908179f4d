"""RULES E1, E2, Q7 on the real stack: 核验证件并查看 for another holder while one is served
asks first — 须先结束本次服务（F12） — and never abandons the first holder's case. 取消 keeps
the first holder served; 结束服务（F12） ends the service as F12 does (the 查阅告知单, the holder's
rating), and the next holder's check follows. From a new clerk's trial: the second holder's
check replaced the first one's record with no question, no 告知单 and no rating, and his case
stayed open until that clerk's next login (closed 'recovered')."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QApplication, QMessageBox

from counter_app.demo.accounts import fixed_holder
from counter_app.ui.workflows.access_slip import AccessSlipDialog
from tests.e2e.test_logout_database_gone import stored

pytestmark = pytest.mark.gui


def ask_for_next(c: Any, key: str) -> QMessageBox:
    """F3 → the next holder's number → 核验证件并查看: the box, no ID-check dialog."""
    c.search(fixed_holder(key).ssn)
    c.click(c.window.search_pane.open_button)
    QApplication.processEvents()
    box = c.window.serving_box
    assert box is not None and box.isVisible()
    assert c.window.id_dialog is None  # no check of the next holder yet
    return box


def button(box: QMessageBox, text: str) -> Any:
    (found,) = [b for b in box.buttons() if b.text() == text]
    return found


@pytest.mark.also_remote
def test_E1_a_second_holders_check_asks_to_end_the_first_service(counter: Any) -> None:
    c = counter("YB500103-01")
    c.id_session("active_default_pin")  # 王建国
    win = c.window
    first = win.holder.session
    QApplication.processEvents()
    box = ask_for_next(c, "active_changed_pin")  # 李秀英
    assert "王建国" in box.text() and "须先结束本次服务（F12）" in box.text()
    assert box.defaultButton() is button(box, "取消")  # Enter keeps the holder served
    c.click(button(box, "取消"))
    QApplication.processEvents()
    assert win.holder.session is first and "王建国" in win.holder.header.text()
    row, case, _ended = stored(c, int(first.session_id))
    assert row.closed_at is None and case.closed_at is None  # still his service
    assert not [s for s in win.findChildren(AccessSlipDialog) if s.isVisible()]

    box = ask_for_next(c, "active_changed_pin")
    c.click(button(box, "结束服务（F12）"))
    QApplication.processEvents()
    assert win.holder.session is None
    row, case, ended = stored(c, int(first.session_id))
    assert row.closed_at is not None and case.closed_at is not None
    assert case.close_reason == "done"  # ended as F12 ends it, not 'recovered' later
    assert {action for action, _reason in ended} == {"session.end", "case.close"}
    (slip,) = [s for s in win.findChildren(AccessSlipDialog) if s.isVisible()]
    assert "王建国" in slip.result_label.text()
    rating = win.rating  # type: ignore[attr-defined]
    assert rating.device.panel.isVisible() and case.case_no in rating.device.panel.case_label.text()

    c.search(fixed_holder("active_changed_pin").ssn)  # the next holder now: checked, served
    dialog = c.id_check(fixed_holder("active_changed_pin").ssn)
    assert not dialog.isVisible(), dialog.error.text()
    QApplication.processEvents()
    assert win.holder.session is not None and win.holder.session is not first
    assert "李秀英" in win.holder.header.text()


def test_E1_a_card_holders_service_is_not_abandoned_by_an_id_check(counter: Any) -> None:
    """The same with the first holder served by card and PIN: the box, his case open until
    结束服务, then closed 'done' with the slip."""
    c = counter("YB500103-01")
    c.card_session("active_default_pin")
    win = c.window
    first = win.holder.session
    QApplication.processEvents()
    box = ask_for_next(c, "active_changed_pin")
    assert "王建国" in box.text()
    c.click(button(box, "结束服务（F12）"))
    QApplication.processEvents()
    row, case, _ended = stored(c, int(first.session_id))
    assert row.closed_at is not None and case.close_reason == "done"
    assert [s for s in win.findChildren(AccessSlipDialog) if s.isVisible()]


def test_E1_F12_in_the_box_ends_the_service_and_keeps_the_next_holders_hit(counter: Any) -> None:
    """F12, named on the box's 结束服务（F12）, presses it; the next holder's search stays, so
    核验证件并查看 follows at once for the hit the clerk chose (no second search). From a new
    clerk's trial: F12 did nothing in the box, and 结束服务 there wiped 李秀英's row."""
    c = counter("YB500103-01")
    c.id_session("active_default_pin")  # 王建国
    win = c.window
    first = win.holder.session
    QApplication.processEvents()
    box = ask_for_next(c, "active_changed_pin")  # 李秀英
    box.activateWindow()
    c.qtbot.waitUntil(lambda: QApplication.activeWindow() is box)
    c.qtbot.keyClick(box, Qt.Key.Key_F12)
    c.qtbot.waitUntil(lambda: not box.isVisible())  # a button's shortcut clicks it animated
    QApplication.processEvents()
    assert win.serving_box is None
    assert win.holder.session is None
    _row, case, _ended = stored(c, int(first.session_id))
    assert case.close_reason == "done"
    assert [s for s in win.findChildren(AccessSlipDialog) if s.isVisible()]
    hit = win.selected_hit()  # the next holder's row, still chosen
    assert hit is not None and hit.name == fixed_holder("active_changed_pin").name
    assert win.search_pane.open_button.isEnabled()
    dialog = c.id_check(fixed_holder("active_changed_pin").ssn)  # no c.search before it
    assert not dialog.isVisible(), dialog.error.text()
    QApplication.processEvents()
    assert win.holder.session is not None and win.holder.session is not first
    assert "李秀英" in win.holder.header.text()
