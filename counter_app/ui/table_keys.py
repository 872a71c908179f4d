"""Tab leaves a table: for every table of the workstation, its own and Qt's.

``QTableView`` (and so ``QTableWidget``) is made with ``tabKeyNavigation`` on: Tab walks its
cells and wraps from the last to the first, so the keyboard never leaves it (a new clerk's
trial, keyboard only: 85 presses of Tab and Shift+Tab never reached the record categories
past the search results). A table's cells are walked with the arrow keys; Tab goes on to
the next control, as in every other field.

:func:`install_table_keys` sets that once for the application, at start-up: a proxy of the
application's style turns the setting off as each item view is polished (before it is first
shown), so a table made anywhere — a record page, a catalogue's result, the 即将失效 list,
the 差评整改 list, a dialog of Qt's — needs no call of its own. :func:`tab_leaves` is the same
for one view made before it (or in a test without the start-up).

It must not: change how anything looks (the proxy draws with the style it wraps).
"""

from __future__ import annotations

from typing import Any

from PyQt6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QProxyStyle,
    QStyle,
    QStyleFactory,
    QWidget,
)


def tab_leaves(view: QAbstractItemView) -> None:
    """Tab and Shift+Tab move to the next and previous control, not between cells."""
    view.setTabKeyNavigation(False)


class TabLeavesTables(QProxyStyle):
    """The application's style, unchanged, but every item view it polishes lets Tab go."""

    def polish(self, target: Any) -> Any:  # Qt's name; QWidget, QPalette or QApplication
        polished = super().polish(target)
        if isinstance(target, QAbstractItemView):
            tab_leaves(target)
        return polished


def install_table_keys(app: QApplication) -> None:
    """Tab leaves every table of ``app`` from now on (and those already shown)."""
    style = app.style()
    if isinstance(style, TabLeavesTables):
        return  # once
    base: QStyle | None = None
    if style is not None:
        base = QStyleFactory.create(style.name())
    app.setStyle(TabLeavesTables(base) if base is not None else TabLeavesTables())
    for widget in app.allWidgets():
        if isinstance(widget, QAbstractItemView):
            tab_leaves(widget)


def tables_trapping_tab(root: QWidget) -> list[QAbstractItemView]:
    """The item views under ``root`` (and ``root`` itself) where Tab still walks the cells."""
    views = root.findChildren(QAbstractItemView)
    if isinstance(root, QAbstractItemView):
        views.append(root)
    return [view for view in views if view.tabKeyNavigation()]
