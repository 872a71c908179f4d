"""Typing an ID document at the counter as a clerk does: the number, and the reason the chip
was not read chosen explicitly from the list (IDCARD.md typed fallback; the list starts
with nothing chosen)."""

from __future__ import annotations

from typing import Any

from PyQt6.QtWidgets import QComboBox

from counter_app.services.idcheck import ManualReason
from counter_app.ui.id_chip import MANUAL_REASONS


def choose_reason(field: Any, reason: ManualReason = ManualReason.NO_READER) -> None:
    """Pick ``reason`` in the manual-reason list of the dialog that holds ``field``."""
    combo = field.window().findChild(QComboBox, "manualReason")
    assert combo is not None, "no manual-reason list beside this number field"
    combo.setCurrentIndex(MANUAL_REASONS.index(reason))


def type_number(
    qtbot: Any, field: Any, number: str, reason: ManualReason = ManualReason.NO_READER
) -> None:
    """Type ``number`` into ``field`` key by key and choose the reason for typing it."""
    field.clear()
    qtbot.keyClicks(field, number)
    choose_reason(field, reason)
