"""The 查阅告知单 (RULES Q7) opens centred on the main window, wholly on its screen, with the
keyboard (a new clerk's trial: it opened at the screen's top-left with its title bar off the
screen, and the clerk's typing went into the search box behind the non-modal slip)."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtWidgets import QApplication

from counter_app.ui.fit import keep_on_screen
from counter_app.ui.workflows.access_slip import AccessSlipDialog
from tests.gui.conftest import serve_and_end

pytestmark = pytest.mark.gui


def _slip(window: Any) -> AccessSlipDialog:
    [slip] = [d for d in window.findChildren(AccessSlipDialog) if d.isVisible()]
    return slip


def test_Q7_access_slip_opens_centred_on_the_window_with_the_keyboard(
    qtbot: Any, window: Any, rating: Any
) -> None:
    area = window.screen().availableGeometry()
    window.move(area.left() + 200, area.top() + 120)
    window.search_pane.focus_search()  # the clerk was at the search box (F3)
    serve_and_end(window)
    slip = _slip(window)
    qtbot.waitUntil(slip.isActiveWindow)
    qtbot.wait(20)  # its wrapped summary takes its height on the next turns of the loop
    frame, middle = slip.frameGeometry(), window.frameGeometry().center()
    assert area.contains(frame)
    # Centred on the window as far as the screen allows (the test screen is narrower
    # than the window).
    want_x = min(
        max(middle.x(), area.left() + frame.width() // 2), area.right() - frame.width() // 2
    )
    want_y = min(
        max(middle.y(), area.top() + frame.height() // 2), area.bottom() - frame.height() // 2
    )
    assert abs(frame.center().x() - want_x) <= 2 and abs(frame.center().y() - want_y) <= 2
    focused = QApplication.focusWidget()
    assert focused is not None and focused.window() is slip
    qtbot.keyClicks(focused, "500103")
    assert window.search_pane.box.edit.text() == ""


def test_a_slip_off_the_screen_is_moved_back_onto_it(qtbot: Any, window: Any) -> None:
    area = window.screen().availableGeometry()
    serve_and_end(window)
    slip = _slip(window)
    slip.move(area.left() - 300, area.top() - 200)  # where the trial saw it: title bar off
    keep_on_screen(slip)
    frame = slip.frameGeometry()
    assert frame.left() >= area.left() and frame.top() >= area.top()
    slip.move(area.right() - 50, area.bottom() - 50)
    keep_on_screen(slip)
    assert area.contains(slip.frameGeometry())
