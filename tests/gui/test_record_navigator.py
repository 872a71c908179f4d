"""Every record tab is reachable at 1680 px without scroll arrows: the tab names are a list
beside the pages (失业保险, 工伤人员待遇, 工亡人员待遇 and 生育保险 hid behind ◂▸)."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.gui


def test_every_record_tab_is_on_screen_at_1680_px(qtbot: Any, window: Any) -> None:
    window.resize(1680, 1000)
    window.show()
    qtbot.waitExposed(window)
    holder = window.holder
    tabs, names = holder.tabs, holder.navigator.list
    bar = tabs.tabBar()
    assert bar is not None and not bar.isVisible()  # no tab row, so no ◂▸ arrows
    assert names.count() == tabs.count() >= 13
    viewport = names.viewport().rect()
    for row in range(names.count()):
        assert names.item(row).text() == tabs.tabText(row)
        assert viewport.contains(names.visualItemRect(names.item(row)))  # seen, not scrolled
    names.setCurrentRow(names.count() - 1)
    assert tabs.currentIndex() == tabs.count() - 1
    tabs.setCurrentIndex(0)
    assert names.currentRow() == 0
    assert names.isEnabled() is tabs.isEnabled()
