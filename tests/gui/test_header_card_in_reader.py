"""The holder header says what the reader holds while no holder is open: with the card in
the reader after the holder cancelled the PIN (or a card login the server could not
finish), it read 当前没有持卡人。请持卡人插卡并输入密码 — as if the card had to go in
again (city trial). RULES Q1: the card in the reader, the holder types the PIN."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtWidgets import QApplication

from tests.gui.fakes import DOC

pytestmark = pytest.mark.gui

NO_CARD = "当前没有持卡人"
CARD_IN = "读卡器中有卡"


def test_Q1_header_follows_the_card_in_the_reader(window: Any, reader: Any) -> None:
    header = window.holder.header
    assert NO_CARD in header.text()
    reader.insert()
    QApplication.processEvents()
    assert CARD_IN in header.text() and "F3" in header.text()
    window.pins.keypad.cancel()  # the holder gives up typing: the card stays in
    QApplication.processEvents()
    assert CARD_IN in header.text()
    reader.remove()
    QApplication.processEvents()
    assert NO_CARD in header.text()


def test_Q1_an_open_holder_keeps_the_header_and_its_end_says_the_card_is_in(
    window: Any, reader: Any
) -> None:
    reader.insert()
    QApplication.processEvents()
    window.pins.keypad.cancel()
    session = window.gateway.open_id_session(window.actor, 7, DOC, "查询")
    window._id_session_opened(session)  # identified by document, card still in
    QApplication.processEvents()
    assert CARD_IN not in window.holder.header.text()
    window.holder.card_in_reader(True)  # news of the reader while a holder is open
    assert CARD_IN not in window.holder.header.text()
    window.holder.clear()  # the service ends with the card still in the reader
    assert CARD_IN in window.holder.header.text()
