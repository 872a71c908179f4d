"""The demo card list names the PIN the demo starts with, not the card's current PIN (a
holder who changed it, RULES P3, would otherwise be shown a wrong "密码 123456")."""

from __future__ import annotations

from typing import Any

from counter_app.ui.demo_panel import DemoCardsPanel, card_label


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


def test_P3_a_pin_changed_during_the_demo_is_shown_once_the_card_leaves() -> None:
    start = {"name": "王建国", "card_number": "A12424866", "pin": "123456"}
    now = start | {"pin": "802413", "pin_tries_left": 3}
    text = card_label(start, "正常卡", now)
    assert "初始密码 123456" in text and "现密码 802413（演示中已改）" in text
    blocked = card_label(start, "", start | {"pin_tries_left": 0})
    assert "[密码已锁]" in blocked and "现密码" not in blocked


class _Transport:
    card: Any = None

    def insert(self, card: Any) -> None:
        self.card = card

    def remove(self) -> None:
        self.card = None


class _Bridge:
    has_pin_pad = False

    def notify_inserted(self) -> None: ...

    def notify_removed(self) -> None: ...


class _Card:
    def __init__(self, profile: dict[str, Any]) -> None:
        self.profile = dict(profile)

    def to_profile(self) -> dict[str, Any]:
        return dict(self.profile)


def test_the_demo_list_follows_the_card_after_it_left_the_reader(qtbot: Any) -> None:
    start = {"name": "王建国", "card_number": "A12424866", "pin": "123456"}
    panel = DemoCardsPanel(_Transport(), _Bridge(), [(start, "正常卡")], _Card)  # type: ignore[arg-type]
    qtbot.addWidget(panel)
    panel.insert(0)
    panel._cards[0].profile["pin"] = "802413"  # the holder changed it at the counter (P3)
    assert "现密码" not in panel.list.item(0).text()  # still in the reader
    panel.remove()
    assert "现密码 802413" in panel.list.item(0).text()
