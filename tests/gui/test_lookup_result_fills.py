"""A look-up window's result (RULES Q6) as a new clerk's trial read it: 药品目录 "p" gave
14 rows shown 12 at a time in a fixed box with its own scroll bar, half the window empty
under it; and an empty query showed the grey 请核对名称… of the last search beside the red
请输入名称…. The list now takes the window down to 关闭; an empty query is said once."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtCore import QPoint
from PyQt6.QtWidgets import QApplication, QTableWidget

from counter_app.services.queries.public import DrugRow
from counter_app.ui.lookup_menu import LookupMenu, install_lookup_menu
from counter_app.ui.public_lookup import LookupKind, PublicLookupWindow
from counter_app.ui.record_view import MAX_TABLE_ROWS
from tests.gui.fakes import FakeServices

pytestmark = pytest.mark.gui


def _drug(n: int) -> DrugRow:
    return DrugRow(f"XJ01CA{n:03d}", f"阿莫西林胶囊{n}", "胶囊剂", "甲", 10, "AMXLJN", "")


@pytest.fixture
def drugs(qtbot: Any, window: Any) -> PublicLookupWindow:
    menu: LookupMenu = install_lookup_menu(window)
    menu.lookup_actions[LookupKind.DRUGS].trigger()
    lookup = menu.windows[LookupKind.DRUGS]
    qtbot.addWidget(lookup)
    qtbot.waitExposed(lookup)
    return lookup


def _search(lookup: PublicLookupWindow, text: str) -> None:
    lookup.edit.setText(text)
    lookup.search()
    QApplication.processEvents()


def test_Q6_the_result_list_takes_the_window_down_to_its_last_row(
    qtbot: Any, gateway: FakeServices, drugs: PublicLookupWindow
) -> None:
    gateway.drugs = [_drug(n) for n in range(14)]
    _search(drugs, "阿莫")
    (table,) = drugs.view.findChildren(QTableWidget)
    qtbot.waitUntil(lambda: table.viewport().height() > 0)
    rows = table.verticalHeader()
    shown = sum(rows.sectionSize(r) for r in range(table.rowCount()))
    assert table.rowCount() > MAX_TABLE_ROWS
    assert table.viewport().height() >= shown  # all 14 rows at once: no scroll bar
    assert table.verticalScrollBar().maximum() == 0
    bottom = table.mapTo(drugs, QPoint(0, table.height())).y()
    view_bottom = drugs.view.mapTo(drugs, QPoint(0, drugs.view.height())).y()
    assert view_bottom - bottom < 40  # no empty half window under the list


def test_Q6_an_empty_query_is_said_once(
    qtbot: Any, gateway: FakeServices, drugs: PublicLookupWindow
) -> None:
    gateway.drugs = [_drug(1)]
    _search(drugs, "布洛芬")  # no hit: the grey line says what to check
    assert "请核对" in drugs.summary.text() and drugs.summary.isVisible()
    _search(drugs, "   ")
    assert drugs.error.isVisible() and "请输入" in drugs.error.text()
    assert not drugs.summary.isVisible() and not drugs.note.isVisible()
    assert drugs.view.page is None  # the last answer is not left beside the red line
