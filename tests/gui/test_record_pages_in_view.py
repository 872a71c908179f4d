"""Every record page of every fixed demo holder, shown at the record pane's width at the
window's first size (the trial's, demo docks on the left): every column of every table in
view without scrolling sideways, every text whole (a new clerk's trial had to scroll to see
工伤认定's 伤残等级, and 全部卡片, 参保情况 and 养老保险缴费记录 hid their last columns).
The pages come from the real services on the demo database."""

from __future__ import annotations

import shutil
from typing import Any

import pytest
from PyQt6.QtWidgets import QApplication, QTableWidget

from counter_app.demo.accounts import FIXED_HOLDERS
from counter_app.presentation import Page
from counter_app.ui.record_view import RecordView
from tests.gui.test_record_tables_fit import TRIAL_PANE_WIDTH, text_whole
from tests.presentation.test_record_pages_walk import _pages
from tests.services.conftest import (  # noqa: F401 - the demo database fixture
    _dispose,
    make_ctx,
    sqlite_demo_template,
)

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def pages(sqlite_demo_template: Any, tmp_path_factory: pytest.TempPathFactory) -> list[Page]:  # noqa: F811
    target = tmp_path_factory.mktemp("in-view") / "demo.sqlite3"
    shutil.copyfile(sqlite_demo_template, target)
    ctx = make_ctx(f"sqlite:///{target}")
    try:
        return [page for h in FIXED_HOLDERS for page in _pages(ctx, h.key, h.ssn).values()]
    finally:
        _dispose(ctx)


def test_every_table_of_every_demo_page_is_in_view_at_the_first_size(
    qtbot: Any, pages: list[Page]
) -> None:
    view = RecordView()
    qtbot.addWidget(view)
    view.resize(TRIAL_PANE_WIDTH, 700)
    view.show()
    qtbot.waitExposed(view)
    seen = 0
    hidden: list[str] = []
    for page in pages:
        view.show_page(page)
        for _ in range(3):
            QApplication.processEvents()
        for table in view.findChildren(QTableWidget):
            seen += 1
            widths = sum(table.columnWidth(c) for c in range(table.columnCount()))
            bar = table.horizontalScrollBar()
            assert bar is not None
            if widths > table.viewport().width() or bar.maximum() > 0:
                heads = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]  # type: ignore[union-attr]
                hidden.append(f"{page.title}: {heads} {widths} > {table.viewport().width()}")
                continue
            for c in range(table.columnCount()):
                for r in range(table.rowCount()):
                    item = table.item(r, c)
                    assert text_whole(table, r, c), (page.title, item.text() if item else "")
    assert seen > 50  # the walk saw the tables
    assert not hidden, "\n".join(hidden)
