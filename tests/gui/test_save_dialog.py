"""The save-as-PDF dialog opens in the user's documents folder (not the program's folder)
and speaks Chinese in every column (``qtbase_zh_CN`` leaves "Folder" in English)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PyQt6.QtCore import QDir, QFileInfo, QStandardPaths, Qt
from PyQt6.QtPrintSupport import QPrintPreviewWidget
from PyQt6.QtWidgets import QFileDialog

from counter_app.ui.printing import FILE_COLUMNS, FormPrinter, documents_folder, save_dialog

pytestmark = pytest.mark.gui


def test_save_dialog_opens_in_documents_not_the_program_folder(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the program's folder
    dialog = save_dialog(None, "挂失登记表.pdf")
    qtbot.addWidget(dialog)
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    expected = documents if documents and Path(documents).is_dir() else QDir.homePath()
    assert documents_folder() == expected
    opened = Path(dialog.directory().absolutePath()).resolve()
    assert opened == Path(expected).resolve()
    assert opened != tmp_path.resolve()
    assert dialog.testOption(QFileDialog.Option.DontUseNativeDialog)


def test_save_dialog_columns_and_types_are_chinese(qtbot: Any, tmp_path: Path) -> None:
    dialog = save_dialog(None, "x.pdf")
    qtbot.addWidget(dialog)
    model = dialog.proxyModel()
    assert model is not None
    headers = [model.headerData(i, Qt.Orientation.Horizontal) for i in range(4)]
    assert headers == list(FILE_COLUMNS)
    provider = dialog.iconProvider()
    assert provider is not None
    assert provider.type(QFileInfo(str(tmp_path))) == "文件夹"
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    assert provider.type(QFileInfo(str(pdf))) == "PDF 文件"


def test_print_preview_opens_fit_to_width(qtbot: Any, runner: Any) -> None:
    printer = FormPrinter(b"%PDF-1.4", "日报表", runner, None)
    preview = printer.make_preview()
    qtbot.addWidget(preview)
    preview.show()
    qtbot.waitExposed(preview)
    view = preview.findChild(QPrintPreviewWidget)
    assert view is not None
    assert view.zoomMode() is QPrintPreviewWidget.ZoomMode.FitToWidth
