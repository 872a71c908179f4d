"""The full ID number typed into the search box leaves the screen once the holder's
session opens (the hit row and the header show it masked), and the search box is never
narrower than its (shorter) hint, also after a lock and unlock (it was cut off)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.gui.fakes import DOC, SSN

pytestmark = pytest.mark.gui


def test_search_box_is_cleared_when_the_id_session_opens(window: Any, gateway: Any) -> None:
    box = window.search_pane.box.edit
    box.setText(SSN)
    window._id_session_opened(gateway.open_id_session(window.actor, 7, DOC, "x"))
    assert box.text() == ""


def test_search_box_never_cuts_its_hint(qtbot: Any, window: Any) -> None:
    window.resize(1680, 1000)
    window.show()
    qtbot.waitExposed(window)
    box = window.search_pane.box.edit
    needed = box.fontMetrics().horizontalAdvance(box.placeholderText())
    assert box.width() >= needed
    window.lock()
    window.try_unlock("YB500103-02", "pw2")
    qtbot.wait(20)
    assert box.isVisible() and box.width() >= needed  # whole after a lock and unlock
