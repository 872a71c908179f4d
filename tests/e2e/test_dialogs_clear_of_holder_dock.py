"""One screen (the demo, a city counter without a second screen): the holder's keypad opens
in a dock of the clerk's window. The workflow dialogs in which the holder types — 解除挂失,
重置遗忘密码, 密码解锁 — stay clear of it: a city trial saw them cover the keypad's 1, 4, 7
and 删除. Checked at a typical window size, 1600×1000.

The test screen is 800 pixels wide: the window is placed so that its right part — the
records' right edge, the holder's dock and the action column — is on it, which is where a
dialog centred on the window would land on the dock."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtCore import QRect
from PyQt6.QtWidgets import QApplication

from counter_app.demo.accounts import fixed_holder
from counter_app.services.permissions import Action
from counter_app.ui.workflows.access_slip import AccessSlipDialog
from tests.e2e.test_loss import lift_to_checklist
from tests.e2e.test_passwords import type_document

pytestmark = pytest.mark.gui


def _sized(c: Any) -> None:
    window = c.window
    window.resize(1600, 1000)
    window.move(-400, 0)
    QApplication.processEvents()
    assert window.holder_dock is not None  # one screen: the keypad is the window's dock


def _dock_rect(c: Any) -> QRect:
    dock = c.window.holder_dock
    assert dock.isVisible() and c.ws.pin_entry.keypad.active
    return QRect(dock.mapToGlobal(dock.rect().topLeft()), dock.size())


def _assert_clear(c: Any, d: Any) -> None:
    QApplication.processEvents()
    dock = _dock_rect(c)
    frame = d.frameGeometry()
    assert not frame.intersects(dock), (frame, dock)
    keypad = c.ws.pin_entry.keypad
    for button in [*keypad.digit_buttons, keypad.confirm_button]:
        spot = QRect(button.mapToGlobal(button.rect().topLeft()), button.size())
        assert not frame.intersects(spot), button.text()
    screen = c.window.screen().availableGeometry()
    assert frame.left() >= screen.left()


def test_lift_dialog_leaves_the_holder_keypad_uncovered(counter: Any) -> None:
    c = counter("YB500109-01", four_eyes=False)  # 北碚区: 黄敏's district (U2)
    _sized(c)
    d = lift_to_checklist(c, "app_blocked")
    assert d.checklist.ok
    c.next(d)
    assert d.stack.currentWidget() is d.pin_page
    c.next(d)  # the holder types on the keypad now
    _assert_clear(c, d)
    c.type_pin(fixed_holder("app_blocked").pin)
    assert "挂失已解除" in d.result_label.text(), d.banner.text()


@pytest.mark.parametrize(
    ("action", "key"),
    [(Action.UNBLOCK_PIN, "pin_blocked"), (Action.RESET_PIN, "active_changed_pin")],
)
def test_pin_dialogs_leave_the_holder_keypad_uncovered(
    counter: Any, action: Action, key: str
) -> None:
    c = counter("YB500103-01", four_eyes=False)
    _sized(c)
    c.id_session(key)
    c.insert(key)
    d = c.start(action)
    type_document(c, d.id_step.fields.number, fixed_holder(key).ssn)
    c.next(d)
    assert d.stack.currentWidget() is d.pin_page, d.banner.text()
    c.next(d)
    _assert_clear(c, d)


def test_E2_access_slip_leaves_the_holder_rating_uncovered(counter: Any) -> None:
    """结束服务 (F12): the 查阅告知单 opens for the clerk while the holder rates in the dock."""
    from tests.e2e.test_passwords import end_with_slip

    c = counter("YB500103-01")
    _sized(c)
    c.card_session("active_changed_pin")
    end_with_slip(c, "slip-beside-rating")
    QApplication.processEvents()
    (slip,) = [d for d in c.window.findChildren(AccessSlipDialog) if d.isVisible()]
    c.qtbot.wait(20)  # its settling placement runs on the next turns of the loop
    rating = c.window.rating  # type: ignore[attr-defined]
    dock = c.window.holder_dock
    assert dock.isVisible() and rating.device.panel.isVisible()
    spot = QRect(dock.mapToGlobal(dock.rect().topLeft()), dock.size())
    assert not slip.frameGeometry().intersects(spot), (slip.frameGeometry(), spot)
