"""The workstation's ID card reader (IDCARD.md) as the screens use it: a read over a real
pseudo-terminal against the emulator gives the service's chip document and a decoded
portrait that is wiped when released; the ID form's 读取身份证 rows send the chip's document,
or the typed number with its reason; the portrait leaves memory when the check ends."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QWidget

from counter_app.services.idcheck import CheckMethod, IdDocumentKind, ManualReason
from counter_app.ui.id_chip import MANUAL_REASONS, ChipCheck, portrait_pixmap
from counter_app.ui.id_reader import IdCardStation
from reader.idcard.errors import NoIdCard
from reader.idcard.photo import PhotoDecodeError, Portrait
from tests.gui.pty_station import SSN

pytestmark = pytest.mark.gui


def test_read_gives_the_chip_document_and_a_portrait_wiped_on_release(
    pty_id_station: IdCardStation,
) -> None:
    assert pty_id_station.place(SSN) and not pty_id_station.place("110101199003070011")
    reading = pty_id_station.read()
    document = reading.document
    assert document.method is CheckMethod.CHIP and document.number == SSN
    assert document.name == "王建国" and document.long_term and document.sam_id
    assert ("有效期至", "长期") in reading.lines
    assert all(SSN not in value for _label, value in reading.lines)  # masked on screen
    portrait = reading.portrait
    assert portrait is not None and (portrait.width, portrait.height) == (102, 126)
    assert any(portrait.rgb)
    reading.release()
    assert reading.portrait is None and len(portrait.rgb) == 0


def test_no_card_on_the_reader_is_a_typed_error(pty_id_station: IdCardStation) -> None:
    pty_id_station.polls = 1
    with pytest.raises(NoIdCard) as err:
        pty_id_station.read()
    assert "身份证" in str(err.value)


def test_a_photo_the_decoder_refuses_still_reads_the_data(pty_id_station: IdCardStation) -> None:
    class Refuses:
        def decode(self, photo: Any) -> Portrait:
            raise PhotoDecodeError()

    pty_id_station.decoder = Refuses()
    pty_id_station.place(SSN)
    reading = pty_id_station.read()
    assert reading.portrait is None and "照片" in reading.photo_problem
    assert reading.document.number == SSN


def test_unknown_decoder_is_reported_not_raised() -> None:
    made = IdCardStation("/nonexistent", "no_such_vendor_module:decoder")
    assert made.decoder is None and "idcard_decoder" in made.decoder_problem


PAGES: list[QWidget] = []  # kept alive for the test (qtbot closes them)


def _form(qtbot: Any) -> tuple[ChipCheck, QComboBox, QLineEdit]:
    page = QWidget()
    qtbot.addWidget(page)
    PAGES[:] = [page]
    form = QFormLayout(page)
    kinds = list(IdDocumentKind)
    kind, number = QComboBox(), QLineEdit()
    kind.addItems([k.value for k in kinds])
    form.addRow(kind)
    form.addRow(number)
    return ChipCheck(form, kind, kinds, number), kind, number


def test_form_sends_the_chip_document_or_the_typed_number_with_its_reason(
    qtbot: Any, pty_id_station: IdCardStation
) -> None:
    chip, kind, number = _form(qtbot)
    assert pty_id_station.place(SSN)
    chip.show_reading(pty_id_station.read())  # what the pool thread hands back
    # The field shows the masked number; the document keeps the full one (IDCARD.md).
    assert number.text() == "500***********0310" and "王建国" in chip.chip_text.text()
    assert chip.full_number() == SSN and chip.document(SSN).number == SSN
    assert not chip.photo.pixmap().isNull()
    assert chip.document(SSN).method is CheckMethod.CHIP
    chip.release()  # the service accepted it: the portrait goes, the document stays
    assert chip.photo.pixmap().isNull() and chip.document(SSN).method is CheckMethod.CHIP
    qtbot.keyClicks(number, "1")  # typed over the chip's number: a typed document now
    chip.reason.setCurrentIndex(MANUAL_REASONS.index(ManualReason.CHIP_UNREADABLE))
    typed = chip.document(SSN)
    assert typed.method is CheckMethod.MANUAL
    assert typed.manual_reason is ManualReason.CHIP_UNREADABLE


def test_household_register_is_typed_with_the_reason_the_clerk_chooses(qtbot: Any) -> None:
    chip, kind, _number = _form(qtbot)
    kind.setCurrentIndex(list(IdDocumentKind).index(IdDocumentKind.HOUSEHOLD_REGISTER))
    assert chip.reason.currentIndex() == -1  # chosen by the clerk, never by the program
    assert chip.document(SSN).kind is IdDocumentKind.HOUSEHOLD_REGISTER
    chip.reason.setCurrentIndex(MANUAL_REASONS.index(ManualReason.NO_CHIP))
    assert chip.document(SSN).manual_reason is ManualReason.NO_CHIP


def test_without_a_reader_the_button_says_to_type_with_a_reason(qtbot: Any) -> None:
    chip, _kind, _number = _form(qtbot)
    chip.read()  # no main window with an id_station above this form
    assert "未配置身份证阅读器" in chip.status.text()
    assert chip.reason.currentIndex() == -1 and chip.reason.isEnabled()  # the clerk's choice


def test_pixmap_copy_wipes_the_decoded_bytes(qtbot: Any) -> None:
    portrait = Portrait(2, 2, bytearray(b"\x10\x20\x30" * 4))
    pixmap = portrait_pixmap(portrait)
    assert (pixmap.width(), pixmap.height()) == (2, 2) and len(portrait.rgb) == 0
    assert pixmap.toImage().pixelColor(1, 1).red() == 0x10
