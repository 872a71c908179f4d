"""A form's print preview opens within the available geometry of the clerk's window's
screen, title bar included (a new clerk's trial saw the 挂失登记表's preview open with its
title bar above the top of the screen: it could be neither moved nor closed by its frame)."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtCore import QRect
from PyQt6.QtGui import QGuiApplication
from PyQt6.QtWidgets import QWidget

from counter_app.ui import printing
from counter_app.ui.tasks import TaskRunner

pytestmark = pytest.mark.gui


def _area() -> QRect:
    screen = QGuiApplication.primaryScreen()
    assert screen is not None
    return screen.availableGeometry()


def _clerk(qtbot: Any, geometry: QRect) -> QWidget:
    clerk = QWidget()
    qtbot.addWidget(clerk)
    clerk.setGeometry(geometry)
    clerk.show()
    return clerk


def test_the_preview_opens_on_screen_over_a_window_reaching_above_it(qtbot: Any) -> None:
    area = _area()
    # The clerk's window taller than the screen and reaching above it: the preview, centred
    # on it, began above the screen's top.
    clerk = _clerk(
        qtbot, QRect(area.x(), area.y() - area.height() // 2, area.width(), 2 * area.height())
    )
    form = printing.FormPrinter(b"%PDF-", "挂失登记表 GS-1", runner=TaskRunner(), parent=clerk)
    form.images = []  # the pages are drawn (none needed to open the preview)
    form.show_preview()
    preview = form.preview
    assert preview is not None and preview.isVisible()
    qtbot.addWidget(preview)
    qtbot.wait(10)  # the placement once the frame is known
    assert area.contains(preview.frameGeometry()), (preview.frameGeometry(), area)
    # Sized for the clerk's screen: most of its height, to read the page.
    assert preview.frameGeometry().height() >= area.height() * 4 // 5


def test_a_window_bigger_than_the_screen_is_shrunk_and_moved_onto_it(qtbot: Any) -> None:
    area = _area()
    dialog = QWidget()
    qtbot.addWidget(dialog)
    dialog.setGeometry(area.x() - 50, area.y() - 300, area.width() + 200, area.height() + 400)
    dialog.show()
    printing.keep_on_screen(dialog, None)
    assert area.contains(dialog.frameGeometry()), (dialog.frameGeometry(), area)


def test_the_preview_is_placed_again_once_the_window_manager_has_framed_it(
    qtbot: Any,
) -> None:
    """Its frame is known only when the window manager has framed it: the placement then
    runs once more (and only once: the clerk may move it later)."""
    placed: list[QWidget] = []
    dialog = QWidget()
    qtbot.addWidget(dialog)
    printing._PlaceOnceFramed(dialog, placed.append)
    dialog.show()
    dialog.move(dialog.x() + 5, dialog.y() + 5)
    qtbot.waitUntil(lambda: placed == [dialog])
    dialog.move(dialog.x() + 5, dialog.y() + 5)  # the clerk moves it: left where they put it
    qtbot.wait(10)
    assert placed == [dialog]
