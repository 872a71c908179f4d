"""Record tables fit the record pane's width: a new clerk's trial found 社会保险 and 全部卡片
cut off on the right at the window's first size (the demo's, 1600-px screen), readable
only by scrolling sideways. The widest columns now give way and their cells wrap — every
text whole, every header whole, nothing elided. A column gives way to eight Chinese
characters, and to five when that keeps every column in view (a later trial had to scroll
sideways to see 工伤认定's 伤残等级); no further (an earlier pane wrapped 缴费单位 to five
lines of two characters): past that the table scrolls sideways. A wrapped date breaks only
after its year."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PyQt6.QtCore import QRect, Qt
from PyQt6.QtGui import QFontMetrics
from PyQt6.QtWidgets import QApplication, QTableWidget

from counter_app.presentation.holder_pages import card_basic_page
from counter_app.presentation.insurance_pages import social_insurance_page
from counter_app.services.queries.holder import BasicInfo, CardBasicView, CardInfo
from counter_app.services.queries.insurance import ParticipationRow, SocialInsuranceView
from counter_app.ui.record_view import RecordView

pytestmark = pytest.mark.gui

#: The record pane's width in the trial (demo docks on the left, 1600-px screen).
TRIAL_PANE_WIDTH = 560
#: A pane wide enough for every column at its floor, too narrow for every cell on one line.
MIDDLE_PANE_WIDTH = 720
#: A cell's text margins (focus frame and item margin, both sides) in any style.
TEXT_MARGINS = 8

EMPLOYER = "重庆渝江建筑工程有限责任公司"


def _social_insurance() -> Any:
    rows = tuple(
        ParticipationRow(
            code,
            label,
            "employee",
            status,
            dt.date(1993, 11, 1),
            until,
            EMPLOYER,
            268,
            0,
        )
        for code, label, status, until in (
            ("pension", "养老保险", "参保缴费", None),
            ("medical", "医疗保险", "参保缴费", None),
            ("unemployment", "失业保险", "终止", dt.date(2015, 12, 31)),
            ("injury", "工伤保险", "终止", dt.date(2015, 12, 31)),
            ("maternity", "生育保险", "终止", dt.date(2015, 12, 31)),
        )
    )
    return social_insurance_page(SocialInsuranceView(rows))


def _all_cards() -> Any:
    at = dt.datetime(2015, 3, 1, 2, 0, tzinfo=dt.UTC)
    basic = BasicInfo(
        8, "周国华", "500***********0192", "1", "01", dt.date(1955, 9, 1), "retired",
        "500101", "万州区", "198****7613",
    )  # fmt: skip
    card = CardInfo(
        80, "A13058386", "active", "正常", at, dt.date(2015, 3, 1), dt.date(2025, 2, 28),
        "2.00", "500101", expired=True,
    )  # fmt: skip
    return card_basic_page(CardBasicView(basic, (card,)))


def _shown(qtbot: Any, page: Any, width: int) -> tuple[RecordView, list[QTableWidget]]:
    """The page in a record pane ``width`` wide; the pane (kept by the caller) and its tables."""
    view = RecordView()
    qtbot.addWidget(view)
    view.resize(width, 700)
    view.show()
    qtbot.waitExposed(view)
    view.show_page(page)
    for _ in range(3):
        QApplication.processEvents()
    tables = view.findChildren(QTableWidget)
    assert tables
    return view, tables


def text_whole(table: QTableWidget, row: int, column: int) -> bool:
    """The cell's text fits its cell, wrapped if need be: no character cut or elided."""
    item = table.item(row, column)
    assert item is not None
    room = table.columnWidth(column) - TEXT_MARGINS
    metrics = QFontMetrics(table.font())
    drawn = metrics.boundingRect(QRect(0, 0, room, 10_000), Qt.TextFlag.TextWordWrap, item.text())
    return drawn.width() <= room and drawn.height() <= table.rowHeight(row)


@pytest.mark.parametrize("page", [_social_insurance, _all_cards], ids=["社会保险", "全部卡片"])
def test_the_table_fits_the_record_pane_without_scrolling_sideways(qtbot: Any, page: Any) -> None:
    _pane, tables = _shown(qtbot, page(), MIDDLE_PANE_WIDTH)
    for table in tables:
        header = table.horizontalHeader()
        assert header is not None
        widths = [table.columnWidth(c) for c in range(table.columnCount())]
        assert sum(widths) <= table.viewport().width(), widths
        bar = table.horizontalScrollBar()
        assert bar is not None and bar.maximum() == 0
        for c in range(table.columnCount()):
            assert widths[c] >= header.sectionSizeHint(c)  # every header whole
            for r in range(table.rowCount()):
                assert text_whole(table, r, c), (r, c, table.item(r, c).text())  # type: ignore[union-attr]
        # The whole table is in view: its rows are not cut by its own height.
        rows = sum(table.rowHeight(r) for r in range(table.rowCount()))
        assert table.viewport().height() >= rows


@pytest.mark.parametrize("page", [_social_insurance, _all_cards], ids=["社会保险", "全部卡片"])
def test_with_room_each_cell_is_on_one_line_and_the_table_is_filled(qtbot: Any, page: Any) -> None:
    _pane, tables = _shown(qtbot, page(), 1400)
    for table in tables:
        for c in range(table.columnCount()):
            assert table.columnWidth(c) >= table.sizeHintForColumn(c)
        assert all(table.rowHeight(r) == table.rowHeight(0) for r in range(table.rowCount()))
        total = sum(table.columnWidth(c) for c in range(table.columnCount()))
        assert total >= table.viewport().width() - 2


def _pension_contributions() -> Any:
    from decimal import Decimal

    from counter_app.presentation.insurance_pages import pension_page
    from counter_app.services.queries.contributions import ContributionMonths, Contributions
    from counter_app.services.queries.insurance import ContributionRow, PensionView

    rows = tuple(
        ContributionRow(
            f"{year}-01",
            EMPLOYER,
            12,
            Decimal("19454.00"),
            Decimal("37351.68"),
            Decimal("18675.84"),
            "已缴",
            dt.date(year, 12, 15),
        )  # fmt: skip
        for year in range(2010, 2016)
    )
    return pension_page(
        PensionView(
            Decimal("417093.76"),
            dt.date(1993, 1, 1),
            None,
            None,
            (),
            Contributions(rows, ContributionMonths(268, 268, 0)),
        )
    )


def _first_line(table: QTableWidget, row: int, column: int) -> str:
    """The first line of the cell as drawn (the delegate's text, laid out at its width)."""
    from PyQt6.QtGui import QTextLayout, QTextOption
    from PyQt6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

    delegate, model = table.itemDelegate(), table.model()
    assert isinstance(delegate, QStyledItemDelegate) and model is not None
    option = QStyleOptionViewItem()
    delegate.initStyleOption(option, model.index(row, column))
    drawn = option.text
    layout = QTextLayout(drawn, table.font())
    wrap = QTextOption()
    wrap.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(wrap)
    layout.beginLayout()
    line = layout.createLine()
    line.setLineWidth(table.columnWidth(column) - TEXT_MARGINS)
    layout.endLayout()
    return drawn[: line.textLength()].replace("\u2060", "")


def test_a_wrapped_date_breaks_only_after_its_year(qtbot: Any) -> None:
    """养老保险缴费记录 in the trial's pane: 到账日期 broke as "2015年 / 12月15 / 日" (and
    later, in a narrower column, "1997年08月01 / 日"). A wrapped date keeps its month and
    day together ("2015年" / "12月15日")."""
    _pane, tables = _shown(qtbot, _pension_contributions(), 420)
    table = next(t for t in tables if t.columnCount() == 7)
    metrics = QFontMetrics(table.font())
    date = table.item(0, 6)
    assert date is not None and date.text() == "2010年12月15日"  # the item keeps its text
    assert table.columnWidth(6) - TEXT_MARGINS >= metrics.horizontalAdvance("12月15日")
    assert table.columnWidth(6) - TEXT_MARGINS < metrics.horizontalAdvance("2010年12月15日")
    assert _first_line(table, 0, 6) == "2010年"
    assert text_whole(table, 0, 6)


def _readable(table: QTableWidget, column: int, characters: int) -> int:
    """The narrowest a column may be: ``characters`` Chinese characters, or its one-line
    text."""
    least = QFontMetrics(table.font()).horizontalAdvance("汉" * characters)
    return min(least, table.sizeHintForColumn(column) - TEXT_MARGINS)


def _one_line_widths(table: QTableWidget, characters: int) -> list[int]:
    table.setWordWrap(False)
    readable = [_readable(table, c, characters) for c in range(table.columnCount())]
    table.setWordWrap(True)
    return readable


def test_in_the_trials_pane_every_column_is_in_view(qtbot: Any) -> None:
    """养老保险缴费记录 at the window's first size (the trial's pane): every column in view,
    none narrower than five Chinese characters (or its whole text), every text whole, the
    company name on at most three lines."""
    _pane, tables = _shown(qtbot, _pension_contributions(), TRIAL_PANE_WIDTH)
    table = next(t for t in tables if t.columnCount() == 7)
    assert table.item(0, 1).text() == EMPLOYER  # type: ignore[union-attr]
    readable = _one_line_widths(table, 5)
    for c in range(table.columnCount()):
        assert table.columnWidth(c) - TEXT_MARGINS >= readable[c], (c, table.columnWidth(c))
        for r in range(table.rowCount()):
            assert text_whole(table, r, c), (r, c)
    widths = sum(table.columnWidth(c) for c in range(table.columnCount()))
    assert widths <= table.viewport().width()
    bar = table.horizontalScrollBar()
    assert bar is not None and bar.maximum() == 0
    line = QFontMetrics(table.font()).lineSpacing()
    assert all(table.rowHeight(r) < 4 * line for r in range(table.rowCount()))


def test_a_narrow_pane_scrolls_sideways_rather_than_wrap_to_many_lines(qtbot: Any) -> None:
    """养老保险缴费记录 in a pane too narrow for five characters a column wrapped its 缴费单位
    "重庆渝江建筑工程有限责任公司" to five lines of two or three characters. Each column
    keeps room for five Chinese characters (or its whole text), and the table scrolls
    sideways."""
    _pane, tables = _shown(qtbot, _pension_contributions(), 420)
    table = next(t for t in tables if t.columnCount() == 7)
    readable = _one_line_widths(table, 5)
    for c in range(table.columnCount()):
        assert table.columnWidth(c) - TEXT_MARGINS >= readable[c], (c, table.columnWidth(c))
        for r in range(table.rowCount()):
            assert text_whole(table, r, c), (r, c)
    widths = sum(table.columnWidth(c) for c in range(table.columnCount()))
    assert widths > table.viewport().width()
    bar = table.horizontalScrollBar()
    assert bar is not None and bar.isVisible()
    assert bar.maximum() >= widths - table.viewport().width() - 2
    # The scroll bar takes no row: every row is in view above it.
    rows = sum(table.rowHeight(r) for r in range(table.rowCount()))
    assert table.viewport().height() >= rows


def test_a_wide_pane_shows_the_contributions_on_one_line_each_without_scrolling(
    qtbot: Any,
) -> None:
    _pane, tables = _shown(qtbot, _pension_contributions(), 1400)
    table = next(t for t in tables if t.columnCount() == 7)
    bar = table.horizontalScrollBar()
    assert bar is not None and bar.maximum() == 0 and not bar.isVisible()
    assert all(table.rowHeight(r) == table.rowHeight(0) for r in range(table.rowCount()))
    line = QFontMetrics(table.font()).lineSpacing()
    assert table.rowHeight(0) < 2 * line
