"""The print and save dialogs are modal to the clerk's window only (RULES E2): ``exec()``
made them application-modal, which froze the holder's own window on the second screen —
the holder rates while the clerk prints the access slip, and their taps went unheard until
the print dialog closed (a trial left it open into 未评价)."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtPrintSupport import QPrintDialog
from PyQt6.QtWidgets import QFileDialog, QWidget

from counter_app.ui import printing
from counter_app.ui.tasks import TaskRunner

pytestmark = pytest.mark.gui


def _recording(seen: list[Qt.WindowModality]) -> Any:
    def exec_(self: QWidget) -> int:
        seen.append(self.windowModality())
        return 0  # cancelled

    return exec_


def test_E2_print_dialog_leaves_the_holder_window_usable(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[Qt.WindowModality] = []
    monkeypatch.setattr(QPrintDialog, "exec", _recording(seen))
    clerk = QWidget()
    qtbot.addWidget(clerk)
    form = printing.FormPrinter(b"%PDF-", "个人信息查阅告知单", runner=TaskRunner(), parent=clerk)
    form.images = []  # the pages are drawn (none needed to open the dialog)
    form.print_now()
    assert seen == [Qt.WindowModality.WindowModal]


def test_E2_save_dialog_leaves_the_holder_window_usable(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[Qt.WindowModality] = []
    monkeypatch.setattr(QFileDialog, "exec", _recording(seen))
    clerk = QWidget()
    qtbot.addWidget(clerk)
    assert printing.ask_save_path(clerk, "告知单.pdf") == ""
    assert seen == [Qt.WindowModality.WindowModal]
