"""读取身份证 waits while the holder looks for the ID card, on the real stack with the
program's own pool threads (the demo composition's emulated ID card reader on a real
pseudo-terminal; IDCARD.md: the reader announces nothing when a card is placed, so it is
asked again and again; RULES P5: the action's ID check is the service's): the card placed
after the clerk pressed 读取身份证 is read, and Esc stops the wait without closing the
workflow, the reader free for the next read."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtCore import Qt

from counter_app.demo.accounts import fixed_holder
from counter_app.services.permissions import Action
from tests.e2e.test_idcard import demo_id_cards
from tests.e2e.threaded_counter import log_in, serve, settle, threaded  # noqa: F401

pytestmark = pytest.mark.gui

#: A liveness bound for the pool thread's answer (never a measure of speed).
ANSWER_MS = 20000


def _change_pin_without_id_card(c: Any) -> Any:
    """王建国 served, his card in the reader, 修改卡密码 open at its ID step, and no ID card
    on the ID card reader: the holder is still looking for it."""
    log_in(c, "YB500103-01")
    serve(c, "active_default_pin")
    c.insert("active_default_pin")
    settle(c)
    d = c.start(Action.CHANGE_PIN)
    c.qtbot.waitExposed(d)
    settle(c)
    if not c.window.id_station.demo_numbers():
        c.window.id_station.use_demo_cards(demo_id_cards(c.db_url))
    c.click(c.window.demo_id_panel.remove_button)
    d.activateWindow()  # Esc reaches the dialog the clerk works in
    c.qtbot.waitUntil(d.isActiveWindow)
    return d


def _finds(c: Any) -> int:
    return int(c.window.id_station.emulator.reader.commands)


def test_P5_the_id_card_placed_while_the_read_waits_is_read(
    threaded: None,  # noqa: F811
    counter: Any,
) -> None:
    c = counter("YB500103-01", four_eyes=False, log_in=False)
    d = _change_pin_without_id_card(c)
    chip = d.documents.chip
    before = _finds(c)
    c.click(chip.read_button)
    c.qtbot.waitUntil(lambda: _finds(c) > before + 2, timeout=ANSWER_MS)  # asked: no card
    assert "请将身份证放在阅读器上" in chip.status.text() and "秒" in chip.status.text()
    assert chip.waiting.button.isVisible() and not chip.read_button.isEnabled()
    holder = fixed_holder("active_default_pin")
    assert c.window.demo_id_panel.place(holder.ssn)  # found in the wallet at last
    c.qtbot.waitUntil(lambda: chip.reading is not None, timeout=ANSWER_MS)
    assert chip.full_number() == holder.ssn
    assert not chip.waiting.button.isVisible() and chip.read_button.isEnabled()
    c.qtbot.waitUntil(lambda: "与当前参保人一致" in chip.status.text(), timeout=ANSWER_MS)


def test_P5_Esc_stops_the_wait_and_the_next_read_gets_the_card(
    threaded: None,  # noqa: F811
    counter: Any,
) -> None:
    c = counter("YB500103-01", four_eyes=False, log_in=False)
    d = _change_pin_without_id_card(c)
    chip = d.documents.chip
    station = c.window.id_station
    station.interval = 3600.0  # the wait can end only by the clerk's Esc
    before = _finds(c)
    c.click(chip.read_button)
    c.qtbot.waitUntil(lambda: _finds(c) > before, timeout=ANSWER_MS)
    c.qtbot.keyClick(d.documents.number, Qt.Key.Key_Escape)
    assert d.isVisible() and d.discard_box is None  # the workflow stays, nothing asked
    assert "已取消读取身份证" in chip.status.text()
    assert chip.read_button.isEnabled() and not chip.waiting.button.isVisible()
    c.qtbot.waitUntil(station.reader_empty, timeout=ANSWER_MS)  # the reader let go
    station.interval = 0.3
    holder = fixed_holder("active_default_pin")
    assert c.window.demo_id_panel.place(holder.ssn)
    c.click(chip.read_button)
    c.qtbot.waitUntil(lambda: chip.reading is not None, timeout=ANSWER_MS)
    assert chip.full_number() == holder.ssn
    settle(c)
