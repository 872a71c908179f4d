"""停止等待密码输入 on the real workstation (RULES Q1, P5): the holder's keypad has no cancel
key and the clerk's Esc does not reach it, so the clerk lets a holder who cannot type the
PIN go with this button; the card stays in the reader, nothing reached the card, and
重新输入密码 asks again when the holder is ready."""

from __future__ import annotations

from typing import Any

import pytest

from counter_app.demo.accounts import fixed_holder

pytestmark = pytest.mark.gui


@pytest.mark.also_remote
def test_Q1_the_clerk_stops_waiting_and_the_holder_types_later(counter: Any) -> None:
    c = counter("YB500103-01")
    c.insert("active_changed_pin")
    window = c.window
    stop = window.stop_pin_wait
    assert c.ws.pin_entry.keypad.active and stop.isVisible()
    tries = c.ws.transport.card.to_profile().get("pin_tries_left")
    c.click(stop)
    assert not c.ws.pin_entry.keypad.active and not stop.isVisible()
    assert window.holder.session is None and c.ws.bridge.card_present
    assert window.forgotten_pin_note.isVisible()  # the way for a forgotten PIN (P5)
    assert c.ws.transport.card.to_profile().get("pin_tries_left") == tries  # no VERIFY
    retry = window.login_retry.note
    assert retry.isVisible()
    c.click(retry.button)  # 重新输入密码: the holder is ready
    assert c.ws.pin_entry.keypad.active
    c.type_pin(fixed_holder("active_changed_pin").pin)
    assert window.holder.session is not None
    assert not stop.isVisible() and not window.forgotten_pin_note.isVisible()
