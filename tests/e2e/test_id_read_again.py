"""The ID card read at 核验证件 and the action that follows, on the real stack (the demo
composition's emulated ID card reader on a real pseudo-terminal): IDCARD.md — the reader
does not find a card again until it is lifted and placed again — and RULES E1/P5 — one
holder's service; the action's ID check is the service's. The card left on the reader is
not read again; the clerk is told to lift and place it, no manual reason is chosen for
them, and the ID card the service accepted at 核验证件 is offered to the action."""

from __future__ import annotations

from typing import Any

import pytest

from counter_app.demo.accounts import fixed_holder
from counter_app.services.permissions import Action
from forms.masking import mask_id_number
from tests.e2e.test_idcard import SAM_ID, audit_details, audit_row, chip_session

pytestmark = pytest.mark.gui


@pytest.mark.also_remote
def test_P5_reset_with_the_id_card_read_at_the_check_still_on_the_reader(counter: Any) -> None:
    c = counter("YB500103-01", four_eyes=False)
    holder = fixed_holder("active_changed_pin")  # 李秀英 forgot her PIN
    chip_session(c, "active_changed_pin")  # her ID card read and accepted at 核验证件
    c.insert("active_changed_pin")
    d = c.start(Action.RESET_PIN)
    chip = d.id_step.fields.chip
    assert chip.recent_button.isVisible(), chip.status.text()
    c.window.id_station.polls = 1
    c.click(chip.read_button)  # the card still lies on the reader, as read
    c.qtbot.waitUntil(lambda: chip.read_button.isEnabled())
    assert chip.reading is None
    assert "请将身份证拿起后重新放置" in chip.status.text()
    assert "使用本次服务已核验的身份证" in chip.status.text()
    assert chip.reason.currentIndex() == -1  # no 证件芯片无法读取 chosen for the clerk
    c.click(chip.recent_button)  # the clerk confirms: the same holder, the same card
    assert d.id_step.fields.number.text() == mask_id_number(holder.ssn)
    assert chip.full_number() == holder.ssn
    c.next(d)
    assert d.stack.currentWidget() is not d.id_step.page, d.banner.text()
    c.next(d)
    c.type_pin("802413")
    c.type_pin("802413")
    assert "已重置" in d.result_label.text(), d.banner.text()
    details = audit_details(c, "password.pin_reset")
    assert details["id_check"] == "chip" and SAM_ID.match(details["sam_id"])
    # RULES E1: not a fresh read — the earlier one of this service, found by the service
    opened = audit_row(c, "session.open")
    assert details["id_reused"] == "same_case" and details["reused_from"] == str(opened.seq)
