"""RULES P7 on the clerk's screen: a weak new PIN's refusal (新密码过于简单…) stands on the
workflow's banner while the holder types the new PIN again, and leaves as soon as the holder
has moved on to the next entry (the keypad's ``holder_typing``) — a new clerk's trial saw it
stay in red beside the holder's good new PIN until the end."""

from __future__ import annotations

from typing import Any

import pytest

from counter_app.services.permissions import Action
from tests.gui.test_workflows import card_session, document_checked, type_pin, wf  # noqa: F401

pytestmark = pytest.mark.gui


def test_P7_the_weak_pin_refusal_leaves_the_banner_at_the_next_entry(
    wf: Any,  # noqa: F811
    reader: Any,
) -> None:
    card_session(wf, reader)
    wf.action_buttons[Action.CHANGE_PIN].click()
    d = wf.workflow
    document_checked(d)
    d.next()
    type_pin(wf, "135790")  # the old PIN
    type_pin(wf, "111111")  # weak: refused at once
    assert "过于简单" in d.banner.text() and d.banner.isVisible()
    assert wf.pins.keypad.prompt_label.text() == "请输入新密码"
    type_pin(wf, "802413")  # a good new PIN: the holder goes on to 再次输入新密码
    assert wf.pins.keypad.prompt_label.text() == "请再次输入新密码"
    assert d.banner.text() == "" and not d.banner.isVisible()
    type_pin(wf, "802419")  # the two entries differ: said again, for this entry
    assert "不一致" in d.banner.text()
    type_pin(wf, "802413")
    assert d.banner.text() == ""
    type_pin(wf, "802413")
    assert "成功" in d.result_label.text()


def test_the_dialog_stops_listening_when_it_is_done(wf: Any, reader: Any) -> None:  # noqa: F811
    card_session(wf, reader)
    wf.action_buttons[Action.CHANGE_PIN].click()
    d = wf.workflow
    d._refusal_shown = "x"
    d.reject()
    wf.pins.holder_typing.emit(True)  # a later workflow's entry: nothing of this dialog runs
    assert d._refusal_shown == "x"
