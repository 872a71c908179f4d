"""修改卡密码 on the reader's PIN pad (RULES P2–P4, P7), with the demo panel acting as the
pad: the holder types old, new and new again on the pad; the PC's keypad never asks; the
holder-facing notice states the P7 rule the workstation cannot check on this path; the ID
number is required first (the workstation cannot know whether the old PIN is 123456)."""

from __future__ import annotations

from typing import Any

import pytest

from counter_app.demo.accounts import FIXED_HOLDERS
from counter_app.services.permissions import Action
from counter_app.ui.workflows.change_pin import ChangePinDialog
from tests.e2e.id_typing import choose_reason
from tests.gui.test_pinpad import counter, demo_url  # noqa: F401 - the same workstation

pytestmark = pytest.mark.gui


def _card_session_on_the_pad(qtbot: Any, ws: Any, win: Any, row: int) -> Any:
    pad, panel = ws.demo_pinpad, win.demo_panel
    panel.set_pinpad(True)
    holder = FIXED_HOLDERS[row]
    panel.insert(row)
    qtbot.waitUntil(lambda: pad.waiting, timeout=10000)
    pad.type_pin(holder.pin)
    qtbot.waitUntil(lambda: win.holder.overview is not None, timeout=10000)
    return holder


def test_P4_change_pin_on_the_reader_pin_pad(qtbot: Any, counter: Any) -> None:  # noqa: F811
    ws, win = counter
    pad = ws.demo_pinpad
    holder = _card_session_on_the_pad(qtbot, ws, win, 1)  # 李秀英, a changed PIN
    typed_on_pc: list[Any] = []
    ws.pin_entry.keypad.submitted.connect(typed_on_pc.append)
    win.action_buttons[Action.CHANGE_PIN].click()
    d = win.workflow
    assert isinstance(d, ChangePinDialog)

    d.next()  # no ID number: refused before the pad is asked (P2 on this path)
    assert "身份证号码" in d.banner.text() and not pad.waiting

    d.id_number.setText(holder.ssn)
    choose_reason(d.id_number)
    d.next()  # the service checks the document
    d.next()  # the holder types on the pad
    prompts: list[str] = []
    for digits in (holder.pin, "802413", "802413"):
        qtbot.waitUntil(lambda: pad.waiting, timeout=10000)
        notice = ws.pin_entry.panel
        assert notice.currentWidget() is notice.pinpad
        prompts.append(notice.pinpad.purpose.text())
        pad.type_pin(digits)
    qtbot.waitUntil(lambda: "成功" in d.result_label.text(), timeout=10000)
    assert ws.transport.card.to_profile()["pin"] == "802413"
    assert typed_on_pc == [] and not ws.pin_entry.keypad.active  # never on the PC
    assert all("123456" in p and "连续数字" in p for p in prompts)  # P7 told to the holder
    assert "802413" not in d.result_label.text() + d.status.text()


def test_wrong_old_pin_on_the_pad_changes_nothing(qtbot: Any, counter: Any) -> None:  # noqa: F811
    ws, win = counter
    pad = ws.demo_pinpad
    holder = _card_session_on_the_pad(qtbot, ws, win, 1)
    win.action_buttons[Action.CHANGE_PIN].click()
    d = win.workflow
    d.id_number.setText(holder.ssn)
    choose_reason(d.id_number)
    d.next()  # the service checks the document
    d.next()  # the holder types on the pad
    for digits in ("000000" if holder.pin != "000000" else "111111", "802413", "802413"):
        qtbot.waitUntil(lambda: pad.waiting, timeout=10000)
        pad.type_pin(digits)
    qtbot.waitUntil(lambda: "2" in d.banner.text(), timeout=10000)  # tries left
    assert ws.transport.card.to_profile()["pin"] == holder.pin
    assert not ws.pin_entry.active  # the notice is gone
