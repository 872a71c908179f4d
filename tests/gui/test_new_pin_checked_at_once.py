"""RULES P7 at the moment the holder types the new PIN: a weak one (111111) is refused on
the holder screen right after its entry, the holder types a new one, and the old PIN
already typed is kept (not asked again); two different new entries likewise."""

from __future__ import annotations

from typing import Any

import pytest

from counter_app.services.permissions import Action
from counter_app.ui.workflows.steps import NEW_PINS_DIFFER, WEAK_NEW_PIN, new_pin_problem
from reader.pinbuffer import PinBuffer
from tests.gui.test_workflows import card_session, document_checked, type_pin, wf  # noqa: F401

pytestmark = pytest.mark.gui


def _buffer(digits: str) -> PinBuffer:
    pin = PinBuffer(6)
    for d in digits:
        pin.append(d)
    return pin


def test_P7_weak_new_pin_is_refused_on_the_holder_screen_at_once(
    wf: Any,  # noqa: F811
    reader: Any,
    monkeypatch: Any,
) -> None:
    card = card_session(wf, reader)
    calls: list[int] = []
    original = wf.gateway.change_pin

    def spy(*args: Any) -> Any:
        calls.append(1)
        return original(*args)

    monkeypatch.setattr(wf.gateway, "change_pin", spy)
    wf.action_buttons[Action.CHANGE_PIN].click()
    d = wf.workflow
    document_checked(d)
    d.next()
    type_pin(wf, "135790")  # the old PIN
    type_pin(wf, "111111")  # weak: refused here, before a confirmation is asked
    keypad = wf.pins.keypad
    assert keypad.active and keypad.prompt_label.text() == "请输入新密码"
    assert "过于简单" in keypad.message_label.text()  # the holder is told
    assert not calls  # nothing went to the card
    assert len(d.pins) == 1 and len(d.pins[0]) == 6  # the old PIN is kept, not re-asked
    type_pin(wf, "802413")
    assert keypad.message_label.text() == ""
    type_pin(wf, "802419")  # the two entries differ: the new PIN again, the old one kept
    assert keypad.prompt_label.text() == "请输入新密码" and "不一致" in keypad.message_label.text()
    assert not calls and len(d.pins) == 1
    type_pin(wf, "802413")
    type_pin(wf, "802413")
    assert "成功" in d.result_label.text(), d.banner.text()
    assert card.to_profile()["pin"] == "802413" and len(calls) == 1


def test_P7_new_pin_problem_for_the_reset_prompts() -> None:
    """The check HolderPins makes (reset: the two new entries are prompts 0 and 1)."""
    weak, good, other = _buffer("111111"), _buffer("802413"), _buffer("802419")
    assert new_pin_problem([weak], 0, 0) == WEAK_NEW_PIN
    assert new_pin_problem([_buffer("123456")], 0, 0) == WEAK_NEW_PIN
    assert new_pin_problem([_buffer("8024")], 0, 0) == WEAK_NEW_PIN  # not six digits
    assert new_pin_problem([good], 0, 0) == ""
    assert new_pin_problem([good, other], 1, 0) == NEW_PINS_DIFFER
    assert new_pin_problem([good, _buffer("802413")], 1, 0) == ""
    assert new_pin_problem([weak], 0, None) == ""  # no new PIN asked (an unblock)
