"""The services gone while the holder types the PIN at card insert (RULES Q1; in the city
the workstation asks counter-server before the card's VERIFY and reports the card's answer
after it, ``remote.card_ops``): the clerk reads the outage in the red banner with the truth
of the card's side — the PIN not sent, or what the card answered — and can try again with
the card still in the reader (重新输入密码). The retry asks the services first, so a holder
never types in vain and nothing is sent to the card by itself: its try counter moves only
when the holder types (RULES P6).

The fake's ``open_card_session`` runs the workstation's real half (``card_ops``) against
the emulated card, with a server stand-in whose steps can be made unreachable."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtWidgets import QApplication

from counter_app.remote import card_ops
from counter_app.remote.protocol import ServerUnreachable
from tests.gui.fakes import FakeServices

pytestmark = pytest.mark.gui

RIGHT, WRONG = "135790", "000000"


class CityStandIn:
    """The server's two login steps; ``down`` names the steps that cannot be reached."""

    def __init__(self, gateway: FakeServices) -> None:
        self.gateway = gateway
        self.down: set[str] = set()
        self.steps: list[tuple[str, Any]] = []

    def __call__(self, method: str, *args: Any) -> Any:
        if method in self.down:
            raise ServerUnreachable()
        self.steps.append((method, args[1] if len(args) > 1 else None))
        if method == "card.session_open" and args[1] == "success":
            return self.gateway._new_session()
        if method == "card.session_open" and args[1] == "wrong_pin":
            from counter_app.services.card_sessions import WrongPinReported

            raise WrongPinReported()
        return None


@pytest.fixture
def city(gateway: FakeServices, monkeypatch: pytest.MonkeyPatch) -> CityStandIn:
    stand_in = CityStandIn(gateway)

    def open_card_session(actor: Any, client: Any, pin: Any, *, pinpad: Any = None) -> Any:
        return card_ops.open_card_session(stand_in, client, pin, pinpad)

    monkeypatch.setattr(gateway, "open_card_session", open_card_session)
    return stand_in


def _type(window: Any, pin: str) -> None:
    for digit in pin:
        window.pins.keypad.press_digit(digit)
    window.pins.keypad.press_confirm()
    QApplication.processEvents()


def _retry(window: Any) -> Any:
    note = window.login_retry.note
    assert note.isVisible() and window.action_panel.isAncestorOf(note)
    assert note.button.isEnabled()
    note.button.click()
    QApplication.processEvents()
    return note


def test_Q1_server_gone_before_verify_says_the_pin_never_reached_the_card(
    window: Any, reader: Any, city: CityStandIn
) -> None:
    card = reader.insert()
    QApplication.processEvents()
    city.down = {"card.session_check"}
    _type(window, RIGHT)
    assert window.holder.session is None
    assert not window.pins.keypad.active
    # The red banner, not a passing status-bar line; the card's truth with it.
    assert window.banner.isVisible()
    banner = window.banner.text()
    assert banner.startswith("连接中断") and "无法连接业务服务器" in banner
    assert "密码未发送到卡" in banner and "重新输入密码" in banner
    assert card.pin_tries_left == 3  # RULES P6: nothing counted on the card
    assert window.login_retry.note.isVisible()
    assert "密码未发送到卡" in window.login_retry.note.label.text()
    # The server answers again: 重新输入密码 offers the keypad, the card still in.
    city.down = set()
    _retry(window)
    assert not window.banner.isVisible()  # the probe was answered
    assert window.pins.keypad.active
    assert not window.login_retry.note.isVisible()
    _type(window, RIGHT)
    assert window.holder.session is not None
    assert card.pin_tries_left == 3


def test_Q1_server_gone_after_a_right_pin_says_the_card_accepted_it(
    window: Any, reader: Any, city: CityStandIn
) -> None:
    reader.insert()
    QApplication.processEvents()
    city.down = {"card.session_open"}
    _type(window, RIGHT)
    assert window.holder.session is None
    assert "卡已核对持卡人密码：密码正确" in window.banner.text()
    assert "密码正确" in window.login_retry.note.label.text()


def test_P6_server_gone_after_a_wrong_pin_tells_the_tries_the_card_said(
    window: Any, reader: Any, city: CityStandIn
) -> None:
    card = reader.insert()
    QApplication.processEvents()
    city.down = {"card.session_open"}
    _type(window, WRONG)
    assert card.pin_tries_left == 2  # the card counted the holder's wrong PIN
    assert "密码不正确（还可尝试 2 次）" in window.banner.text()
    assert "未能记录" in window.banner.text()
    assert window.bridge.identity.pin_tries_left == 2  # the next ask says 2, not 3
    city.down = set()
    _retry(window)
    assert window.pins.keypad.active
    assert "2" in window.pins.keypad.tries_label.text()
    assert card.pin_tries_left == 2  # the retry itself sent nothing to the card


def test_P6_a_last_wrong_pin_while_the_server_is_gone_says_locked_and_offers_no_retry(
    window: Any, reader: Any, city: CityStandIn
) -> None:
    card = reader.insert(pin_tries_left=1)
    QApplication.processEvents()
    city.down = {"card.session_open"}
    _type(window, WRONG)
    assert card.pin_tries_left == 0
    assert "卡密码已锁定" in window.banner.text()
    assert not window.login_retry.note.isVisible()  # no PIN can open it: F7 after an ID check
    assert window.pin_note.isVisible()


def test_Q1_retry_while_the_server_is_still_gone_does_not_ask_the_holder(
    window: Any, reader: Any, city: CityStandIn, gateway: FakeServices, monkeypatch: Any
) -> None:
    card = reader.insert()
    QApplication.processEvents()
    city.down = {"card.session_check"}
    _type(window, RIGHT)

    def unreachable(actor: Any, identity: Any) -> Any:
        raise ServerUnreachable()

    monkeypatch.setattr(gateway, "card_state", unreachable)
    note = _retry(window)
    assert not window.pins.keypad.active  # the holder is not made to type in vain
    assert window.banner.isVisible()
    assert note.isVisible() and "仍无法连接业务服务器" in note.label.text()
    assert note.button.isEnabled()
    assert card.pin_tries_left == 3


def test_Q1_the_retry_note_goes_with_the_card(window: Any, reader: Any, city: CityStandIn) -> None:
    reader.insert()
    QApplication.processEvents()
    city.down = {"card.session_check"}
    _type(window, RIGHT)
    assert window.login_retry.note.isVisible()
    reader.remove()
    QApplication.processEvents()
    assert not window.login_retry.note.isVisible()


def test_Q1_a_plain_database_outage_also_raises_the_banner_and_offers_the_retry(
    window: Any, reader: Any, gateway: FakeServices
) -> None:
    """One machine (in-process): the services' own DatabaseUnavailable, same way forward."""
    reader.insert()
    QApplication.processEvents()
    gateway.db_down = True
    _type(window, RIGHT)
    assert window.banner.isVisible() and window.holder.session is None
    note = window.login_retry.note
    assert note.isVisible() and "卡不必取出" in note.label.text()
    gateway.db_down = False
    _retry(window)
    assert window.pins.keypad.active
    _type(window, RIGHT)
    assert window.holder.session is not None
