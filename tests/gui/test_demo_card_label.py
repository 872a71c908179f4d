"""The demo card list names the PIN the demo starts with, not the card's current PIN (a
holder who changed it, RULES P3, would otherwise be shown a wrong "密码 123456")."""

from __future__ import annotations

from counter_app.ui.demo_panel import card_label


def test_demo_card_list_says_initial_pin() -> None:
    text = card_label({"name": "王建国", "card_number": "A12424866", "pin": "123456"})
    assert "初始密码 123456" in text
    assert "  密码 123456" not in text
