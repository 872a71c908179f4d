"""The demo workstation (its ID-card and demo-card docks on the left): the clerk's action
column keeps its place while the holder types the PIN and rates — a new clerk's trial saw
退出登录 jump from x≈1240 to ≈930 whenever the holder's screen came or went, and the window
itself grow under the clerk's hand."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtCore import QPoint
from PyQt6.QtWidgets import QApplication

pytestmark = pytest.mark.gui


def _settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def test_logout_keeps_its_place_on_the_demo_workstation(counter: Any) -> None:
    c = counter("CK500103-01")
    window = c.window
    assert window.demo_panel is not None and window.demo_id_panel is not None
    _settle()
    logout = window.action_panel.logout_button
    where = logout.mapToGlobal(QPoint(0, 0))
    width = window.width()
    c.insert("retired")  # 周国华's card: the keypad opens on the window's dock
    _settle()
    assert c.ws.pin_entry.keypad.active and window.holder_dock.isVisible()
    assert logout.mapToGlobal(QPoint(0, 0)) == where and window.width() == width
    c.type_pin("123456")
    _settle()
    assert window.holder.session is not None and not window.holder_dock.isVisible()
    assert logout.mapToGlobal(QPoint(0, 0)) == where
    c.click(window.end_button)  # the case closes; the holder rates on the dock
    _settle()
    assert window.rating.device.asking and window.holder_dock.isVisible()
    assert logout.mapToGlobal(QPoint(0, 0)) == where and window.width() == width
