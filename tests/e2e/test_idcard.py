"""The ID check read from the resident ID card (IDCARD.md) on the real stack: the demo
composition's emulated ID card reader on a real pseudo-terminal, 放置身份证 on the demo
panel, 读取身份证 in the ID dialogs; RULES Q7 and P5 (a forgotten PIN reset), and the typed
fallback with its reason. The audit says how the document was checked; the receipt too."""

from __future__ import annotations

import re
from typing import Any

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QDialogButtonBox
from sqlalchemy import select
from sqlalchemy.orm import Session

from counter_app.db import create_engine_for
from counter_app.demo.accounts import fixed_holder
from counter_app.demo.profiles import todays_idcard_profiles
from counter_app.models.audit import AuditEvent
from counter_app.models.card import Card
from counter_app.services.idcheck import ManualReason
from counter_app.services.permissions import Action
from counter_app.ui.id_chip import MANUAL_REASONS
from forms.masking import mask_id_number

pytestmark = pytest.mark.gui

#: IDCARD.md: AA.BB-CCCCCCCC-DDDDDDDDDD-EEEEEEEEEE
SAM_ID = re.compile(r"^\d{2}\.\d{2}-\d{8}-\d{10}-\d{10}$")


def audit_row(c: Any, action: str, outcome: str = "success") -> AuditEvent:
    """The latest audit event of ``action`` in the database (the test's own view: a
    workstation against counter-server has no database)."""
    engine = create_engine_for(c.db_url)
    try:
        with Session(engine) as session:
            row = session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action == action, AuditEvent.outcome == outcome)
                .order_by(AuditEvent.seq.desc())
            ).first()
            assert row is not None, action
            session.expunge(row)
            return row
    finally:
        engine.dispose()


def audit_details(c: Any, action: str) -> dict[str, Any]:
    return dict(audit_row(c, action).details or {})


def demo_id_cards(url: str) -> Any:
    """The fixed demo holders' ID cards, read from the demo database — the people at the
    counter, like the 演示卡 the e2e workstation is given (``load_demo_cards``)."""

    return lambda: todays_idcard_profiles(url)


def place_id_card(c: Any, key: str) -> None:
    """The clerk takes the ID card off the reader and places it (IDCARD.md: after a read
    the card must be taken away and placed again)."""
    panel = c.window.demo_id_panel
    if not c.window.id_station.demo_numbers():  # a city workstation: no database of its own
        c.window.id_station.use_demo_cards(demo_id_cards(c.db_url))
    c.click(panel.remove_button)
    assert panel.place(fixed_holder(key).ssn)


def read_chip(c: Any, chip: Any) -> None:
    c.click(chip.read_button)
    c.qtbot.waitUntil(lambda: chip.read_button.isEnabled())
    assert chip.reading is not None, chip.status.text()


def chip_session(c: Any, key: str) -> None:
    """RULES Q7: 核验证件并查看 with the holder's ID card read from the chip."""
    holder = fixed_holder(key)
    c.search(holder.ssn)
    c.click(c.window.search_pane.open_button)
    dialog = c.window.id_dialog
    place_id_card(c, key)
    read_chip(c, dialog.chip)
    # Masked on screen (IDCARD.md); the document keeps the full number for the service.
    assert dialog.number.text() == mask_id_number(holder.ssn)
    assert dialog.chip.full_number() == holder.ssn
    assert holder.name in dialog.chip.chip_text.text()
    assert not dialog.chip.photo.pixmap().isNull()  # the face to compare
    c.qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton
    )
    assert not dialog.isVisible(), dialog.error.text()
    assert dialog.chip.photo.pixmap().isNull()  # released with the dialog
    opened = audit_details(c, "session.open")
    assert opened["id_check"] == "chip" and SAM_ID.match(opened["sam_id"])


@pytest.mark.also_remote
def test_P5_forgotten_pin_reset_with_the_id_card_on_the_emulated_reader(counter: Any) -> None:
    c = counter("YB500103-01", four_eyes=False)
    holder = fixed_holder("active_changed_pin")  # 李秀英 forgot her PIN
    chip_session(c, "active_changed_pin")
    c.insert("active_changed_pin")
    d = c.start(Action.RESET_PIN)
    chip = d.id_step.fields.chip
    place_id_card(c, "active_changed_pin")
    read_chip(c, chip)
    assert d.id_step.fields.number.text() == mask_id_number(holder.ssn)
    assert d.id_step.fields.chip.full_number() == holder.ssn
    assert not chip.photo.pixmap().isNull() and chip.photo.isVisible()
    c.next(d)
    assert d.stack.currentWidget() is not d.id_step.page, d.banner.text()
    assert chip.photo.pixmap().isNull() and chip.reading is not None  # portrait released
    assert chip.reading.portrait is None
    c.next(d)
    c.type_pin("802413")
    c.type_pin("802413")
    assert "已重置" in d.result_label.text(), d.banner.text()
    assert str(c.ws.transport.card.to_profile()["pin"]) == "802413"
    row = audit_row(c, "password.pin_reset")
    details = dict(row.details or {})
    assert details["id_check"] == "chip" and SAM_ID.match(details["sam_id"])
    assert row.workstation == c.ws.settings.workstation_id  # the server's view, in the city
    assert "manual_reason" not in details
    text = c.save_pdf(d, "reset-chip")
    assert "芯片核验" in text and "人工录入" not in text


@pytest.mark.also_remote
def test_P6_typed_number_with_its_reason_when_the_chip_cannot_be_read(counter: Any) -> None:
    c = counter("YB500103-01", four_eyes=False)
    holder = fixed_holder("pin_blocked")  # 赵强
    c.id_session("pin_blocked")
    c.insert("pin_blocked")
    d = c.start(Action.UNBLOCK_PIN)
    fields = d.id_step.fields
    c.click(c.window.demo_id_panel.remove_button)  # no card on the reader: the read fails
    c.window.id_station.polls = 1
    c.click(fields.chip.read_button)
    c.qtbot.waitUntil(lambda: fields.chip.read_button.isEnabled())
    assert fields.chip.reading is None and "身份证" in fields.chip.status.text()
    assert fields.chip.reason.currentIndex() == -1  # the reason is the clerk's to choose
    fields.chip.reason.setCurrentIndex(MANUAL_REASONS.index(ManualReason.CHIP_UNREADABLE))
    fields.number.clear()
    c.qtbot.keyClicks(fields.number, holder.ssn)
    c.next(d)
    assert d.stack.currentWidget() is d.pin_page, d.banner.text()
    c.next(d)
    c.type_pin(holder.pin)
    assert "已解锁" in d.result_label.text(), d.banner.text()
    details = audit_details(c, "password.pin_unblock")
    assert details["id_check"] == "manual" and details["manual_reason"] == "chip_unreadable"
    assert "sam_id" not in details
    assert "人工录入（证件芯片无法读取）" in c.save_pdf(d, "unblock-typed")


def card_state(c: Any, card_number: str) -> str:
    engine = create_engine_for(c.db_url)
    try:
        with engine.connect() as conn:
            state = conn.scalar(select(Card.state).where(Card.card_number == card_number))
    finally:
        engine.dispose()
    return str(getattr(state, "value", state))


@pytest.mark.also_postgres
@pytest.mark.also_remote
def test_U5_lift_of_a_blocked_chip_at_huang_mins_district_with_her_id_card(
    counter: Any,
) -> None:
    """黄敏's card is reported lost and a hospital terminal blocked its application (CARD.md
    APPLICATION BLOCK). At 北碚区's sub-center (her household district, RULES U2) her
    resident ID card is read from the chip, a supervisor approves, the chip is unblocked
    with the MAINT key's MAC (the server's, in the city) and her PIN proves the card (U5)."""
    holder = fixed_holder("app_blocked")
    c = counter("YB500109-01")
    c.insert("app_blocked")
    assert c.ws.transport.card.to_profile()["app_state"] == "blocked"
    d = c.start(Action.LIFT_LOSS_REPORT)
    c.next(d)
    chip = d.id_step.fields.chip
    place_id_card(c, "app_blocked")
    read_chip(c, chip)
    assert d.id_step.fields.number.text() == mask_id_number(holder.ssn)
    c.next(d)
    assert d.stack.currentWidget() is d.check_page, d.banner.text()
    assert d.checklist.ok and d.checklist.app_blocked
    c.next(d)
    c.approve(d, "YB500109-03")
    assert d.stack.currentWidget() is d.pin_page, d.banner.text()
    c.next(d)
    c.type_pin(holder.pin)
    assert "挂失已解除" in d.result_label.text(), d.banner.text()
    assert c.ws.transport.card.to_profile()["app_state"] == "ok"
    assert card_state(c, holder.card_number) == "active"
    row = audit_row(c, "loss.lift")
    details = dict(row.details or {})
    assert details["app_unblocked"] is True and details["id_check"] == "chip"
    assert SAM_ID.match(details["sam_id"]) and details["approval_id"]
    assert row.workstation == c.ws.settings.workstation_id
    text = c.save_pdf(d, "lift-blocked-chip")
    assert "解除挂失" in text and "黄敏" in text and "芯片核验" in text


def test_P2_a_good_chip_read_clears_the_banner_about_the_missing_number(counter: Any) -> None:
    """修改卡密码 (and every workflow with the document fields): 下一步 with no number says
    未输入身份证号码 in red; the holder's ID card read from the chip answers it, so the
    banner goes (a trial saw it stay up beside the good read)."""
    c = counter("YB500103-01")
    c.card_session("active_default_pin", "123456")
    d = c.start(Action.CHANGE_PIN)
    c.next(d)
    assert d.banner.isVisible() and "未输入身份证号码" in d.banner.text()
    place_id_card(c, "active_default_pin")
    read_chip(c, d.documents.chip)
    assert not d.banner.isVisible(), d.banner.text()
    c.next(d)
    assert d.stack.currentWidget() is d.pin_page, d.banner.text()
