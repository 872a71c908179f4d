"""The holder search's hit list says what the holder header says of an expired card:
卡状态 正常（已过期） (a new clerk's trial read 正常 in the hit list of 周国华, whose card expired
on 2025-02-28, and 正常（已过期） in the header once he was opened). Only what is shown
changes: the hit keeps the card's state, which the rules decide by."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from PyQt6.QtCore import Qt

from counter_app.ui.search_pane import HIT_COLUMNS, HitTableModel
from tests.gui.fakes import SSN, FakeServices

pytestmark = pytest.mark.gui

STATE_COLUMN = HIT_COLUMNS.index("card_state")


def _state_shown(model: Any, row: int = 0) -> str:
    return str(model.data(model.index(row, STATE_COLUMN)))


def test_hit_model_marks_an_expired_card_and_only_that_one() -> None:
    fresh = FakeServices().hit
    expired = dataclasses.replace(fresh, holder_id=8, card_expired=True)
    lost = dataclasses.replace(fresh, holder_id=9, card_state="lost", card_expired=True)
    no_card = dataclasses.replace(fresh, holder_id=10, card_number=None, card_state=None)
    model = HitTableModel()
    model.set_rows([fresh, expired, lost, no_card], HIT_COLUMNS)
    shown = [_state_shown(model, r) for r in range(4)]
    assert shown == ["正常", "正常（已过期）", "书面挂失（已过期）", "无在用卡"]
    assert model.row_object(1).card_state == "active"  # the state itself is unchanged


def test_window_hit_list_says_expired_like_the_header(window: Any, gateway: Any) -> None:
    gateway.card_expired_value = True
    window.search_pane.box.edit.setText(SSN)
    window.search_pane.box.button.click()
    assert window.hits.rowCount() == 1
    assert window.hits.headerData(STATE_COLUMN, Qt.Orientation.Horizontal) == "卡状态"
    assert _state_shown(window.hits) == "正常（已过期）"
    assert window.search_pane.selected_hit().card_state == "active"


def test_state_column_grows_when_a_workflow_changes_the_card(window: Any, gateway: Any) -> None:
    """After 书面挂失 the hit's 卡状态 reads 书面挂失 in a column fitted to 正常: it read 书…
    (trial under Xvfb). The column grows with the state the overview brings."""
    window.search_pane.box.edit.setText(SSN)
    window.search_pane.box.button.click()
    view = window.search_pane.view
    fitted = view.columnWidth(STATE_COLUMN)
    hit = window.search_pane.selected_hit()
    gateway.card_state_value = "lost"
    card = gateway.overview(window.actor, None).card
    assert card.card_number == hit.card_number
    window.hits.card_read(hit.holder_id, card)
    assert _state_shown(window.hits).startswith("书面挂失")
    assert view.columnWidth(STATE_COLUMN) > fitted
    assert view.columnWidth(STATE_COLUMN) >= view.sizeHintForColumn(STATE_COLUMN)
