"""The demo card list (RULES P3, P5): a PIN changed or reset during the demo is named right
after the card number — the narrow 演示卡 panel cut the line after 初始密码 123456, so the
changed PIN was off the screen (seen in a new clerk's trial under Xvfb)."""

from __future__ import annotations

from counter_app.ui.demo_panel import card_label


def test_P3_the_current_pin_comes_before_the_starting_pin() -> None:
    start = {"name": "王建国", "card_number": "A12424866", "pin": "123456"}
    text = card_label(start, "正常卡", start | {"pin": "135246", "pin_tries_left": 3})
    assert text.startswith("王建国  卡号 A12424866  现密码 135246（演示中已改）")
    assert "初始密码 123456" in text and text.endswith("— 正常卡")
    unchanged = card_label(start, "正常卡", dict(start))
    assert "现密码" not in unchanged and "初始密码 123456" in unchanged
