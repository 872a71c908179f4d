"""Tab from the record category list enters the category shown (its first table), Shift+Tab
back — the F1 help says "Tab 进入该分类的内容". The hidden tab bar had stayed the tab
widget's focus proxy: Tab went to it, i.e. nowhere, and the clerk stayed in the list."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QAbstractItemView, QApplication

from tests.gui.fakes import DOC

pytestmark = pytest.mark.gui


def _serve(window: Any, qtbot: Any) -> Any:
    session = window.gateway.open_id_session(window.actor, 7, DOC, "查询")
    window._id_session_opened(session)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    holder = window.holder
    assert holder.tabs.isEnabled()
    return holder


def _tab_in_and_back(qtbot: Any, holder: Any, row: int) -> Any:
    categories = holder.navigator.list
    holder.navigator.focus_list()
    categories.setCurrentRow(row)
    assert QApplication.focusWidget() is categories
    qtbot.keyClick(categories, Qt.Key.Key_Tab)
    inside = QApplication.focusWidget()
    page = holder.tabs.currentWidget()
    assert inside is not None and page.isAncestorOf(inside), type(inside).__name__
    qtbot.keyClick(inside, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget() is categories
    return inside


def test_tab_from_category_list_enters_its_first_table(qtbot: Any, window: Any) -> None:
    holder = _serve(window, qtbot)
    page = holder.tabs.widget(0)  # 卡状态与历史: the card's history table
    holder.tabs.setCurrentIndex(0)
    qtbot.waitUntil(lambda: any(v.isVisible() for v in page.findChildren(QAbstractItemView)))
    inside = _tab_in_and_back(qtbot, holder, 0)
    assert isinstance(inside, QAbstractItemView)  # the table, not the scroll area around it


def test_tab_from_category_list_enters_a_page_without_tables(qtbot: Any, window: Any) -> None:
    holder = _serve(window, qtbot)
    _tab_in_and_back(qtbot, holder, 2)  # its scroll area: ↑↓ scroll what it says
