"""The clerk's action column keeps its place when the holder's screen comes or goes: with the
holder keypad (or rating) shown as a dock of the one-screen window, the column beside it
jumped ~300 px and a new clerk's clicks missed 退出登录 twice. The holder's dock now takes
its room from the records, never from where the clerk's buttons are."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtCore import QPoint, QRect
from PyQt6.QtWidgets import QApplication, QPushButton

from counter_app.ui.rating import install_rating
from tests.gui.fakes import DOC

pytestmark = pytest.mark.gui


def _settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def _places(window: Any) -> dict[str, QRect]:
    """Where each button of the action column is on the screen (global position, size)."""
    panel = window.action_panel
    buttons: list[QPushButton] = [
        *panel.buttons.values(),
        panel.end_button,
        panel.lock_button,
        panel.logout_button,
    ]
    return {b.text(): QRect(b.mapToGlobal(QPoint(0, 0)), b.size()) for b in buttons}


@pytest.fixture
def shown(window: Any) -> Any:
    window.resize(1360, 820)  # the window's first size
    _settle()
    return window


def test_logout_stays_put_when_the_holder_keypad_comes_and_goes(shown: Any, reader: Any) -> None:
    window = shown
    dock = window.holder_dock
    assert not dock.isVisible()
    before = _places(window)
    logout = window.action_panel.logout_button.mapToGlobal(QPoint(0, 0))
    reader.insert()  # the holder is asked for the card's PIN on the window's dock
    _settle()
    assert window.pins.keypad.active and dock.isVisible()
    assert window.action_panel.logout_button.mapToGlobal(QPoint(0, 0)) == logout
    assert _places(window) == before
    # The dock opened beside the column, on the records' side, and covers none of it.
    column = window.action_dock.geometry()
    assert dock.geometry().right() < column.left()
    assert dock.geometry().left() > window.search_pane.mapTo(window, QPoint(0, 0)).x()
    window.pins.cancel()  # the holder's entry ends: the dock goes
    _settle()
    assert not dock.isVisible()
    # The way for a forgotten PIN (P5) is said on the panel now; the buttons stay put.
    assert window.forgotten_pin_note.isVisible()
    assert _places(window) == before


def test_notes_about_the_card_come_under_the_buttons_and_move_none(shown: Any) -> None:
    """A note (blocked PIN P6, forgotten PIN P5, a login to try again) that comes while the
    clerk reaches for a button moved every button down by its height: they go under."""
    window = shown
    panel = window.action_panel
    before = _places(window)
    assert len(panel.notes) >= 3
    for note in panel.notes:
        note.setVisible(True)
    _settle()
    assert _places(window) == before
    lowest = max(b.geometry().bottom() for b in panel.buttons.values())
    assert all(note.geometry().top() > lowest for note in panel.notes)
    assert all(note.geometry().bottom() < panel.end_button.geometry().top() for note in panel.notes)


def test_logout_stays_put_while_the_holder_rates(shown: Any) -> None:
    window = shown
    rating = install_rating(window, window.pins, 60)
    before = _places(window)
    session = window.gateway.open_id_session(window.actor, 7, DOC, "查询")
    window._id_session_opened(session)
    window.end_session()  # the case closes; the holder rates on the dock
    _settle()
    assert rating.device.asking and window.holder_dock.isVisible()
    assert _places(window) == before
    rating.timer.timeout.emit()  # no answer in time: 未评价, the panel goes
    rating.device.thanks_timer.timeout.emit()
    _settle()
    assert not window.holder_dock.isVisible()
    assert _places(window) == before


def test_the_action_column_goes_with_the_lock_and_comes_back(shown: Any) -> None:
    window = shown
    before = _places(window)
    window.lock()
    _settle()
    assert not window.action_panel.isVisible()  # nothing usable but the unlock form
    window.lock_screen.form.password.setText("pw1")
    window.lock_screen.form.submit.click()
    _settle()
    assert not window.locked and window.action_panel.isVisible()
    assert _places(window) == before
