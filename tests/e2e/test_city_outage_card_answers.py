"""The city tier (workstation → counter-server, real mutual TLS and PostgreSQL) when the
network fails around a card step, at the workstation's transport: the card on this counter
has answered, the server has not heard it. The clerk is told the card's answer and that it
was not recorded, and nothing is lost or written twice.

- RULES Q1: the holder types the PIN at card insert and the server cannot be reached before
  VERIFY (the PIN never reached the card) or after it (the card's answer, with its tries
  left); 重新输入密码 with the card still in the reader opens the session once the server
  answers.
- RULES P6, Q7: the holder's PIN after 密码解锁 verified by the card while the server is
  unreachable: the page shows the card's answer in place of the earlier verdict, and the
  answer is recorded once the server answers — once, even when the first record reached the
  server and only its answer was lost.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QApplication

from counter_app.demo.accounts import fixed_holder
from counter_app.services.permissions import Action
from tests.e2e.test_unblock_pin_again import _tries, _unblocked_with, _verify_events

pytestmark = [pytest.mark.gui, pytest.mark.remote_only]

VERIFY = "password.pin_unblock_verify"


class Network:
    """The workstation's HTTPS client, failing for chosen server calls: ``down`` before
    the request leaves, ``lost`` after the server answered (a timeout on the way back)."""

    def __init__(self, c: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        client = c.ws.gateway.connection._client
        self._post: Callable[..., Any] = client.post
        self.down: set[str] = set()
        self.lost: set[str] = set()
        monkeypatch.setattr(client, "post", self.post)

    def post(self, path: str, **kwargs: Any) -> Any:
        method = path.rsplit("/", 1)[-1]
        if method in self.down:
            raise httpx.ConnectError("connection refused")
        response = self._post(path, **kwargs)
        if method in self.lost:
            self.lost.discard(method)
            raise httpx.ReadTimeout("timed out")
        return response


def test_Q1_server_unreachable_before_verify_then_the_retry_opens_the_session(
    counter: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = counter("YB500103-01")
    net = Network(c, monkeypatch)
    c.insert("active_default_pin")
    holder = fixed_holder("active_default_pin")
    before = int(c.ws.transport.card.to_profile()["pin_tries_left"])
    net.down = {"card.session_check"}
    c.type_pin(holder.pin)
    window = c.window
    assert window.holder.session is None
    assert window.banner.isVisible() and "密码未发送到卡" in window.banner.text()
    assert int(c.ws.transport.card.to_profile()["pin_tries_left"]) == before
    note = window.login_retry.note
    assert note.isVisible()
    net.down = set()
    c.click(note.button)
    assert c.ws.pin_entry.keypad.active and not window.banner.isVisible()
    c.type_pin(holder.pin)
    assert window.holder.session is not None, window.statusBar().currentMessage()


def test_P6_server_unreachable_after_a_wrong_pin_the_card_counted_it_and_the_clerk_is_told(
    counter: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = counter("YB500103-01")
    net = Network(c, monkeypatch)
    c.insert("active_default_pin")
    before = int(c.ws.transport.card.to_profile()["pin_tries_left"])
    net.down = {"card.session_open"}
    c.type_pin("999999" if fixed_holder("active_default_pin").pin != "999999" else "888888")
    after = int(c.ws.transport.card.to_profile()["pin_tries_left"])
    assert after == before - 1
    assert f"密码不正确（还可尝试 {after} 次）" in c.window.banner.text()
    assert c.window.bridge.identity.pin_tries_left == after


def _verified_while_down(c: Any, net: Network, how: str) -> Any:
    d = _unblocked_with(c, "111111")  # 赵强: unblocked, then a wrong PIN (2 tries left)
    assert _verify_events(c) == [(VERIFY, "failed", 2)]
    getattr(net, how).add("card.unblock_verified")
    c.click(d.again_button)
    c.type_pin(fixed_holder("pin_blocked").pin)
    return d


def test_P6_the_card_accepted_the_pin_while_the_server_was_unreachable_recorded_when_back(
    counter: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = counter("YB500103-01")
    net = Network(c, monkeypatch)
    d = _verified_while_down(c, net, "down")
    text = d.result_label.text()
    assert "验证成功" in text and "不正确" not in text  # the card's answer, not the stale one
    assert "未能记录" in text
    assert d.banner.isVisible() and "无法连接业务服务器" in d.banner.text()
    assert "卡已答复持卡人输入的密码" in d.banner.text() and "未能记录" in d.banner.text()
    assert c.window.banner.isVisible()
    assert not d.again_button.isVisible()
    assert _tries(c) == 3
    assert _verify_events(c) == [(VERIFY, "failed", 2)]  # not recorded yet
    assert d.record_button.isVisible()
    c.click(d.record_button)  # still down: kept, said again
    assert d.record_button.isVisible() and d.banner.isVisible()
    assert _verify_events(c) == [(VERIFY, "failed", 2)]
    net.down = set()
    c.window.search_pane.box.edit.setText(fixed_holder("pin_blocked").ssn)
    c.window.search_pane.box.button.click()  # any call the server answers
    QApplication.processEvents()
    assert _verify_events(c) == [(VERIFY, "failed", 2), (VERIFY, "success", None)]
    assert "已补记" in d.result_label.text() and not d.record_button.isVisible()
    assert not d.banner.isVisible() and not c.window.banner.isVisible()


def test_P6_a_record_that_reached_the_server_is_not_written_twice(
    counter: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = counter("YB500103-01")
    net = Network(c, monkeypatch)
    d = _verified_while_down(c, net, "lost")  # recorded by the server, the answer lost
    assert "验证成功" in d.result_label.text() and "未能记录" in d.result_label.text()
    assert _verify_events(c) == [(VERIFY, "failed", 2), (VERIFY, "success", None)]
    c.click(d.record_button)
    assert "已补记" in d.result_label.text()
    assert _verify_events(c) == [(VERIFY, "failed", 2), (VERIFY, "success", None)]


def test_Q7_closing_with_an_unrecorded_check_asks_and_keeps_it_to_record_when_back(
    counter: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = counter("YB500103-01")
    net = Network(c, monkeypatch)
    d = _verified_while_down(c, net, "down")
    assert d.record_button.isVisible()
    c.qtbot.keyClick(d, Qt.Key.Key_Escape)  # the clerk closes the finished unblock
    box = d.discard_box
    assert box is not None and box.isVisible() and "尚未记录" in box.text()
    keep = box.defaultButton()
    assert keep is not None and keep.text() == "继续等待" and box.escapeButton() is keep
    c.qtbot.keyClick(box, Qt.Key.Key_Return)  # Enter: 继续等待
    assert d.isVisible() and c.window.workflow is d
    net.down = set()
    c.window.search_pane.box.edit.setText(fixed_holder("pin_blocked").ssn)
    c.window.search_pane.box.button.click()  # any call the server answers
    QApplication.processEvents()
    assert _verify_events(c) == [(VERIFY, "failed", 2), (VERIFY, "success", None)]
    c.qtbot.keyClick(d, Qt.Key.Key_Escape)  # recorded: closes without asking
    assert not d.isVisible() and c.window.workflow is None


def test_Q7_closing_with_an_unrecorded_check_when_confirmed_closes_without_recording(
    counter: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = counter("YB500103-01")
    net = Network(c, monkeypatch)
    d = _verified_while_down(c, net, "down")
    c.click(d.close_button)
    box = d.discard_box
    assert box is not None and box.isVisible()
    [drop] = [b for b in box.buttons() if b.text() == "仍然关闭"]
    c.qtbot.mouseClick(drop, Qt.MouseButton.LeftButton)
    assert not d.isVisible() and c.window.workflow is None
    net.down = set()
    c.window.search_pane.box.edit.setText(fixed_holder("pin_blocked").ssn)
    c.window.search_pane.box.button.click()
    QApplication.processEvents()
    assert _verify_events(c) == [(VERIFY, "failed", 2)]  # the clerk was told it is lost


def test_P5_a_dialog_that_asks_for_four_eyes_as_it_opens_survives_an_unreachable_server(
    counter: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """重置遗忘密码 and 解除挂失 ask whether a supervisor must approve as they open: with the
    server unreachable the step is there (the safe side), and the workstation carries on
    (a trial's F9 with counter-server stopped closed the whole program)."""
    c = counter("YB500103-01")
    net = Network(c, monkeypatch)
    c.card_session("active_changed_pin")
    c.ws.gateway._four_eyes = None  # as if asking at login had failed too
    net.down.add("four_eyes_required")
    d = c.start(Action.RESET_PIN)
    assert d is not None and d.isVisible() and d.approval is not None
    net.down = set()
    assert c.window.isVisible()
