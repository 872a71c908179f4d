"""The card PIN and the query password at the counter (RULES P2, P4–P8), from login to
the result and its PDF, on the real services and the emulated card."""

from __future__ import annotations

from typing import Any

import pytest

from counter_app.demo.accounts import fixed_holder
from counter_app.services.permissions import Action
from counter_app.ui.workflows.access_slip import AccessSlipDialog
from tests.e2e.id_typing import choose_reason

pytestmark = pytest.mark.gui


def chip_pin(c: Any) -> str:
    return str(c.ws.transport.card.to_profile()["pin"])


def end_with_slip(c: Any, name: str) -> str:
    """结束服务: the access slip, saved as PDF; its text."""
    c.click(c.window.end_button)
    (slip,) = [d for d in c.window.findChildren(AccessSlipDialog) if d.isVisible()]
    return str(c.save_pdf(slip, name))


def type_document(c: Any, field: Any, number: str) -> None:
    field.clear()
    c.qtbot.keyClicks(field, number)
    choose_reason(field)


@pytest.mark.also_postgres
@pytest.mark.also_remote
def test_P2_default_pin_changed_after_the_id_check(counter: Any) -> None:
    """王建国's PIN is still 123456: his ID document is checked by the service before he
    types any new PIN; a wrong number leaves the keypad closed."""
    c = counter("YB500103-01")
    holder = fixed_holder("active_default_pin")
    c.card_session("active_default_pin", "123456")
    d = c.start(Action.CHANGE_PIN)
    type_document(c, d.id_number, fixed_holder("active_changed_pin").ssn)
    c.next(d)
    assert "不一致" in d.banner.text() and not c.ws.pin_entry.keypad.active
    type_document(c, d.id_number, holder.ssn)
    c.next(d)
    assert d.stack.currentWidget() is d.pin_page and not d.banner.isVisible()
    c.next(d)
    for pin in ("123456", "802413", "802413"):
        c.type_pin(pin)
    assert "成功" in d.result_label.text(), d.banner.text()
    assert chip_pin(c) == "802413"
    c.click(d.close_button)
    text = end_with_slip(c, "p2-slip")
    assert "王建国" in text and "修改卡密码" in text


@pytest.mark.also_remote
def test_P4_non_default_pin_change(counter: Any) -> None:
    c = counter("YB500103-01")
    holder = fixed_holder("active_changed_pin")  # 李秀英, PIN 135790
    c.card_session("active_changed_pin")
    d = c.start(Action.CHANGE_PIN)
    type_document(c, d.id_number, holder.ssn)
    c.next(d)
    c.next(d)
    for pin in ("135790", "246802", "246802"):
        c.type_pin(pin)
    assert "成功" in d.result_label.text(), d.banner.text()
    assert chip_pin(c) == "246802"
    c.click(d.close_button)
    assert "修改卡密码" in end_with_slip(c, "p4-slip")


@pytest.mark.also_postgres
@pytest.mark.also_remote
def test_P5_forgotten_pin_reset_with_four_eyes(counter: Any) -> None:
    """李秀英 forgot her PIN: ID session, card inserted, the service checks the document, a
    supervisor approves (Enter then goes on, not to 取消), she types the new PIN twice."""
    c = counter("YB500103-01")
    holder = fixed_holder("active_changed_pin")
    c.id_session("active_changed_pin")
    c.insert("active_changed_pin")
    assert not c.ws.pin_entry.keypad.active  # no card login over an open session
    d = c.start(Action.RESET_PIN)
    type_document(c, d.id_step.fields.number, fixed_holder("active_default_pin").ssn)
    c.next(d)
    assert "不一致" in d.banner.text() and d.stack.currentWidget() is d.id_step.page
    type_document(c, d.id_step.fields.number, holder.ssn)
    c.next(d)
    c.approve(d, "YB500103-03")
    assert "YB500103-03" in d.approval.status.text()
    assert d.next_button.isDefault() and not d.close_button.isDefault()
    assert not d.close_button.autoDefault() and not d.back_button.autoDefault()
    c.next(d)
    c.type_pin("802413")
    c.type_pin("802413")
    assert "已重置" in d.result_label.text(), d.banner.text()
    assert chip_pin(c) == "802413"
    text = c.save_pdf(d, "reset-receipt")
    assert "密码重置回执" in text and "802413" not in text


@pytest.mark.also_remote
def test_P6_unblock_zhao_qiang(counter: Any) -> None:
    c = counter("YB500103-01")
    holder = fixed_holder("pin_blocked")  # 赵强: three wrong PINs
    c.id_session("pin_blocked")  # the blocked card cannot log in: ID document first
    c.insert("pin_blocked")
    assert c.ws.bridge.identity.pin_tries_left == 0
    d = c.start(Action.UNBLOCK_PIN)
    type_document(c, d.id_step.fields.number, holder.ssn)
    c.next(d)
    assert d.stack.currentWidget() is d.pin_page, d.banner.text()
    c.next(d)
    c.type_pin(holder.pin)
    assert "已解锁" in d.result_label.text(), d.banner.text()
    assert c.ws.transport.card.to_profile()["pin_tries_left"] == 3
    assert "密码解锁回执" in c.save_pdf(d, "unblock-receipt")


@pytest.mark.also_remote
def test_F7_unblock_not_offered_for_an_active_card_whose_pin_is_not_blocked(
    counter: Any,
) -> None:
    c = counter("YB500103-01")
    c.card_session("active_changed_pin")
    assert not c.window.action_buttons[Action.UNBLOCK_PIN].isEnabled()
    assert "未锁定" in c.window.action_buttons[Action.UNBLOCK_PIN].toolTip()
    assert not c.window.action_buttons[Action.LIFT_LOSS_REPORT].isEnabled()


@pytest.mark.also_remote
def test_P8_service_password_reset(counter: Any) -> None:
    c = counter("YB500103-01")
    holder = fixed_holder("active_default_pin")
    c.id_session("active_default_pin")
    d = c.start(Action.RESET_SERVICE_PASSWORD)
    type_document(c, d.id_step.fields.number, holder.ssn)
    c.next(d)
    value = d.value_label.text()
    assert len(value) == 8 and value.isdigit(), d.banner.text()
    c.click(d.close_button)
    text = end_with_slip(c, "p8-slip")
    assert "王建国" in text and value not in text
    # What the services stored (the test's own view of the database; in the city the
    # server stored it): the one-time value's hash, to be changed at the next login.
    from sqlalchemy import text as sql

    from counter_app.db import create_engine_for
    from counter_app.services.password_hashing import verify_password

    engine = create_engine_for(c.db_url)
    try:
        with engine.connect() as conn:
            ((stored, must_change),) = conn.execute(
                sql(
                    "SELECT p.password_hash, p.must_change FROM service_passwords p"
                    " JOIN holders h ON h.id = p.holder_id WHERE h.ssn = :ssn"
                ),
                {"ssn": holder.ssn},
            ).all()
            (workstation,) = conn.execute(
                sql(
                    "SELECT workstation FROM audit_events WHERE outcome = 'success'"
                    " AND action = 'password.service_password_reset' ORDER BY seq DESC"
                )
            ).first()
    finally:
        engine.dispose()
    assert must_change and verify_password(stored, value)
    assert workstation == c.ws.settings.workstation_id
