"""Shows any record the services return: its plain fields as 项目/内容, its lists as tables.

The read models are plain dataclasses (issue 4 item 2); this view needs no knowledge of
each one, so a new field in a read model appears without a UI change.
"""

from __future__ import annotations

from typing import Any

from PyQt6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from counter_app.ui.models import (
    FieldsModel,
    RecordTableModel,
    fields_of,
    is_record,
    is_table,
    label,
    value_of,
)


def _table(model: Any) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.verticalHeader().setVisible(False)  # type: ignore[union-attr]
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)  # type: ignore[union-attr]
    view.horizontalHeader().setStretchLastSection(True)  # type: ignore[union-attr]
    return view


class RecordView(QScrollArea):
    """A scrollable page for one record (or a list of records)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self._body = QWidget()
        self._layout = QVBoxLayout(self._body)
        self.setWidget(self._body)
        self.models: list[Any] = []

    def clear(self) -> None:
        while self._layout.count():
            item = self._layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.setParent(None)
                widget.deleteLater()
        self.models = []

    def show_message(self, text: str) -> None:
        self.clear()
        message = QLabel(text)
        message.setWordWrap(True)
        self._layout.addWidget(message)
        self._layout.addStretch(1)

    def show_record(self, record: Any) -> None:
        self.clear()
        if is_table(record):
            self._add_table("", record)
        elif is_record(record):
            self._add_record(record)
        elif isinstance(record, (list, tuple)) and not record:
            self._layout.addWidget(QLabel(self.tr("无记录")))
        else:
            self._layout.addWidget(QLabel(str(record)))
        self._layout.addStretch(1)

    def _add_record(self, record: Any, depth: int = 0) -> None:
        scalars = FieldsModel(record)
        if scalars.rowCount():
            view = _table(scalars)
            view.horizontalHeader().setVisible(False)  # type: ignore[union-attr]
            view.setMinimumHeight(min(30 * scalars.rowCount() + 8, 400))
            self.models.append(scalars)
            self._layout.addWidget(view)
        for name in fields_of(record):
            value = value_of(record, name)
            if is_table(value):
                self._add_table(label(name), value)
            elif is_record(value) and depth < 2:
                box = QLabel(f"<b>{label(name)}</b>")
                self._layout.addWidget(box)
                self._add_record(value, depth + 1)
            elif isinstance(value, (list, tuple)) and not value:
                self._layout.addWidget(QLabel(f"<b>{label(name)}</b>：" + self.tr("无记录")))

    def _add_table(self, title: str, rows: Any) -> None:
        model = RecordTableModel(rows)
        self.models.append(model)
        box = QGroupBox(title)
        inner = QVBoxLayout(box)
        view = _table(model)
        view.setMinimumHeight(min(30 * (len(rows) + 1) + 8, 360))
        inner.addWidget(view)
        self._layout.addWidget(box)
