"""Typing over the number read from the ID card's chip (IDCARD.md typed fallback): the
typed text replaces the selection whole, and the form no longer shows the chip's data, its
photo or 已读取身份证芯片…请对照照片核对本人 — it is a typed document, which needs the clerk's
reason."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PyQt6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QWidget

from counter_app.services.idcheck import CheckMethod, IdDocumentKind
from counter_app.ui.id_chip import ChipCheck
from counter_app.ui.id_reader import IdCardStation
from tests.gui.pty_station import SSN, emulated_station

pytestmark = pytest.mark.gui

PAGES: list[QWidget] = []


@pytest.fixture
def station() -> Iterator[IdCardStation]:
    yield from emulated_station(polls=1)


def _read_form(qtbot: Any, station: IdCardStation) -> tuple[ChipCheck, QLineEdit]:
    page = QWidget()
    qtbot.addWidget(page)
    PAGES[:] = [page]
    form = QFormLayout(page)
    kinds = list(IdDocumentKind)
    kind, number = QComboBox(), QLineEdit()
    kind.addItems([k.value for k in kinds])
    form.addRow(kind)
    form.addRow(number)
    chip = ChipCheck(form, kind, kinds, number)
    page.show()
    assert station.place(SSN)
    chip.show_reading(station.read())
    assert chip.photo.isVisible() and "请对照照片核对本人" in chip.status.text()
    return chip, number


def test_select_all_and_typing_replaces_the_chip_number_whole(
    qtbot: Any, station: IdCardStation
) -> None:
    chip, number = _read_form(qtbot, station)
    number.setFocus()
    number.selectAll()
    qtbot.keyClicks(number, "500103")
    assert number.text() == "500103"  # not "00103": the first digit is kept
    qtbot.keyClicks(number, "196803150310")
    assert chip.full_number() == SSN


def test_a_typed_number_leaves_no_chip_read_on_screen(qtbot: Any, station: IdCardStation) -> None:
    chip, number = _read_form(qtbot, station)
    number.selectAll()
    qtbot.keyClicks(number, "5")
    assert chip.reading is None
    assert not chip.photo.isVisible() and chip.photo.pixmap().isNull()
    assert not chip.chip_text.isVisible() and chip.chip_text.text() == ""
    assert "已读取身份证芯片" not in chip.status.text()
    assert "请对照照片" not in chip.status.text()
    assert "人工录入" in chip.status.text() and "原因" in chip.status.text()
    assert chip.reason.isEnabled() and chip.reason.currentIndex() == -1  # the clerk chooses
    assert chip.document(SSN).method is CheckMethod.MANUAL
    assert chip.reason_missing()


def test_editing_inside_the_masked_number_empties_it_and_says_why(
    qtbot: Any, station: IdCardStation
) -> None:
    chip, number = _read_form(qtbot, station)
    number.end(False)
    qtbot.keyClicks(number, "1")  # 500***********03101: not a number anyone has
    assert number.text() == ""
    assert chip.reading is None and "完整的证件号码" in chip.status.text()
