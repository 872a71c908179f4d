"""The search pane: the search box, the holders found, and 核验证件并查看.

A view over the window's hit model (``RecordTableModel`` with :data:`HIT_COLUMNS`): it
shows the rows the window puts there and says which one is selected; the search itself and
the ID check run in the window (on pool threads, through the service interface).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PyQt6.QtCore import QModelIndex, QObject, Qt, pyqtSignal
from PyQt6.QtWidgets import QAbstractItemView, QPushButton, QTableView, QVBoxLayout, QWidget

from counter_app.presentation.holder_pages import hit_state
from counter_app.services.queries.holder import CardInfo, HolderHit
from counter_app.ui.i18n import tr
from counter_app.ui.item_models import RecordTableModel
from counter_app.ui.search import SearchBox
from counter_app.ui.table_keys import tab_leaves

#: What a clerk picks the right person by comes first (卡状态 was off the pane at the default
#: width): name, masked ID number, card state, card number; then gender and birth date.
HIT_COLUMNS = ["name", "ssn", "card_state", "card_number", "gender", "birth_date"]
#: The hit's card columns: both say :data:`NO_CARD_IN_USE` when the holder has no card in use.
CARD_COLUMNS = ("card_state", "card_number")
NO_CARD_IN_USE = "无在用卡"


class HitTableModel(RecordTableModel):
    """The hits in :data:`HIT_COLUMNS`; 卡状态 says 正常（已过期） for a card past its expiry
    date, as the holder header does once the holder is opened (``holder_pages.hit_state``)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(columns=HIT_COLUMNS, parent=parent)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and role == Qt.ItemDataRole.DisplayRole:
            column = self.columns[index.column()]
            hit = self.row_object(index.row())
            if isinstance(hit, HolderHit) and column in CARD_COLUMNS:
                if hit.card_number is None:
                    # The search joins only a card in use (正常, 挂失): a holder whose card
                    # was cancelled or replaced, or who never had one, has none — said,
                    # never a blank cell (孙建军, deceased, card cancelled).
                    return tr("search", NO_CARD_IN_USE)
                if column == "card_state":
                    return hit_state(hit)
        return super().data(index, role)

    def card_read(self, holder_id: int, card: CardInfo | None) -> None:
        """The holder's card as the service read it just now (the holder overview, read
        again after every workflow): the rows of that holder showing that card take its
        state and expiry, so 卡状态 says what a loss report, lift, replacement or PIN reset
        left (RULES L2-L4, R1). Only what the overview already carried: no new search, no
        new audited look-up. Rows of other holders, or of another card, stay as found."""
        if card is None:
            return
        for row, hit in enumerate(self._rows):
            if (
                isinstance(hit, HolderHit)
                and hit.holder_id == holder_id
                and hit.card_number == card.card_number
            ):
                self._rows[row] = replace(
                    hit,
                    card_state=card.state,
                    card_expiry_date=card.expiry_date,
                    card_expired=card.expired,
                )
                column = self.columns.index("card_state")
                cell = self.index(row, column)
                self.dataChanged.emit(cell, cell)


class SearchPane(QWidget):
    """``search(text)`` once the text validates; ``check_requested`` for the selected hit
    (Enter or double-click on a row, or the button)."""

    search = pyqtSignal(str)
    check_requested = pyqtSignal()

    def __init__(self, hits: RecordTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hits = hits
        self.box = SearchBox()
        self.box.search.connect(self.search)
        # Hits answer the text that was searched: once it is edited they are stale (an
        # invalid query must not leave the last holder selected and openable).
        self.box.edit.textEdited.connect(lambda _t: self.clear_hits())
        self.view = QTableView()
        self.view.setObjectName("hitTable")
        self.view.setModel(hits)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        tab_leaves(self.view)  # Tab goes on to 核验证件并查看; ↑↓ choose the holder
        self.view.verticalHeader().setVisible(False)  # type: ignore[union-attr]
        self.view.activated.connect(lambda _i: self.check_requested.emit())
        # A hit's 卡状态 follows the card after a workflow (``HitTableModel.card_read``):
        # its column grows with it (书面挂失 read 书… in a column fitted to 正常).
        hits.dataChanged.connect(self._fit_changed)
        self.open_button = QPushButton(self.tr("核验证件并查看 (Enter)"))
        self.open_button.clicked.connect(lambda _c=False: self.check_requested.emit())
        layout = QVBoxLayout(self)
        layout.addWidget(self.box)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.open_button)

    def _fit_changed(self, first: QModelIndex, last: QModelIndex, *_roles: Any) -> None:
        for column in range(first.column(), last.column() + 1):
            wide = self.view.sizeHintForColumn(column)
            if wide > self.view.columnWidth(column):
                self.view.setColumnWidth(column, wide)

    def set_tab_order(self) -> None:
        """Search box → hits → button (call once the pane sits in its window)."""
        QWidget.setTabOrder(self.box.edit, self.view)
        QWidget.setTabOrder(self.view, self.open_button)

    def clear_text(self) -> None:
        self.box.edit.clear()

    def focus_search(self) -> None:
        self.box.edit.setFocus()
        self.box.edit.selectAll()

    def clear_hits(self) -> None:
        if self.hits.rowCount():
            self.hits.set_rows([], HIT_COLUMNS)
        self.refresh()

    def no_hits(self, text: str, *, error: bool = False) -> None:
        """An empty result (无记录) or a refused search, said under the box."""
        self.clear_hits()
        self.box.show_outcome(text, error=error)

    def hits_shown(self) -> None:
        """After the window filled the model: fit the columns, select the first hit."""
        self.view.resizeColumnsToContents()
        if self.hits.rowCount() > 0:
            self.view.selectRow(0)
            self.view.setFocus()

    def selected_hit(self) -> HolderHit | None:
        rows = self.view.selectionModel().selectedRows()  # type: ignore[union-attr]
        hit = self.hits.row_object(rows[0].row()) if rows else None
        return hit if isinstance(hit, HolderHit) else None

    def refresh(self) -> None:
        self.open_button.setEnabled(self.hits.rowCount() > 0)
