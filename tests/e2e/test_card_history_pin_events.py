"""卡状态与历史 shows the card's password events (RULES P2–P6, "Channels"): a PIN changed at
the window appears in the history with its office as soon as the dialog closes — a
trial's clerk could not see that 李秀英's PIN had been changed (only 发卡 was listed). What
the history says is the event, never the PIN."""

from __future__ import annotations

from typing import Any

import pytest

from counter_app.demo.accounts import fixed_holder
from counter_app.services.permissions import Action
from tests.e2e.test_passwords import chip_pin, type_document

pytestmark = pytest.mark.gui


@pytest.mark.also_postgres
@pytest.mark.also_remote
def test_P4_pin_change_at_the_window_is_in_the_card_history(counter: Any) -> None:
    c = counter("YB500103-01")
    holder = fixed_holder("active_changed_pin")  # 李秀英
    c.card_session("active_changed_pin")
    page = c.window.holder.card_page.page
    assert page is not None
    (history,) = [b for b in page.blocks if getattr(b, "title", "") == "卡片业务记录"]
    # The demo's: her PIN was changed on the 12333 line before (it is not 123456).
    assert [row[3] for row in history.rows if row[1] == "修改卡密码"] == ["12333"]
    d = c.start(Action.CHANGE_PIN)
    type_document(c, d.id_number, holder.ssn)
    c.next(d)
    c.next(d)
    for pin in ("135790", "246802", "246802"):
        c.type_pin(pin)
    assert "成功" in d.result_label.text(), d.banner.text()
    assert chip_pin(c) == "246802"
    c.click(d.close_button)
    page = c.window.holder.card_page.page
    assert page is not None
    (history,) = [b for b in page.blocks if getattr(b, "title", "") == "卡片业务记录"]
    (changed, by_phone) = [row for row in history.rows if row[1] == "修改卡密码"]
    assert by_phone[3] == "12333"
    assert changed[2].endswith(holder.card_number[-4:])  # the card, masked
    assert changed[3] == "渝中区医疗保险分中心"
    assert history.rows[0] == changed  # newest first
    texts = " ".join(c.window.holder.card_page.shown_texts())
    assert "246802" not in texts and "135790" not in texts
