"""The red refusal under a date field is read whole: a two-line note ("日期“2026-13-45”不是有效
日期，请按 年-月-日 输入整个日期…") showed only the middle of both lines in the 业务日报 dialog
(new clerk's trial) — the field's row kept the height of the field alone."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtCore import QPoint
from PyQt6.QtTest import QTest
from PyQt6.QtWidgets import QApplication

from counter_app.ui.supervisor import DAILY, ReportDialog

pytestmark = pytest.mark.gui


@pytest.mark.parametrize("typed", ["2026-13-45", "2026-02-30"])
def test_a_wrapped_date_refusal_is_shown_whole(qtbot: Any, window: Any, typed: str) -> None:
    dialog = ReportDialog(DAILY, window.actor, window.runner, lambda *_a: b"", window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    field = dialog.day
    field.edit.setFocus()
    field.edit.selectAll()
    QTest.keyClicks(field.edit, typed)
    field.edit.editingFinished.emit()  # as Tab or Enter does
    note = field.note
    qtbot.waitUntil(note.isVisible)
    QApplication.processEvents()
    QApplication.processEvents()
    needed = note.heightForWidth(note.width())
    assert needed > note.fontMetrics().lineSpacing() * 1.5  # it does wrap: two lines or more
    assert note.height() >= needed  # every line, not half of each
    bottom = note.mapTo(dialog, QPoint(0, note.height()))
    assert bottom.y() <= dialog.height()  # and within the dialog
    # the next row is below the note, not over it
    below = dialog.scope.mapTo(dialog, QPoint(0, 0))
    assert below.y() >= bottom.y()
