"""The search's hit list says 无在用卡 in 卡状态 and 卡号 for a holder with no card in use
(a card cancelled or replaced: the search joins only a card in use, RULES Q7) — a blank cell
left the clerk guessing (孙建军, deceased, card cancelled); screens never show an empty value
bare."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PyQt6.QtCore import Qt

from counter_app.services.queries.holder import HolderHit
from counter_app.ui.search_pane import HIT_COLUMNS, HitTableModel

pytestmark = pytest.mark.gui

NO_CARD = HolderHit(9, "孙建军", "500***********0591", "1", dt.date(1978, 8, 8), None, None)
WITH_CARD = HolderHit(
    1, "王建国", "500***********0310", "1", dt.date(1968, 3, 15), "A12424866", "active",
    dt.date(2030, 6, 1), False,
)  # fmt: skip


def _cell(model: HitTableModel, row: int, column: str) -> Any:
    index = model.index(row, HIT_COLUMNS.index(column))
    return model.data(index, Qt.ItemDataRole.DisplayRole)


def test_Q7_hit_without_a_card_in_use_says_so_in_both_card_columns(qtbot: Any) -> None:
    model = HitTableModel()
    model.set_rows([NO_CARD, WITH_CARD], HIT_COLUMNS)
    assert _cell(model, 0, "card_state") == "无在用卡"
    assert _cell(model, 0, "card_number") == "无在用卡"
    assert _cell(model, 0, "name") == "孙建军"
    # a card in use keeps its decoded state and masked number
    assert _cell(model, 1, "card_state") == "正常"
    number = _cell(model, 1, "card_number")
    assert number not in ("", "无在用卡", "A12424866") and number.startswith("A")
