"""RULES P6 with Q1: the holder's third wrong PIN at card insert blocks the card's PIN, and
from that moment the window behaves as for a card inserted already blocked — the same
dialog and red note, the chip's tries left 0, 密码解锁 (F7) after the ID check (P5's
check) — without pulling the card and inserting it again. In a new clerk's trial only a
cut-off status-bar line said so; F7 said 请先由持卡人插卡并输入密码 and, after the ID check,
该卡密码未锁定. In-process and through counter-server alike (the services' refusal
``PinBlockedOfferReset`` travels to the workstation).

The holder view's header says what is true of the card in the reader (a blocked PIN, an
entry the holder cancelled, a void card) instead of 请持卡人输入卡密码."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtGui import QKeySequence
from PyQt6.QtWidgets import QApplication

from counter_app.demo.accounts import fixed_holder
from counter_app.services.permissions import Action
from counter_app.ui.workflows.unblock import UnblockDialog
from tests.e2e.test_passwords import type_document

pytestmark = pytest.mark.gui

ASK_FOR_PIN = "请持卡人输入卡密码"


def _press(c: Any, key: str) -> str:
    """The function key pressed; the reason box's text ("" when the action opened)."""
    (shortcut,) = [s for s in c.window.actions() if s.shortcut() == QKeySequence(key)]
    shortcut.trigger()
    QApplication.processEvents()
    box = c.window.action_panel.refusal_box
    if box is None or not box.isVisible():
        return ""
    text = str(box.text())
    box.done(0)
    return text


def _blocked_by_the_holder(c: Any) -> None:
    """李秀英's card inserted; the holder types a wrong PIN three times."""
    c.insert("active_changed_pin")
    for _ in range(3):
        c.type_pin("111222")
    QApplication.processEvents()


@pytest.mark.also_remote
def test_P6_the_last_wrong_pin_at_insert_blocks_as_a_card_inserted_blocked(counter: Any) -> None:
    c = counter("YB500103-01")
    w = c.window
    _blocked_by_the_holder(c)
    assert not c.ws.pin_entry.keypad.active  # no fourth try is asked
    assert w.holder.session is None and not w.card_login.busy
    assert int(c.ws.transport.card.to_profile()["pin_tries_left"]) == 0  # the chip's counter
    assert w.bridge.identity.pin_tries_left == 0  # what the window knows of it
    box = getattr(w, "pin_blocked_box", None)
    assert box is not None and box.isVisible(), w.statusBar().currentMessage()
    assert "密码已锁定" in box.text() and "密码解锁（F7）" in box.text()
    assert w.pin_note.isVisible() and "密码已锁定" in w.pin_note.text()
    header = w.holder.header.text()
    assert "卡密码已锁定" in header and ASK_FOR_PIN not in header
    box.reject()
    # Before the ID check F7 names the way (F3 and the ID document), not 插卡并输入密码.
    why = _press(c, "F7")
    assert "核验" in why and "F3" in why and "输入密码" not in why, why
    # After the ID check: F7 is on, the note stays, and the unblock goes through.
    holder = fixed_holder("active_changed_pin")
    c.id_session("active_changed_pin")
    assert w.pin_note.isVisible()
    assert w.action_buttons[Action.UNBLOCK_PIN].isEnabled(), w.action_panel.reasons
    assert not w.action_buttons[Action.CHANGE_PIN].isEnabled()  # P6: locked, not changed
    d = c.start(Action.UNBLOCK_PIN)
    assert isinstance(d, UnblockDialog)
    type_document(c, d.id_step.fields.number, holder.ssn)
    c.next(d)
    assert d.stack.currentWidget() is d.pin_page, d.banner.text()
    c.next(d)
    c.type_pin(holder.pin)
    assert "已解锁" in d.result_label.text(), d.banner.text()
    assert int(c.ws.transport.card.to_profile()["pin_tries_left"]) == 3


def test_P6_header_of_a_card_inserted_blocked_says_so(counter: Any) -> None:
    """赵强's card, blocked before it came: the same header as a card the holder blocked."""
    c = counter("YB500103-01")
    c.insert("pin_blocked")
    header = c.window.holder.header.text()
    assert "卡密码已锁定" in header and ASK_FOR_PIN not in header
    c.window.pin_blocked_box.reject()


def test_Q1_header_while_asking_then_after_the_holder_cancelled(counter: Any) -> None:
    c = counter("YB500103-01")
    c.insert("active_changed_pin")
    assert c.ws.pin_entry.keypad.active
    assert ASK_FOR_PIN in c.window.holder.header.text()  # true while the keypad asks
    c.ws.pin_entry.keypad.cancel()  # the holder pressed 取消
    QApplication.processEvents()
    header = c.window.holder.header.text()
    assert "密码输入已取消" in header and ASK_FOR_PIN not in header
    c.remove()
    assert "当前没有持卡人" in c.window.holder.header.text()


@pytest.mark.parametrize(
    ("key", "said"),
    [("replacement_applied", "原卡已作废"), ("work_death", "该卡已注销")],
)
def test_R2_U4_header_of_a_void_card_says_take_it_out(counter: Any, key: str, said: str) -> None:
    c = counter("YB500103-01")
    c.insert(key)  # 杨丽's replaced card, 孙建军's cancelled one
    header = c.window.holder.header.text()
    assert said in header and "请取出" in header and ASK_FOR_PIN not in header
    assert not c.ws.pin_entry.keypad.active


def test_U5_header_of_a_card_whose_chip_application_is_blocked(counter: Any) -> None:
    """黄敏's card (a hospital terminal blocked its application): no PIN is asked for."""
    c = counter("YB500103-01")
    c.insert("app_blocked")
    header = c.window.holder.header.text()
    assert "社保应用已锁定" in header and ASK_FOR_PIN not in header
    assert not c.ws.pin_entry.keypad.active
