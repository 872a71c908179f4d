"""RULES E2: the holder rates on the holder-facing panel while the clerk prints the slip. On
one screen that panel is a dock of the main window, and the print preview opened over the
access slip was window-modal: the holder's taps on 满意 went nowhere while the clerk read
the preview (and a preview left open ran the rating into 未评价), the preview covering
the panel's edge — seen in a new clerk's trial under Xvfb. The preview is not modal now and
opens clear of the holder's dock; one preview per document."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtCore import QRect, Qt
from PyQt6.QtWidgets import QApplication, QPushButton

from counter_app.models.case import RatingLevel
from counter_app.ui.side_docks import holder_dock_area
from counter_app.ui.workflows.access_slip import AccessSlipDialog
from tests.gui.conftest import serve_and_end

pytestmark = pytest.mark.gui


def test_E2_the_holder_rates_while_the_clerk_previews_the_slip(
    window: Any, rating: Any, gateway: Any, qtbot: Any
) -> None:
    window.setGeometry(0, 0, 1500, 760)
    case_no = serve_and_end(window)
    (slip,) = window.findChildren(AccessSlipDialog)
    qtbot.waitUntil(lambda: slip.printer is not None)
    printer = slip.printer
    printer.images = []  # drawn already (the pages do not matter here)
    button = slip.findChild(QPushButton, "previewButton")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    preview = printer.preview
    assert preview is not None and preview.isVisible()
    assert not preview.isModal() and QApplication.activeModalWidget() is None
    QApplication.processEvents()
    area = holder_dock_area(window)
    assert area is not None
    assert not preview.frameGeometry().intersects(QRect(area))
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # again: the same preview, raised
    assert printer.preview is preview
    panel = rating.device.panel
    qtbot.mouseClick(panel.level_buttons[RatingLevel.SATISFIED], Qt.MouseButton.LeftButton)
    answer = gateway.ratings[case_no]
    assert answer is not None and answer.level == "satisfied"
    preview.close()
