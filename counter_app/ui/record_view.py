"""Lays out one record page: its label/value blocks and its tables, nothing more.

What the page says — Chinese labels, decoded codes, ¥ amounts, Shanghai times, 无记录 —
is decided without Qt by :mod:`counter_app.presentation` (tested without a window); this
widget adds no wording of its own, so what the clerk reads is what those tests check.
"""

from __future__ import annotations

import logging
from typing import Any

from PyQt6.QtCore import QEvent, QObject, Qt
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from counter_app.presentation import NO_RECORDS, Fields, NoPageFor, Page, Table, page_for

log = logging.getLogger(__name__)

ROW_HEIGHT = 26
MAX_TABLE_ROWS = 12


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


def _table(block: Table, no_records: str = NO_RECORDS) -> QWidget:
    box = QGroupBox(block.title) if block.title else QWidget()
    inner = QVBoxLayout(box)
    if not block.rows:
        empty = QLabel(no_records)
        empty.setObjectName("noRecords")
        inner.addWidget(empty)
        return box
    view = QTableWidget(len(block.rows), len(block.headers))
    view.setHorizontalHeaderLabels(list(block.headers))
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.verticalHeader().setVisible(False)  # type: ignore[union-attr]
    header = view.horizontalHeader()
    assert header is not None
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    _LastColumnWhole(view)
    right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    for r, row in enumerate(block.rows):
        for c, cell in enumerate(row):
            item = QTableWidgetItem(cell)
            if c in block.numeric:
                item.setTextAlignment(right)
            view.setItem(r, c, item)
    # As tall as its rows (up to MAX_TABLE_ROWS, then it scrolls): a short table must not
    # stretch into an empty box, a long one must not push the next table off the page.
    rows = view.verticalHeader()
    assert rows is not None
    rows.setDefaultSectionSize(ROW_HEIGHT)
    shown = min(len(block.rows), MAX_TABLE_ROWS)
    height = header.sizeHint().height() + ROW_HEIGHT * shown + 2 * view.frameWidth()
    scrollbar = view.horizontalScrollBar()
    view.setFixedHeight(height + (scrollbar.sizeHint().height() if scrollbar else 0))
    inner.addWidget(view)
    return box


class _LastColumnWhole(QObject):
    """The last column fills a wide table but is never cut below its contents: stretched
    in a narrow middle column it read "渝中区医疗保险…" (the table scrolls instead)."""

    def __init__(self, view: QTableWidget) -> None:
        super().__init__(view)
        self.view = view
        viewport = view.viewport()
        if viewport is not None:
            viewport.installEventFilter(self)

    def eventFilter(self, watched: QObject | None, event: QEvent | None) -> bool:  # Qt's name
        if event is not None and event.type() == QEvent.Type.Resize:
            view, header = self.view, self.view.horizontalHeader()
            viewport = view.viewport()
            if header is not None and viewport is not None:
                needed = sum(
                    max(view.sizeHintForColumn(c), header.sectionSizeHint(c))
                    for c in range(view.columnCount())
                )
                header.setStretchLastSection(needed <= viewport.width())
        return False


class RecordView(QScrollArea):
    """A scrollable record page (or a message while it loads or when it failed)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self._body = QWidget()
        self._layout = QVBoxLayout(self._body)
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
        for block in page.blocks:
            if isinstance(block, Fields):
                self._layout.addWidget(_fields(block))
            else:
                self._layout.addWidget(_table(block, self.tr("无记录")))
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
