"""RULES U4 (staff are told why) for every action that is off: its function key, or a click
on its greyed button, opens a small box with the reason — not only a tooltip. A city trial
pressed F9 on 杨丽's replaced card (已申请补卡) and nothing happened."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QKeySequence
from PyQt6.QtWidgets import QApplication, QMessageBox

from counter_app.services.permissions import Action
from counter_app.ui.actions import COUNTER_ACTIONS

pytestmark = pytest.mark.gui


def _press(c: Any, key: str) -> None:
    (shortcut,) = [s for s in c.window.actions() if s.shortcut() == QKeySequence(key)]
    shortcut.trigger()
    QApplication.processEvents()


def _box(c: Any) -> QMessageBox:
    box = c.window.action_panel.refusal_box
    assert box is not None and box.isVisible()
    return box


def _close(box: QMessageBox) -> None:
    box.done(0)
    QApplication.processEvents()


@pytest.mark.also_remote
def test_U4_F9_on_a_replaced_card_says_why(counter: Any) -> None:
    c = counter("YB500103-01")
    c.insert("replacement_applied")  # 杨丽: a replacement was applied for
    c.qtbot.waitUntil(lambda: "作废" in c.window.statusBar().currentMessage())
    f9 = c.window.action_buttons[Action.LIFT_LOSS_REPORT]
    assert not f9.isEnabled()
    _press(c, "F9")
    box = _box(c)
    assert "该卡已申请补卡，原卡不能再解除挂失。" in box.text()
    assert "解除挂失" in box.windowTitle()
    assert c.window.workflow is None
    _close(box)
    # A click on the greyed button says the same.
    c.qtbot.mouseClick(f9, Qt.MouseButton.LeftButton)
    QApplication.processEvents()
    assert "该卡已申请补卡" in _box(c).text() and c.window.workflow is None
    _close(_box(c))


def test_U4_every_action_that_is_off_says_why_when_pressed(counter: Any) -> None:
    """No holder, no card: F5–F11 are all off, each with its own reason."""
    c = counter("YB500103-01")
    for action, key in COUNTER_ACTIONS:
        button = c.window.action_buttons[action]
        assert not button.isEnabled(), key
        _press(c, key)
        box = _box(c)
        assert button.toolTip() in box.text(), key
        assert len(button.toolTip()) > 4, key
        _close(box)


def test_an_action_that_is_on_opens_its_workflow_and_no_box(counter: Any) -> None:
    c = counter("YB500103-01")
    c.id_session("active_changed_pin")
    assert c.window.action_buttons[Action.RESET_SERVICE_PASSWORD].isEnabled()
    _press(c, "F11")
    assert c.window.workflow is not None
    assert c.window.action_panel.refusal_box is None
    c.window.workflow.discard()
