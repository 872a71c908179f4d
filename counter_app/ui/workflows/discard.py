"""Leaving a workflow the clerk has put work into: 确认放弃本次办理？ (from a new clerk's
trial: Esc silently dropped a 解除挂失 right after the supervisor had approved it).

``watch_entries`` notices the clerk's own typing and choosing on a page; ``ask_discard``
asks, with 继续办理 as the default for Enter and Esc.
"""

from __future__ import annotations

from collections.abc import Callable

from PyQt6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QWidget,
)

#: Asked before a workflow with typed data or a given approval is dropped (Esc, 取消, ×).
CONFIRM_DISCARD = "确认放弃本次办理？"


def watch_entries(page: QWidget | None, entered: Callable[[], None]) -> None:
    """``entered()`` on the clerk's own typing and choosing on ``page`` — signals a
    program's ``setText`` does not send, so a chip read into a field alone does not count.
    Each field is watched once, however often its page is shown."""
    if page is None:
        return
    for field in [page, *page.findChildren(QWidget)]:
        if field.property("entryWatched"):
            continue
        field.setProperty("entryWatched", True)
        if isinstance(field, QLineEdit):
            field.textEdited.connect(entered)
        elif isinstance(field, QComboBox):
            field.activated.connect(entered)
        elif isinstance(field, QAbstractButton):
            field.clicked.connect(entered)
        elif isinstance(field, QPlainTextEdit):
            field.textChanged.connect(entered)
        elif isinstance(field, QAbstractSpinBox):
            field.editingFinished.connect(entered)


def ask_discard(
    dialog: QWidget,
    drop: Callable[[], None],
    question: str,
    consequence: str,
    drop_label: str,
    keep_label: str,
) -> QMessageBox:
    """Ask ``question`` (e.g. 确认放弃本次办理？, all wording translated by the caller) over
    ``dialog`` (window-modal, no nested event loop); ``drop()`` only on ``drop_label``,
    ``keep_label`` the default for Enter and Esc. Returns the open box."""
    box = QMessageBox(dialog)
    box.setObjectName("confirmDiscardBox")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(dialog.windowTitle())
    box.setText(question)
    box.setInformativeText(consequence)
    # Qt's own name for that label: wide enough for the sentence on one or two lines
    # (it wrapped to four narrow lines under Xvfb).
    box.setStyleSheet("QLabel#qt_msgbox_informativelabel { min-width: 320px; }")
    dropping = box.addButton(drop_label, QMessageBox.ButtonRole.DestructiveRole)
    keep = box.addButton(keep_label, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)

    def answered(_result: int) -> None:
        if box.clickedButton() is dropping:
            drop()

    box.finished.connect(answered)
    box.open()
    return box
