"""The 查询 menu's shortcuts (Ctrl+Shift+D, T, E …) from inside its look-up windows too.

The menu's actions are shortcuts of the main window: with a look-up window in front, the
clerk's Ctrl+Shift+T went nowhere and the menu of the main window was the only way to the
next look-up. Each look-up window gets the menu's actions as well, so a key opens or raises
that look-up from the main window or from any look-up window — and from nowhere else: not
application-wide, so a workflow dialog, the ID check or a message box keeps its keys, and the
holder keypad's key grab (``pin_entry``: digits, 删除, 确认) is untouched. Whatever the menu
holds when a look-up window is first shown comes along (a look-up added to the menu later
needs nothing here).
"""

from __future__ import annotations

from PyQt6.QtCore import QChildEvent, QEvent, QObject
from PyQt6.QtWidgets import QMainWindow, QMenu

from counter_app.ui.public_lookup import PublicLookupWindow


class LookupKeys(QObject):
    """Gives each look-up window of ``window`` the actions of ``menu`` as it is first shown."""

    def __init__(self, window: QMainWindow, menu: QMenu) -> None:
        super().__init__(window)
        self.menu = menu
        window.installEventFilter(self)

    def eventFilter(self, obj: QObject | None, event: QEvent | None) -> bool:
        # A child window is polished as it is first shown, fully built (its class known).
        if (
            event is not None
            and event.type() == QEvent.Type.ChildPolished
            and isinstance(event, QChildEvent)
            and isinstance(event.child(), PublicLookupWindow)
        ):
            lookup = event.child()
            assert isinstance(lookup, PublicLookupWindow)
            lookup.addActions(self.menu.actions())
        return False


def share_lookup_keys(window: QMainWindow, menu: QMenu) -> LookupKeys:
    return LookupKeys(window, menu)
