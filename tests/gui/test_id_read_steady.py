"""读取身份证 stays where the clerk clicked it, and a read takes no text of the form (new
clerk's trial, 核验身份证件): the button moved down ~17 px as the message beside it wrapped
to four lines (a click where it had been missed), and while reading the keyboard jumped to
查询原因 with its text selected — typing replaced the reason."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PyQt6.QtCore import QPoint, Qt
from PyQt6.QtTest import QTest
from PyQt6.QtWidgets import QApplication, QWidget

from counter_app.ui.id_check import IdCheckDialog
from counter_app.ui.id_reader import IdCardStation
from tests.gui.test_id_read_wait import HeldPool, _dialog, _station
from tests.reader.idcard.fakepause import FakePause

pytestmark = pytest.mark.gui


@pytest.fixture
def station() -> Iterator[IdCardStation]:
    made = _station(FakePause())
    yield made
    made.close()


def _top(widget: QWidget, dialog: IdCheckDialog) -> int:
    return widget.mapTo(dialog, QPoint(0, 0)).y()


def _click(button: QWidget) -> None:
    """As the mouse does: the button takes the keyboard, then clicks."""
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)


def test_reading_leaves_the_reason_alone_and_keeps_the_keyboard_on_the_button(
    qtbot: Any, station: IdCardStation
) -> None:
    pool = HeldPool()
    dialog = _dialog(qtbot, station, pool)
    chip, reason = dialog.chip, dialog.reason_box.lineEdit()
    assert reason is not None and reason.text()  # 持卡人本人到窗口查询, already in
    _click(chip.read_button)
    assert chip.waiting.active()
    assert QApplication.focusWidget() is chip.waiting.button  # Enter/Space/Esc: 取消读取
    assert not reason.hasSelectedText()
    qtbot.keyClick(chip.waiting.button, Qt.Key.Key_Escape)  # the wait stopped
    assert not chip.waiting.active()
    assert QApplication.focusWidget() is chip.read_button  # back where it was, to read again
    assert not reason.hasSelectedText()


def test_the_read_button_stays_put_while_the_message_beside_it_changes(
    qtbot: Any, station: IdCardStation
) -> None:
    pool = HeldPool()
    dialog = _dialog(qtbot, station, pool)
    dialog.resize(480, dialog.height())  # narrow: the messages wrap to several lines
    QApplication.processEvents()
    chip = dialog.chip
    before = _top(chip.read_button, dialog)
    chip.read_button.click()
    QApplication.processEvents()
    assert _top(chip.waiting.button, dialog) == before  # 取消读取 in its very place
    pool.answer_next()  # nobody places a card: the wait runs out, four lines say so
    QApplication.processEvents()
    QApplication.processEvents()
    status = chip.status
    assert "阅读器上仍没有身份证" in status.text()
    assert status.height() > 2 * status.fontMetrics().lineSpacing()  # it did wrap
    assert _top(chip.read_button, dialog) == before
