"""Lays out one record page: its label/value blocks and its tables, nothing more.

What the page says — Chinese labels, decoded codes, ¥ amounts, Shanghai times, 无记录 —
is decided without Qt by :mod:`counter_app.presentation` (tested without a window); this
widget adds no wording of its own, so what the clerk reads is what those tests check.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from PyQt6.QtCore import QEvent, QModelIndex, QObject, QRect, QSize, Qt
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QScrollArea,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from counter_app.presentation import NO_RECORDS, Fields, NoPageFor, Page, Table, page_for
from counter_app.ui.table_keys import tab_leaves

log = logging.getLogger(__name__)

ROW_HEIGHT = 26
MAX_TABLE_ROWS = 12
#: Margins (px) inside a table's box and around the page's blocks.
_BOX_MARGIN = 4
_PAGE_MARGIN = 4


def _fields(block: Fields) -> QWidget:
    box = QGroupBox(block.title) if block.title else QWidget()
    form = QFormLayout(box)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
    for label, value in block.rows:
        text = QLabel(value)
        text.setTextFormat(Qt.TextFormat.PlainText)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        text.setWordWrap(True)
        if label:
            caption = QLabel(label + "：")
            caption.setTextFormat(Qt.TextFormat.PlainText)
            form.addRow(caption, text)
        else:
            form.addRow(text)
    return box


def _table(block: Table, no_records: str = NO_RECORDS, fills: bool = False) -> QWidget:
    """The block as a table as tall as its rows (up to ``MAX_TABLE_ROWS``), or, ``fills``,
    as tall as the room the page leaves it (all its rows when they fit)."""
    box = QGroupBox(block.title) if block.title else QWidget()
    inner = QVBoxLayout(box)
    # The table's width is what the pane leaves it: the style's 9–11 px on each side of
    # the box and the page took a column's worth from a narrow pane.
    inner.setContentsMargins(_BOX_MARGIN, _BOX_MARGIN, _BOX_MARGIN, _BOX_MARGIN)
    if not block.rows:
        empty = QLabel(no_records)
        empty.setObjectName("noRecords")
        inner.addWidget(empty)
        return box
    view = QTableWidget(len(block.rows), len(block.headers))
    view.setHorizontalHeaderLabels(list(block.headers))
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    tab_leaves(view)  # Tab goes on to the next control; the arrows walk the cells
    view.verticalHeader().setVisible(False)  # type: ignore[union-attr]
    view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    view.setItemDelegate(_KeepTogether(view))
    header = view.horizontalHeader()
    assert header is not None
    _ColumnsFit(view, fills)
    right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    for r, row in enumerate(block.rows):
        for c, cell in enumerate(row):
            item = QTableWidgetItem(cell)
            if c in block.numeric:
                item.setTextAlignment(right)
            view.setItem(r, c, item)
    rows = view.verticalHeader()
    assert rows is not None
    rows.setDefaultSectionSize(ROW_HEIGHT)
    if not fills:
        _fix_height(view)  # until it is laid out at its width (``_ColumnsFit``)
    inner.addWidget(view)
    return box


#: Runs of characters a line never breaks inside (a card number, a time, an amount):
#: everything but spaces and CJK, where a wrapped cell may break between any two.
#: A date written in Chinese breaks only after its year: "2015年" / "12月15日" (a trial's
#: screenshot had "2015年 / 12月15 / 日").
_UNBREAKABLE = re.compile(
    r"[0-9]+年|(?:[0-9]+[月日])+|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+"
)
#: WORD JOINER: no line break on either side, and nothing drawn.
_JOINER = "\u2060"


def kept_together(text: str) -> str:
    """``text`` with each unbreakable run (:data:`_UNBREAKABLE`) joined, so that a wrapped
    cell breaks only between runs: Qt's own line breaking put "2015年12月15" on one line
    and "日" on the next (a trial's 参保日期 read "1997年08月01 / 日")."""
    return _UNBREAKABLE.sub(lambda run: _JOINER.join(run.group()), text)


class _KeepTogether(QStyledItemDelegate):
    """Draws (and measures) each cell as :func:`kept_together` writes it; the item's text
    stays as the page has it."""

    def initStyleOption(
        self, option: QStyleOptionViewItem | None, index: QModelIndex
    ) -> None:  # Qt's name
        super().initStyleOption(option, index)
        if option is not None and option.text:
            option.text = kept_together(option.text)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # Qt's name
        """Tall enough for the text wrapped within :data:`_CELL_PADDING` of the column's
        width, whatever margins the style takes: a name that fits in two lines by one
        pixel in one style must not lose its third in another."""
        hint = super().sizeHint(option, index)
        text = index.data()
        if not isinstance(text, str) or option.rect.width() <= _CELL_PADDING:
            return hint
        room = QRect(0, 0, option.rect.width() - _CELL_PADDING, 100_000)
        wrap = Qt.TextFlag.TextWordWrap
        drawn = option.fontMetrics.boundingRect(room, wrap, kept_together(text))
        return QSize(hint.width(), max(hint.height(), drawn.height() + _CELL_PADDING // 2))


#: Room a cell needs beside its text (the item's margins and focus frame).
_CELL_PADDING = 12
#: A column is never narrower than this many Chinese characters (or its whole text, if
#: shorter): in a narrow pane 养老保险缴费记录's 缴费单位 wrapped to five lines of two
#: characters; the table scrolls sideways instead.
READABLE_CHARACTERS = 8
#: ...unless every column fits at this many: a table that scrolled sideways at the
#: window's first size hid its last columns (a trial: 工伤认定's 伤残等级, 全部卡片's
#: 卡规范版本, 参保情况's 缴费月数), which matter more than a name on one line fewer.
NARROW_CHARACTERS = 5


def _capped(natural: list[int], floors: list[int], room: int) -> list[int]:
    """Widths within ``room``: the widest columns give way first, each down to its floor
    (a level every column wider than it is cut to, found by bisection). Without room even
    for the floors, the floors."""
    low, high = 0, max(natural)
    while low < high:
        level = (low + high + 1) // 2
        if sum(max(f, min(n, level)) for n, f in zip(natural, floors, strict=True)) <= room:
            low = level
        else:
            high = level - 1
    return [max(f, min(n, low)) for n, f in zip(natural, floors, strict=True)]


class _ColumnsFit(QObject):
    """The columns fit the table's width. With room, each is as wide as its contents and
    the last fills the rest. Without (a new clerk's trial: 社会保险 and 全部卡片 cut off on
    the right at the window's first size), the widest columns give way and their cells
    wrap onto more lines — every text whole; each column keeps its header and its longest
    unbreakable run (a card number, a time) on one line, and is at least
    ``READABLE_CHARACTERS`` Chinese characters wide (or its contents, if narrower) — or
    ``NARROW_CHARACTERS`` when that keeps every column in view. When even those floors do
    not fit, the columns stay at their floors and the table scrolls sideways rather than
    wrap a company name to lines of two characters (a trial's narrow pane); its last
    column is never cut (it read "渝中区医疗保险…")."""

    def __init__(self, view: QTableWidget, fills: bool = False) -> None:
        super().__init__(view)
        self.view = view
        self.fills = fills  # its height is the layout's, not its rows'
        self._fitting = False
        viewport = view.viewport()
        if viewport is not None:
            viewport.installEventFilter(self)

    def eventFilter(self, watched: QObject | None, event: QEvent | None) -> bool:  # Qt's name
        if event is not None and event.type() == QEvent.Type.Resize and not self._fitting:
            self._fitting = True
            try:
                self.fit()
            finally:
                self._fitting = False
        return False

    def fit(self) -> None:
        view, header, viewport = self.view, self.view.horizontalHeader(), self.view.viewport()
        if header is None or viewport is None:
            return
        columns = range(view.columnCount())
        view.setWordWrap(False)  # the contents' one-line widths
        metrics = view.fontMetrics()
        natural = [
            max(
                [view.sizeHintForColumn(c), header.sectionSizeHint(c)]
                + [
                    metrics.horizontalAdvance(item.text()) + _CELL_PADDING
                    for r in range(view.rowCount())
                    if (item := view.item(r, c)) is not None
                ]
            )
            for c in columns
        ]
        room = viewport.width()
        runs = [
            max(
                [header.sectionSizeHint(c)]
                + [
                    metrics.horizontalAdvance(run) + _CELL_PADDING
                    for r in range(view.rowCount())
                    if (item := view.item(r, c)) is not None
                    for run in _UNBREAKABLE.findall(item.text())
                ]
            )
            for c in columns
        ]

        def floors_at(characters: int) -> list[int]:
            readable = metrics.horizontalAdvance("汉" * characters) + _CELL_PADDING
            # a column on one line needs no more than its natural width
            return [min(natural[c], max(runs[c], readable)) for c in columns]

        floors = floors_at(READABLE_CHARACTERS)
        if sum(floors) > room:  # every column in view beats the longer lines
            floors = floors_at(NARROW_CHARACTERS)
        wrapped = sum(natural) > room
        if wrapped:
            widths = _capped(natural, floors, room)
            view.setWordWrap(True)
        else:  # the last column fills the rest (Qt's own stretch keeps it 100 px at least)
            widths = natural[:-1] + [room - sum(natural[:-1])]
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for c, width in enumerate(widths):
            header.resizeSection(c, width)
        rows = view.verticalHeader()
        if rows is not None:
            if wrapped:
                view.resizeRowsToContents()
                for r in range(view.rowCount()):
                    rows.resizeSection(r, max(rows.sectionSize(r), ROW_HEIGHT))
            else:
                for r in range(view.rowCount()):
                    rows.resizeSection(r, ROW_HEIGHT)
        if not self.fills:
            _fix_height(view, scrolls=sum(floors) > room)


def _fix_height(view: QTableWidget, scrolls: bool = True) -> None:
    """As tall as its rows (up to MAX_TABLE_ROWS, then it scrolls): a short table must not
    stretch into an empty box, a long one must not push the next table off the page;
    room for the sideways scroll bar when it may scroll sideways."""
    header, rows = view.horizontalHeader(), view.verticalHeader()
    assert header is not None and rows is not None
    shown = min(view.rowCount(), MAX_TABLE_ROWS)
    height = header.sizeHint().height() + 2 * view.frameWidth()
    height += sum(rows.sectionSize(r) for r in range(shown))
    scrollbar = view.horizontalScrollBar()
    if scrolls and scrollbar is not None:
        height += scrollbar.sizeHint().height()
    view.setFixedHeight(height)


class RecordView(QScrollArea):
    """A scrollable record page (or a message while it loads or when it failed).

    ``fill_last_table``: a page ending in a table gives it the rest of the view (a look-up
    window's result list); otherwise every table is as tall as its rows, up to
    ``MAX_TABLE_ROWS`` (the catalogue's 14 rows showed 12 in a box of their own with half
    the window empty under it)."""

    def __init__(self, parent: QWidget | None = None, fill_last_table: bool = False) -> None:
        super().__init__(parent)
        self.fill_last_table = fill_last_table
        self.setWidgetResizable(True)
        self._body = QWidget()
        self._layout = QVBoxLayout(self._body)
        self._layout.setContentsMargins(_PAGE_MARGIN, _PAGE_MARGIN, _PAGE_MARGIN, _PAGE_MARGIN)
        self.setWidget(self._body)
        #: The page on show (None while a message is shown).
        self.page: Page | None = None

    def clear(self) -> None:
        while self._layout.count():
            item = self._layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.setParent(None)
                widget.deleteLater()
        self.page = None

    def show_message(self, text: str) -> None:
        self.clear()
        message = QLabel(text)
        message.setWordWrap(True)
        self._layout.addWidget(message)
        self._layout.addStretch(1)

    def show_record(self, record: Any) -> None:
        """Show the designed page of a read model the services returned (a read model
        without one is a programming error: logged, and the clerk told it cannot be shown)."""
        try:
            page = page_for(record)
        except NoPageFor:
            log.exception("no record page for %s", type(record).__name__)
            self.show_message(self.tr("此记录无法显示，请联系系统管理员。"))
            return
        self.show_page(page)

    def show_page(self, page: Page) -> None:
        self.clear()
        self.page = page
        last = len(page.blocks) - 1
        filled = False
        for at, block in enumerate(page.blocks):
            if isinstance(block, Fields):
                self._layout.addWidget(_fields(block))
                continue
            fills = self.fill_last_table and at == last and bool(block.rows)
            self._layout.addWidget(_table(block, self.tr("无记录"), fills), 1 if fills else 0)
            filled = filled or fills
        if not filled:
            self._layout.addStretch(1)

    def shown_texts(self) -> list[str]:
        """Every text the clerk can read on this page (labels, group titles, headers, cells)."""
        out: list[str] = []
        for label in self._body.findChildren(QLabel):
            out.append(label.text().removesuffix("："))
        for box in self._body.findChildren(QGroupBox):
            out.append(box.title())
        for view in self._body.findChildren(QTableWidget):
            for c in range(view.columnCount()):
                head = view.horizontalHeaderItem(c)
                out.append(head.text() if head is not None else "")
                for r in range(view.rowCount()):
                    item = view.item(r, c)
                    out.append(item.text() if item is not None else "")
        return [t for t in out if t]
