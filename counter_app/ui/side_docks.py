"""The right side of the clerk's window: the action column, and the holder's dock beside it.

The action column is a dock of one width at the window's right edge. On one screen the
holder's keypad and rating are a dock of the window too; it opens between the action column
and the records and takes its room from the records. A new clerk's trial saw the column
jump ~300 px whenever the holder's screen came or went (退出登录 from x≈1240 to ≈930) and
missed it twice. The window is also wide enough for the holder's dock from the start, so
showing it never makes the window grow under the clerk's hand either.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PyQt6.QtCore import QRect, Qt
from PyQt6.QtWidgets import QDockWidget, QStyle, QWidget

if TYPE_CHECKING:
    from PyQt6.QtWidgets import QMainWindow

#: The action column's one width (wider only if its buttons' texts need it).
ACTION_COLUMN_WIDTH = 200
#: The holder dock's widest: the window fits a 1680-pixel screen with both docks open.
KEYPAD_DOCK_MAX_WIDTH = 380
#: Between a dialog kept clear of the holder's dock and the dock.
DOCK_GAP = 12


def install_side_docks(
    window: QMainWindow, actions: QWidget, holder_panel: QWidget | None, holder_title: str
) -> tuple[QDockWidget, QDockWidget | None]:
    """Dock ``actions`` at the right edge, fixed in width; ``holder_panel`` (None: the
    holder has a window of their own) in a hidden dock just inside it. Both cannot be
    moved, floated or closed. Returns (action dock, holder dock)."""
    actions.setFixedWidth(max(actions.sizeHint().width(), ACTION_COLUMN_WIDTH))
    action_dock = QDockWidget(window.tr("业务办理"), window)
    action_dock.setObjectName("actionDock")
    action_dock.setTitleBarWidget(QWidget())  # the panel has its own 业务办理 heading
    action_dock.setFeatures(QDockWidget.DockWidgetFeature.NoDockWidgetFeatures)
    action_dock.setWidget(actions)
    right = Qt.DockWidgetArea.RightDockWidgetArea
    if holder_panel is None:
        window.addDockWidget(right, action_dock)
        return action_dock, None
    dock = QDockWidget(holder_title, window)
    dock.setObjectName("holderDock")
    dock.setWidget(holder_panel)
    dock.setFeatures(QDockWidget.DockWidgetFeature.NoDockWidgetFeatures)
    dock.setMaximumWidth(KEYPAD_DOCK_MAX_WIDTH)
    window.addDockWidget(right, dock)
    window.splitDockWidget(dock, action_dock, Qt.Orientation.Horizontal)  # action outermost
    dock.hide()
    return action_dock, dock


def make_room_for_holder_dock(window: QMainWindow, dock: QDockWidget | None) -> None:
    """Widen ``window`` (within its screen) to what it needs with ``dock`` shown, so that
    showing the dock takes room from the records instead of growing the window."""
    if dock is None or not dock.isHidden():
        return
    style = window.style()
    separator = (
        style.pixelMetric(QStyle.PixelMetric.PM_DockWidgetSeparatorExtent, None, window)
        if style is not None
        else 0
    )
    # Not capped at the screen: the window's minimum would make it this wide anyway the
    # first time the dock opens — better at once than under the clerk's hand.
    needed = window.minimumSizeHint().width() + dock.minimumSizeHint().width() + separator
    if window.width() < needed:
        window.resize(needed, window.height())


def holder_dock_area(window: QWidget) -> QRect | None:
    """Where the holder's dock of ``window`` is or opens (global coordinates): just inside
    the action column at its widest, and wherever it is while shown — known before the dock
    opens and laid out. None without one (the holder has a window of their own) or while
    ``window`` is not shown."""
    dock = getattr(window, "holder_dock", None)
    column = getattr(window, "action_dock", None)
    if not isinstance(dock, QDockWidget) or not window.isVisible():
        return None
    area = QRect()
    if isinstance(column, QDockWidget) and column.isVisible():
        top_left = column.mapToGlobal(column.rect().topLeft())
        width = KEYPAD_DOCK_MAX_WIDTH
        area = QRect(top_left.x() - width, top_left.y(), width, column.height())
    if dock.isVisible():
        area = area.united(QRect(dock.mapToGlobal(dock.rect().topLeft()), dock.size()))
    return None if area.isEmpty() else area


def keep_clear_of_holder_dock(dialog: QWidget, window: QWidget) -> None:
    """Move ``dialog`` left, over the records, when its frame would cover the holder's
    dock: the holder types there (the keypad's 1, 4, 7 and 删除 were hidden under 解除挂失
    in a city trial) and rates there. It stays on its screen: on a screen too narrow for
    both, it goes to the screen's left edge and covers as little as it can."""
    area = holder_dock_area(window)
    if area is None:
        return
    frame = dialog.frameGeometry()
    if not frame.intersects(area):
        return
    x = area.left() - DOCK_GAP - frame.width()
    screen = window.screen()
    if screen is not None:
        x = max(x, screen.availableGeometry().left())
    dialog.move(x, frame.y())
