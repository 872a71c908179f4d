"""RULES Q7, IDCARD.md: the idle screen's watch of the ID card reader. The demo's docks are
the counter's hardware: the drop-down list of the 演示身份证 panel, open while the clerk
chooses the next card, does not make the screen busy (the watch missed the lifted card and
never read the next one placed, seen in a new clerk's trial under Xvfb)."""

from __future__ import annotations

from typing import Any

import pytest

from counter_app.ui.id_card_search import IdCardSearch
from counter_app.ui.id_reader import IdCardStation
from tests.gui.fakes import SSN, FakeServices
from tests.gui.test_id_card_search import _searches, watch  # noqa: F401 - fixture

pytestmark = pytest.mark.gui


def test_Q7_a_drop_down_in_a_dock_does_not_make_the_screen_busy(
    window: Any,
    gateway: FakeServices,
    station: IdCardStation,
    watch: IdCardSearch,  # noqa: F811
    qtbot: Any,
) -> None:
    """While the drop-down of a dock is open (choosing the next card) the screen stays
    idle, so the lifted card is seen gone and the next card placed is read. A dialog of the
    window still makes it busy."""
    from PyQt6.QtCore import Qt
    from PyQt6.QtWidgets import QComboBox, QDialog, QDockWidget

    dock = QDockWidget("演示身份证", window)
    choice = QComboBox()
    choice.addItems(["王建国", "张三"])
    dock.setWidget(choice)
    window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
    dock.show()
    choice.showPopup()
    qtbot.waitUntil(lambda: choice.view().isVisible())
    assert watch.idle()
    watch.poll()  # the reader seen empty while the list is open
    assert watch.armed
    choice.hidePopup()
    assert station.place(SSN)
    watch.poll()
    assert _searches(gateway) == [SSN] and window.id_dialog is not None
    window.id_dialog.reject()
    other = QDialog(window)
    qtbot.addWidget(other)
    other.show()
    assert not watch.idle()
