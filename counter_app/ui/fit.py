"""Dialogs grow to fit their word-wrapped text (an error that wraps to three lines must not be
cut off at the top and bottom, nor run under the widget below it), are no taller than what
they show (``fit_to_content``; ``page_stack.PageStack``), and stay wholly on their screen where they
are placed (``centre_on_parent``, ``keep_on_screen``)."""

from __future__ import annotations

from PyQt6.QtCore import QCoreApplication, QEvent, QRect, QTimer
from PyQt6.QtWidgets import QLayout, QWidget


def grow_to_fit(window: QWidget | None) -> None:
    """Make ``window`` at least as tall as its layout needs at its current width (word-wrapped
    labels included), now and once more after the pending layout requests ran."""
    if window is None:
        return
    _fit(window, shrink=False)
    QTimer.singleShot(0, lambda: _fit(window, shrink=False))


def fit_to_content(window: QWidget | None) -> None:
    """Make ``window`` exactly as tall as its layout needs at its current width: taller when
    its content grew, shorter when it shrank (another page shown) — now and once more after
    the pending layout requests ran. A window not shown yet is left to Qt, which opens it at
    its size hint."""
    if window is None or not window.isVisible():
        return
    _fit(window, shrink=True)
    QTimer.singleShot(0, lambda: _fit(window, shrink=True))


def _fit(window: QWidget, shrink: bool) -> None:
    try:
        layout = window.layout()
    except RuntimeError:  # the dialog is gone
        return
    if layout is None:
        return
    # Measured afresh: a text just set reaches the window's layout only through the layout
    # requests posted up the chain of nested layouts (a stack of pages): run them first.
    # Every layout of the window is invalidated before: a row's cached height-for-width
    # otherwise outlived a change made from a worker's callback (the 读取身份证 row, its
    # label beside 使用本次服务已核验的身份证 that hides, kept three lines for two), and the
    # page's form, at the size it already had, laid its rows out from that cache — the chip
    # block and the photo squeezed under the next row (seen under Xvfb in 解除挂失 and
    # 修改卡密码, not with an inline pool).
    _invalidate_all(window)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    layout.activate()
    width = max(window.width(), layout.minimumSize().width())
    if layout.hasHeightForWidth():
        height = layout.totalHeightForWidth(width)
    else:
        height = layout.totalSizeHint().height()
    height = max(height, layout.totalMinimumSize().height())
    if height > window.height() or (shrink and height < window.height()):
        window.resize(width, height)


def _invalidate_all(window: QWidget) -> None:
    """Every layout in ``window`` forgets its cached sizes (its next layout pass measures
    again, nested layouts included)."""
    for child in window.findChildren(QWidget):
        inner = child.layout()
        if inner is not None:
            inner.invalidate()


def follow_content(layout: QLayout) -> None:
    """The window's minimum size follows the layout's (rows shown later push it larger)."""
    layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)


def centre_on_parent(dialog: QWidget) -> None:
    """Place ``dialog`` centred on its parent window, wholly on the parent's screen."""
    parent = dialog.parentWidget()
    if parent is None:
        return
    top = parent.window() or parent
    frame = QRect(dialog.frameGeometry())
    frame.moveCenter(top.frameGeometry().center())
    dialog.move(frame.topLeft())  # a window's position is its frame's
    keep_on_screen(dialog, top)


def keep_on_screen(
    dialog: QWidget, near: QWidget | None = None, *, shrink: bool = False, title_bar: int = 0
) -> None:
    """Move ``dialog`` into the available area of its screen (``near``'s, if given): its
    frame (the title bar with it) never starts above or left of the screen, and its bottom
    and right edge are on it when it fits. ``shrink``: made smaller when it does not fit.
    ``title_bar``: the room kept above a window the window manager has not framed yet."""
    screen = (near or dialog).screen()
    if screen is None:
        return
    area = screen.availableGeometry()
    frame, inner = dialog.frameGeometry(), dialog.geometry()
    framed = frame != inner
    if framed:
        left, top = inner.x() - frame.x(), inner.y() - frame.y()
        right, bottom = frame.right() - inner.right(), frame.bottom() - inner.bottom()
    else:
        left, top, right, bottom = 0, title_bar, 0, 0
    width, height = inner.width(), inner.height()
    if shrink:
        width = min(width, area.width() - left - right)
        height = min(height, area.height() - top - bottom)
        if (width, height) != (inner.width(), inner.height()):
            dialog.resize(max(width, dialog.minimumWidth()), max(height, dialog.minimumHeight()))
            width, height = dialog.width(), dialog.height()
    x = max(area.left() + left, min(inner.x(), area.x() + area.width() - right - width))
    y = max(area.top() + top, min(inner.y(), area.y() + area.height() - bottom - height))
    if (x, y) != (inner.x(), inner.y()):
        # A framed window's position is its frame's; an unframed one's is its own.
        dialog.move(x - left, y - top) if framed else dialog.move(x, y)
