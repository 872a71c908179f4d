"""A long status-bar message stays readable (new clerk's trial: 该卡密码已锁定… was cut off
mid-sentence against 工作人员：…). While a message is up the permanent widgets keep their
places — the 排队号 field had grown into the room the hidden reader line left — and a
message longer than its room ends in "…" with the whole text in its tooltip."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtCore import QEvent, QPoint
from PyQt6.QtGui import QHelpEvent
from PyQt6.QtWidgets import QApplication, QToolTip

from counter_app.services.errors import CardReplaced, PinBlockedOfferReset

pytestmark = pytest.mark.gui


def test_a_long_message_keeps_its_room_and_reads_whole_in_its_tooltip(counter: Any) -> None:
    c = counter("YB500103-01")
    w = c.window
    w.resize(1540, 820)
    QApplication.processEvents()
    bar = w.status_bar
    staff_at = bar.staff_label.x()
    long_text = PinBlockedOfferReset.message + CardReplaced.message  # wider than any bar
    w.show_message(long_text)
    QApplication.processEvents()
    assert bar.currentMessage() == long_text
    # The staff text stays where it was: the message has the room up to it.
    assert bar.staff_label.x() == staff_at
    room = bar.message_rect()
    assert room.right() < bar.staff_label.x() and room.width() > staff_at // 2
    shown = bar.shown_message()
    assert shown.endswith("…") and long_text.startswith(shown[:-1])
    assert bar.fontMetrics().horizontalAdvance(shown) <= room.width()
    # Hovering the message shows it whole.
    at = QPoint(room.left() + 20, room.center().y())
    QApplication.sendEvent(bar, QHelpEvent(QEvent.Type.ToolTip, at, bar.mapToGlobal(at)))
    assert QToolTip.text() == long_text
    QToolTip.hideText()
    # A message that fits is drawn whole.
    w.show_message("社保卡已拔出，本次查询已结束。")
    assert bar.shown_message() == "社保卡已拔出，本次查询已结束。"
