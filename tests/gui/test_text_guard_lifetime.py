"""A guarded editable list (查询事由, 补打原因) keeps its guard for as long as the list
lives (the input policy, validation.text_policy): the guard hung on the list's line edit,
which Qt made, and went with that edit's Python wrapper at the next garbage collection — a
pasted direction control then stayed in the field."""

from __future__ import annotations

import gc
from typing import Any

import pytest
from PyQt6.QtWidgets import QComboBox, QLineEdit

from counter_app.ui.text_guard import guard_text

pytestmark = pytest.mark.gui

RLO = "\u202e"


def test_an_editable_lists_guard_outlives_a_garbage_collection(qtbot: Any) -> None:
    combo = QComboBox()
    combo.setEditable(True)
    qtbot.addWidget(combo)
    said: list[str] = []
    guard_text(combo, "查询事由", said.append)
    gc.collect()
    combo.setEditText(f"家属{RLO}查询")
    assert combo.currentText() == "家属查询"
    assert len(said) == 1 and "「查询事由」" in said[0] and "文字方向控制符" in said[0]


def test_a_line_edits_guard_outlives_a_garbage_collection(qtbot: Any) -> None:
    edit = QLineEdit()
    qtbot.addWidget(edit)
    said: list[str] = []
    guard_text(edit, "工号", said.append)
    gc.collect()
    edit.setText(f"A{RLO}001")
    assert edit.text() == "A001" and len(said) == 1
