"""Loss reports, lifts and replacements at the counter (RULES L2–L4, U1–U5, R1–R2), from
login to the form saved as PDF, on the real services and the emulated cards."""

from __future__ import annotations

from typing import Any

import pytest

from counter_app.demo.accounts import fixed_holder
from counter_app.services.permissions import Action
from counter_app.ui.workflows.lift import LiftDialog
from forms.masking import mask_card_number
from reader.emulator.card import EmulatedCard
from tests.e2e.id_typing import choose_reason

pytestmark = pytest.mark.gui


def card_state(c: Any, key: str) -> str:
    """The card's state as the database has it (the test's own view: a workstation through
    counter-server has no database)."""
    from sqlalchemy import select

    from counter_app import db
    from counter_app.models.card import Card

    engine = db.create_engine_for(c.db_url)
    try:
        with engine.connect() as conn:
            state = conn.scalar(
                select(Card.state).where(Card.card_number == fixed_holder(key).card_number)
            )
    finally:
        engine.dispose()
    return str(getattr(state, "value", state))


def fill_loss(c: Any, d: Any, ssn: str) -> None:
    for field, text in ((d.documents.number, ssn), (d.phone, "13800138000"), (d.place, "解放碑")):
        field.setText(text)
    d.circumstances.setPlainText("乘公交时遗失")
    choose_reason(d.documents.number)


def written_loss(c: Any, key: str) -> tuple[Any, str]:
    holder = fixed_holder(key)
    c.id_session(key)  # the card is lost: identified by the ID document
    d = c.start(Action.WRITTEN_LOSS_REPORT)
    fill_loss(c, d, holder.ssn)
    c.next(d)
    assert d.stack.currentIndex() == 1, d.banner.text()
    assert holder.ssn not in d.summary.text()  # masked on screen
    c.next(d)
    return d, c.save_pdf(d, f"loss-{key}")


@pytest.mark.also_postgres
@pytest.mark.also_remote
def test_L3_written_report_confirms_zhang_weis_phone_report(counter: Any) -> None:
    c = counter("YB500103-01")
    d, text = written_loss(c, "phone_lost")
    assert "挂失登记表" in text and "张伟" in text
    assert "电话挂失" in d.result_label.text(), d.result_label.text()
    assert card_state(c, "phone_lost") == "lost"


def test_L3_written_report_without_a_phone_report(counter: Any) -> None:
    c = counter("YB500103-01")
    d, text = written_loss(c, "active_changed_pin")  # 李秀英 lost her active card
    assert "挂失登记表" in text and "李秀英" in text
    assert "电话挂失" not in d.result_label.text()
    assert card_state(c, "active_changed_pin") == "lost"


def lift_to_checklist(c: Any, key: str, number: str | None = None) -> LiftDialog:
    """The holder brings the found card: it is inserted, the clerk presses F9 (offered
    because the records hold the card as lost) and checks the ID document."""
    c.insert(key)
    d = c.start(Action.LIFT_LOSS_REPORT)
    assert isinstance(d, LiftDialog)
    card = fixed_holder(key).card_number  # read from the chip, shown masked
    assert mask_card_number(card) in d.card_label.text()
    assert card not in d.card_label.text()
    c.next(d)
    field = d.id_step.fields.number
    field.clear()
    c.qtbot.keyClicks(field, number or fixed_holder(key).ssn)
    choose_reason(field)
    c.next(d)
    assert d.stack.currentWidget() is d.check_page, d.banner.text()
    return d


def failed_lines(d: LiftDialog) -> list[str]:
    items = [d.check_list.item(i) for i in range(d.check_list.count())]
    return [i.text() for i in items if i is not None and i.text().startswith("✘")]


@pytest.mark.also_postgres
@pytest.mark.also_remote
def test_U2_lift_at_chen_mings_district_with_four_eyes(counter: Any) -> None:
    c = counter("YB500105-01")  # 江北区, 陈明's household district
    d = lift_to_checklist(c, "written_lost")
    assert d.checklist.ok and not failed_lines(d)
    c.next(d)
    c.approve(d, "YB500105-03")
    assert d.stack.currentWidget() is d.pin_page, d.banner.text()
    assert d.next_button.isDefault() and not d.close_button.isDefault()
    c.next(d)
    c.type_pin(fixed_holder("written_lost").pin)
    assert "挂失已解除" in d.result_label.text(), d.banner.text()
    assert card_state(c, "written_lost") == "active"
    text = c.save_pdf(d, "lift")
    assert "解除挂失" in text and "陈明" in text


@pytest.mark.also_remote
def test_U2_lift_refused_at_another_district(counter: Any) -> None:
    """Refused as F9 opens the lift, with the card alone: no ID step for nothing."""
    c = counter("YB500103-01")  # 渝中区, not 陈明's district
    c.insert("written_lost")
    d = c.start(Action.LIFT_LOSS_REPORT)
    assert d.stack.currentWidget() is d.card_page
    assert "江北区医疗保险分中心" in d.banner.text()
    assert not d.next_button.isEnabled()
    assert card_state(c, "written_lost") == "lost"


def test_U4_no_lift_once_a_replacement_was_applied_for(counter: Any) -> None:
    c = counter("YB500108-01")  # 杨丽's own district
    c.insert("replacement_applied")
    button = c.window.action_buttons[Action.LIFT_LOSS_REPORT]
    assert not button.isEnabled() and "不能再解除挂失" in button.toolTip()
    assert card_state(c, "replacement_applied") == "replacement_applied"


@pytest.mark.also_remote
def test_U5_lift_refused_for_another_card_presented(counter: Any) -> None:
    """A card with 陈明's printed number but another chip: not the card reported lost."""
    c = counter("YB500105-01")
    number = fixed_holder("written_lost").card_number
    (profile,) = [p for p, _n in c.ws.demo_cards if p["card_number"] == number]
    other = dict(profile, card_id_code="500105D156000005FFFFFFFFFFFFFFFF")
    c.ws.transport.insert(EmulatedCard.from_profile(other))
    c.ws.bridge.notify_inserted()
    d = c.start(Action.LIFT_LOSS_REPORT)
    assert d.stack.currentWidget() is d.card_page  # refused with the card alone
    assert "不是挂失的那张卡" in d.banner.text() and not d.next_button.isEnabled()
    assert card_state(c, "written_lost") == "lost"


@pytest.mark.also_postgres
@pytest.mark.also_remote
def test_R1_replacement_application(counter: Any) -> None:
    c = counter("YB500103-01")
    holder = fixed_holder("phone_lost")  # 张伟, phone-reported lost
    c.id_session("phone_lost")
    d = c.start(Action.REPLACEMENT_APPLICATION)
    c.qtbot.keyClicks(d.id_step.fields.number, holder.ssn)
    choose_reason(d.id_step.fields.number)
    c.next(d)
    assert d.stack.currentWidget() is d.confirm_page, d.banner.text()
    d.understood.setChecked(True)
    c.next(d)
    assert "补卡申请已受理" in d.result_label.text(), d.banner.text()
    assert card_state(c, "phone_lost") == "replacement_applied"
    text = c.save_pdf(d, "replacement")
    assert "补卡申请表" in text and "张伟" in text
