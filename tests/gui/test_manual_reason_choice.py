"""The manual-reason list of an ID-document form starts with nothing chosen (placeholder
请选择原因): the clerk picks the reason the chip was not read (IDCARD.md typed fallback);
a number typed without one reaches the ID check without a reason and is refused there."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QWidget

from counter_app.services.errors import ManualReasonRequired
from counter_app.services.idcheck import (
    CheckMethod,
    IdDocumentKind,
    ManualReason,
    check_document,
)
from counter_app.ui.id_chip import MANUAL_REASONS, ChipCheck

SSN = "500103196803150310"
PAGES: list[QWidget] = []


class _Holder:
    ssn = SSN
    name = "王建国"


def _form(qtbot: Any) -> tuple[ChipCheck, QLineEdit]:
    page = QWidget()
    qtbot.addWidget(page)
    form = QFormLayout(page)
    kinds = list(IdDocumentKind)
    kind, number = QComboBox(), QLineEdit()
    kind.addItems([k.value for k in kinds])
    form.addRow(kind)
    form.addRow(number)
    PAGES[:] = [page]  # the widgets live as long as the test
    return ChipCheck(form, kind, kinds, number), number


def test_no_reason_is_chosen_for_the_clerk(qtbot: Any) -> None:
    chip, number = _form(qtbot)
    assert chip.reason.currentIndex() == -1
    assert chip.reason.placeholderText() == "请选择原因"
    qtbot.keyClicks(number, SSN)
    typed = chip.document(SSN)
    assert typed.method is CheckMethod.MANUAL and typed.manual_reason is None
    with pytest.raises(ManualReasonRequired):
        check_document(_Holder(), typed)


def test_the_reason_the_clerk_chooses_is_sent(qtbot: Any) -> None:
    chip, number = _form(qtbot)
    qtbot.keyClicks(number, SSN)
    chip.reason.setCurrentIndex(MANUAL_REASONS.index(ManualReason.CHIP_UNREADABLE))
    typed = chip.document(SSN)
    assert typed.manual_reason is ManualReason.CHIP_UNREADABLE
    check_document(_Holder(), typed)
