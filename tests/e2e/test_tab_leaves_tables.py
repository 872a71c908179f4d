"""Keyboard only: Tab leaves every table of the workstation, and Alt+1 reaches the record
categories. A new clerk's trial pressed Tab 45 times and Shift+Tab 40 times: each table
(search results, record pages, lists) walked its own cells and wrapped, and the category
list on the left was never reached without the mouse.

The start-up installs the rule for every table (``table_keys.install_table_keys`` in
``app.run``); the workstation here is built as the tests build it, so the test installs it
the same way, then walks every visible table of the main window and its windows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QStandardItem, QStandardItemModel
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from counter_app.demo.accounts import fixed_holder
from counter_app.ui.lookup_menu import LookupMenu
from counter_app.ui.public_lookup import LookupKind
from counter_app.ui.table_keys import install_table_keys

pytestmark = pytest.mark.gui


@pytest.fixture
def table_keys() -> Iterator[QApplication]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    style = app.style()
    before = style.name() if style is not None else ""
    install_table_keys(app)
    yield app
    if before:
        app.setStyle(before)  # the other tests' style as it was


def _visible_views() -> list[QAbstractItemView]:
    views: list[QAbstractItemView] = []
    for top in QApplication.topLevelWidgets():
        if top.isVisible():
            views += [v for v in top.findChildren(QAbstractItemView) if v.isVisible()]
    return views


def test_tab_leaves_a_table_made_anywhere(qtbot: Any, table_keys: QApplication) -> None:
    # The trial's 10-line repro: a field, a table of six cells, a button.
    box = QWidget()
    qtbot.addWidget(box)
    layout = QVBoxLayout(box)
    field, table, button = QLineEdit(), QTableView(), QPushButton("x")
    model = QStandardItemModel(1, 6, table)
    for column in range(6):
        model.setItem(0, column, QStandardItem(str(column)))
    table.setModel(model)
    table.setCurrentIndex(model.index(0, 0))
    for widget in (field, table, button):
        layout.addWidget(widget)
    box.show()
    qtbot.waitExposed(box)
    box.activateWindow()
    qtbot.waitUntil(box.isActiveWindow)
    assert not table.tabKeyNavigation()
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is button


def test_tab_leaves_every_table_and_alt_1_reaches_the_categories(
    counter: Any, table_keys: QApplication
) -> None:
    c = counter("KZX500000-01")  # the card center: every district's 即将失效 phone reports
    window = c.window
    c.search(fixed_holder("retired").ssn)
    hit_table = window.search_pane.view
    assert hit_table.isVisible() and not hit_table.tabKeyNavigation()
    hit_table.setFocus()
    hit_table.setCurrentIndex(window.hits.index(0, 0))
    c.qtbot.keyClick(hit_table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not hit_table  # on to 核验证件并查看

    c.card_session("retired")  # 周国华: records in many categories
    holder = window.holder
    walked = 0
    for index in range(holder.tabs.count()):
        holder.tabs.setCurrentIndex(index)
        QApplication.processEvents()
        views = _visible_views()
        walked += len(views)
        assert [v.objectName() or type(v).__name__ for v in views if v.tabKeyNavigation()] == []

    lookups = window.findChild(LookupMenu)
    assert lookups is not None
    drugs = lookups.open_lookup(LookupKind.DRUGS)
    c.qtbot.keyClicks(drugs.edit, "p")
    drugs.search()
    c.qtbot.waitUntil(lambda: bool(drugs.view.findChildren(QAbstractItemView)), timeout=20000)
    window.lapsing_badge.show_list()  # the 即将失效 list, a table of another module
    c.qtbot.waitUntil(lambda: window.lapsing_badge.dialog is not None, timeout=20000)
    QApplication.processEvents()
    assert window.lapsing_badge.dialog.view.isVisible()  # rows, not 无记录
    views = _visible_views()
    walked += len(views)
    assert [v.objectName() or type(v).__name__ for v in views if v.tabKeyNavigation()] == []
    assert walked > holder.tabs.count()  # tables were really found and checked
    window.lapsing_badge.dialog.close()
    drugs.close()

    # Alt+1: from the search field to the category list, ↓ shows the next category.
    window.activateWindow()
    c.qtbot.waitUntil(window.isActiveWindow)
    holder.tabs.setCurrentIndex(0)
    search = window.search_pane.box.edit
    search.setFocus()
    c.qtbot.keyClick(search, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    categories = holder.navigator.list
    assert QApplication.focusWidget() is categories
    c.qtbot.keyClick(categories, Qt.Key.Key_Down)
    assert holder.tabs.currentIndex() == 1
