"""RULES P6 with Q1: after 赵强's unblock the holder types the PIN to confirm it; on a wrong
PIN the holder simply types again (as on a touch screen) while tries are left — the result
page offers 请持卡人重新输入密码 instead of ending there, and still points to 重置遗忘密码
(F6). A last wrong try locks the PIN again and says so. Each answer of the card is in the
audit trail (RULES Q7), in-process and through counter-server alike, never the PIN."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtWidgets import QApplication
from sqlalchemy import select
from sqlalchemy.orm import Session

from counter_app.db import create_engine_for
from counter_app.demo.accounts import fixed_holder
from counter_app.models.audit import AuditEvent
from counter_app.services.permissions import Action
from counter_app.ui.workflows.unblock import UnblockDialog
from tests.e2e.test_passwords import type_document

pytestmark = pytest.mark.gui


def _unblocked_with(c: Any, pin: str) -> UnblockDialog:
    holder = fixed_holder("pin_blocked")  # 赵强: three wrong PINs
    c.id_session("pin_blocked")
    c.insert("pin_blocked")
    d = c.start(Action.UNBLOCK_PIN)
    assert isinstance(d, UnblockDialog)
    type_document(c, d.id_step.fields.number, holder.ssn)
    c.next(d)
    assert d.stack.currentWidget() is d.pin_page, d.banner.text()
    c.next(d)
    c.type_pin(pin)
    assert "已解锁" in d.result_label.text(), d.banner.text()
    return d


def _verify_events(c: Any) -> list[tuple[str, str, Any]]:
    """(action, outcome, tries left) of the audited answers to the holder's PIN after the
    unblock, oldest first (the test's own view of the database)."""
    engine = create_engine_for(c.db_url)
    try:
        with Session(engine) as session:
            rows = session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action.like("password.pin_unblock_verify%"))
                .order_by(AuditEvent.seq)
            ).all()
            for row in rows:  # never the PIN (the ones this test types)
                for pin in ("111111", "222222", "333333", fixed_holder("pin_blocked").pin):
                    assert pin not in repr(row.details), row.details
            return [(r.action, r.outcome, (r.details or {}).get("tries_left")) for r in rows]
    finally:
        engine.dispose()


def _tries(c: Any) -> int:
    return int(c.ws.transport.card.to_profile()["pin_tries_left"])


@pytest.mark.also_remote
def test_Q1_P6_wrong_pin_after_the_unblock_the_holder_types_again(counter: Any) -> None:
    c = counter("YB500103-01")
    d = _unblocked_with(c, "111111")
    text = d.result_label.text()
    assert "不正确" in text and "还可尝试 2 次" in text and "F6" in text
    assert d.again_button.isVisible() and d.again_button.isEnabled()
    assert _tries(c) == 2
    c.click(d.again_button)
    assert c.ws.pin_entry.keypad.active  # the holder keypad again
    c.type_pin("222222")
    assert "还可尝试 1 次" in d.result_label.text(), d.banner.text()
    assert d.again_button.isVisible()
    c.click(d.again_button)
    c.type_pin(fixed_holder("pin_blocked").pin)
    assert "验证成功" in d.result_label.text(), d.banner.text()
    assert "不正确" not in d.result_label.text()
    assert not d.again_button.isVisible()
    assert _tries(c) == 3
    verify = "password.pin_unblock_verify"
    assert _verify_events(c) == [
        (verify, "failed", 2),
        (verify, "failed", 1),
        (verify, "success", None),
    ]
    assert "密码解锁回执" in c.save_pdf(d, "unblock-again-receipt")
    c.click(d.close_button)
    QApplication.processEvents()
    assert c.window.action_buttons[Action.CHANGE_PIN].isEnabled()


def test_P6_a_last_wrong_try_after_the_unblock_locks_the_pin_again(counter: Any) -> None:
    c = counter("YB500103-01")
    d = _unblocked_with(c, "111111")
    for wrong in ("222222", "333333"):
        c.click(d.again_button)
        c.type_pin(wrong)
    assert "重新锁定" in d.result_label.text(), d.banner.text()
    assert "F6" in d.result_label.text()
    assert not d.again_button.isVisible()
    assert _tries(c) == 0
    verify = "password.pin_unblock_verify"
    assert _verify_events(c) == [
        (verify, "failed", 2),
        (verify, "failed", 1),
        (verify + ".refused", "refused", 0),
    ]
    c.click(d.close_button)
    QApplication.processEvents()
    assert c.window.action_buttons[Action.UNBLOCK_PIN].isEnabled()  # F7 again
