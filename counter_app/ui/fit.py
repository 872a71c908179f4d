"""Dialogs grow to fit their word-wrapped text (an error that wraps to three lines must not be
cut off at the top and bottom, nor run under the widget below it)."""

from __future__ import annotations

from PyQt6.QtCore import QTimer
from PyQt6.QtWidgets import QLayout, QWidget


def grow_to_fit(window: QWidget | None) -> None:
    """Make ``window`` at least as tall as its layout needs at its current width (word-wrapped
    labels included), now and once more after the pending layout requests ran."""
    if window is None:
        return
    _grow(window)
    QTimer.singleShot(0, lambda: _grow(window))


def _grow(window: QWidget) -> None:
    try:
        layout = window.layout()
    except RuntimeError:  # the dialog is gone
        return
    if layout is None:
        return
    layout.activate()
    width = max(window.width(), layout.minimumSize().width())
    if layout.hasHeightForWidth():
        height = layout.totalHeightForWidth(width)
    else:
        height = layout.totalSizeHint().height()
    height = max(height, layout.totalMinimumSize().height())
    if height > window.height():
        window.resize(width, height)


def follow_content(layout: QLayout) -> None:
    """The window's minimum size follows the layout's (rows shown later push it larger)."""
    layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
