"""RULES E2 on the holder's screen: a reason or phrase the holder has chosen is plain to
see — a check mark before its words and a dark fill behind white text — not the faint grey
of a pressed button that an older holder could not tell from the others (a new clerk's
trial). Checked by rendering the buttons, as the holder sees them."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QColor, QImage
from PyQt6.QtWidgets import QPushButton

from counter_app.models.case import RatingLevel, RatingReason
from counter_app.ui.rating import CHECK_MARK, RatingPanel

pytestmark = pytest.mark.gui


def _lightness(button: QPushButton) -> float:
    """The button's mean lightness (0 black … 255 white), rendered as shown."""
    image = button.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    step = 3
    values = [
        QColor(image.pixel(x, y)).lightness()
        for x in range(0, image.width(), step)
        for y in range(0, image.height(), step)
    ]
    return sum(values) / len(values)


@pytest.fixture
def panel(qtbot: Any) -> RatingPanel:
    panel = RatingPanel()
    qtbot.addWidget(panel)
    panel.resize(480, 800)
    panel.show()
    qtbot.mouseClick(panel.level_buttons[RatingLevel.DISSATISFIED], Qt.MouseButton.LeftButton)
    return panel


def test_E2_a_chosen_reason_is_marked_and_filled(qtbot: Any, panel: RatingPanel) -> None:
    chosen = panel.reason_buttons[RatingReason.ATTITUDE]
    other = panel.reason_buttons[RatingReason.EFFICIENCY]
    qtbot.mouseClick(chosen, Qt.MouseButton.LeftButton)
    assert chosen.isChecked() and chosen.text() == CHECK_MARK + "态度"
    assert other.text() == "效率"  # only the chosen one is marked
    # Dark behind white text against a light button: a difference the eye cannot miss
    # (the style's pressed shading differed by a few levels of grey).
    assert _lightness(other) - _lightness(chosen) > 80
    qtbot.mouseClick(chosen, Qt.MouseButton.LeftButton)  # tapped again: not chosen
    assert chosen.text() == "态度" and abs(_lightness(other) - _lightness(chosen)) < 10


def test_E2_a_chosen_phrase_is_marked_and_nothing_is_clipped(
    qtbot: Any, panel: RatingPanel
) -> None:
    phrase = panel.phrase_buttons[0]
    width = phrase.width()
    qtbot.mouseClick(phrase, Qt.MouseButton.LeftButton)
    assert phrase.text().startswith(CHECK_MARK) and phrase.text().endswith("等候时间太长")
    assert phrase.width() >= phrase.minimumSizeHint().width()  # the mark and bold text fit
    assert phrase.width() == width  # choosing does not move the other buttons
    assert panel.comment() == "等候时间太长"  # the comment is the phrase, without the mark
    panel.choose_again()
    assert phrase.text() == "等候时间太长"
