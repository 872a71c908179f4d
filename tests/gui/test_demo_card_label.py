"""The demo card list names the PIN the demo starts with, not the card's current PIN (a
holder who changed it, RULES P3, would otherwise be shown a wrong "密码 123456")."""

from __future__ import annotations

from counter_app.ui.demo_panel import card_label


def test_demo_card_list_says_initial_pin() -> None:
    text = card_label({"name": "王建国", "card_number": "A12424866", "pin": "123456"})
    assert "初始密码 123456" in text
    assert "  密码 123456" not in text


def test_P1_a_changed_demo_pin_is_not_called_initial() -> None:
    """RULES P1: 初始密码 is the issued 123456. 李秀英's card starts the demo with 135790,
    a PIN she chose: the list names it as the demo's starting PIN, not as 初始密码."""
    text = card_label({"name": "李秀英", "card_number": "A12504057", "pin": "135790"})
    assert "初始密码" not in text
    assert "演示起始密码 135790" in text
