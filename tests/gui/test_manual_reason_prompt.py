"""The 人工录入原因 list asks for a choice and looks like it can be used (IDCARD.md typed
fallback; RULES Q7): its prompt 请选择原因 is drawn like ordinary text while the list is
enabled — a new clerk took the dimmed placeholder for a disabled list — and 确定 is still
refused until a real reason is chosen (the service decides: ``ManualReasonRequired``)."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtGui import QColor, QPalette
from PyQt6.QtWidgets import QApplication, QComboBox, QDialogButtonBox

from counter_app.services.errors import ManualReasonRequired
from counter_app.services.idcheck import ManualReason
from counter_app.ui.id_chip import MANUAL_REASONS
from tests.gui.fakes import SSN

pytestmark = pytest.mark.gui


def _darkest(combo: QComboBox) -> int:
    """The darkest grey level drawn in the list's text area (left of the arrow)."""
    QApplication.processEvents()
    image = combo.grab().toImage()
    width, height = image.width(), image.height()
    levels = [
        QColor(image.pixel(x, y)).lightness()
        for x in range(4, width * 2 // 3)
        for y in range(3, height - 3)
    ]
    return min(levels)


def _open_dialog(window: Any) -> Any:
    window.search_pane.box.edit.setText(SSN)
    window.search_pane.box.button.click()
    window.check_id_for_hit()
    dialog = window.id_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def test_the_reason_list_is_enabled_and_shows_its_prompt_as_plain_text(window: Any) -> None:
    combo = _open_dialog(window).chip.reason
    assert combo.isEnabled() and combo.currentIndex() == -1
    assert combo.placeholderText() == "请选择原因"
    palette = combo.palette()
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        assert palette.color(group, QPalette.ColorRole.PlaceholderText) == palette.color(
            group, QPalette.ColorRole.ButtonText
        )
    enabled = _darkest(combo)
    combo.setEnabled(False)  # after a chip read: then it is dimmed, and should look it
    disabled = _darkest(combo)
    combo.setEnabled(True)
    assert enabled < disabled


def test_ok_is_refused_until_a_reason_is_chosen(window: Any, gateway: Any) -> None:
    dialog = _open_dialog(window)
    dialog.number.setText(SSN)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.click()
    assert dialog.isVisible() and window.holder.session is None
    assert dialog.error.text() == ManualReasonRequired.message
    assert not [c for c in gateway.calls if c[0] == "open_id_session"]
    dialog.chip.reason.setCurrentIndex(MANUAL_REASONS.index(ManualReason.NO_READER))
    ok.click()
    assert window.id_dialog is None and window.holder.session is not None
    name, args = gateway.calls[-1]
    assert name == "open_id_session" and args[1].manual_reason is ManualReason.NO_READER
