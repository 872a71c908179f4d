"""RULES E2: the holder's own rating. A tap on 不满意 or 非常不满意 leads to the reasons; the
page says which level was tapped and 返回重新选择 goes back to the five levels — a holder who
hit 不满意 for 满意 was held to a poor rating (and a follow-up for the clerk, E3) with no way
back (a new clerk's trial under Xvfb). The way back is the holder's only: no focus, so the
clerk's keyboard does not reach it."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtCore import Qt

from counter_app.models.case import RatingLevel, RatingReason
from tests.gui.conftest import serve_and_end

pytestmark = pytest.mark.gui


def test_E2_holder_goes_back_from_the_reasons_and_rates_again(
    window: Any, rating: Any, gateway: Any, qtbot: Any
) -> None:
    case_no = serve_and_end(window)
    panel = rating.device.panel
    qtbot.mouseClick(panel.level_buttons[RatingLevel.DISSATISFIED], Qt.MouseButton.LeftButton)
    assert panel.pages.currentIndex() == 1
    assert panel.chosen.isVisible() and "不满意" in panel.chosen.text()
    qtbot.mouseClick(panel.reason_buttons[RatingReason.ATTITUDE], Qt.MouseButton.LeftButton)
    assert panel.back.isVisible() and panel.back.focusPolicy() == Qt.FocusPolicy.NoFocus
    for button in (panel.back, panel.submit):  # side by side, neither clipped
        assert button.width() >= button.fontMetrics().horizontalAdvance(button.text())
    qtbot.keyClick(panel.back, Qt.Key.Key_Space)  # the clerk's keyboard: nothing
    assert panel.pages.currentIndex() == 1
    qtbot.mouseClick(panel.back, Qt.MouseButton.LeftButton)
    assert panel.pages.currentIndex() == 0 and case_no not in gateway.ratings
    assert not panel.reason_buttons[RatingReason.ATTITUDE].isChecked()
    qtbot.mouseClick(panel.level_buttons[RatingLevel.SATISFIED], Qt.MouseButton.LeftButton)
    answer = gateway.ratings[case_no]
    assert answer is not None and answer.level == "satisfied" and answer.reasons == ()


def test_E2_the_chosen_level_is_said_on_the_reasons_page(
    window: Any, rating: Any, qtbot: Any
) -> None:
    serve_and_end(window)
    panel = rating.device.panel
    qtbot.mouseClick(panel.level_buttons[RatingLevel.VERY_DISSATISFIED], Qt.MouseButton.LeftButton)
    assert "非常不满意" in panel.chosen.text()
