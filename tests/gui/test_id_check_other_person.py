"""核验身份证件 opened from the search knows which holder it is for: another person's ID
card read there is refused at once, in the words of the workflows' ID step (此身份证不能用于
当前参保人, RULES Q7, IDCARD.md), not first at 确定 — a new clerk saw 李四's chip data and
photo beside 参保人：张三 without a word. The service answers which holders the chip's
number is (the audited search); the screen compares no numbers. The fakes' services, the
real ID card reader client against the emulator on a pseudo-terminal."""

from __future__ import annotations

from typing import Any

import pytest

from counter_app.services.errors import IdDocumentMismatch
from counter_app.ui.id_reader import IdCardStation
from tests.gui.fakes import OTHER_SSN, SSN, FakeServices

pytestmark = pytest.mark.gui

CARD = "A12345674"  # the fake's holder, 张三


def _check_from_search(window: Any, station: IdCardStation) -> Any:
    window.id_station = station
    window.do_search(CARD)
    assert window.hits.rowCount() == 1
    window.check_id_for_hit()
    dialog = window.id_dialog
    assert dialog is not None
    return dialog


def test_Q7_another_persons_id_card_read_in_the_check_is_refused_at_once(
    window: Any, gateway: FakeServices, station: IdCardStation
) -> None:
    dialog = _check_from_search(window, station)
    assert station.place(OTHER_SSN)  # 李四's card, not 张三's
    dialog.chip.read()
    status = dialog.chip.status.text()
    assert status.startswith("此身份证不能用于当前参保人：")
    assert IdDocumentMismatch.message in status
    assert "color: #b00020" in dialog.chip.status.styleSheet()
    assert ("find_holders", OTHER_SSN) in gateway.calls  # the service's answer, by the chip
    assert not any(call[0] == "open_id_session" for call in gateway.calls)


def test_Q7_the_holders_own_id_card_read_in_the_check_is_not_refused(
    window: Any, gateway: FakeServices, station: IdCardStation
) -> None:
    dialog = _check_from_search(window, station)
    assert station.place(SSN)
    dialog.chip.read()
    status = dialog.chip.status.text()
    assert status.startswith("已读取身份证芯片")
    assert "不能用于" not in status
    assert ("find_holders", SSN) in gateway.calls
