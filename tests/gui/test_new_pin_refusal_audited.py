"""RULES P7 with S3: the holder keypad refuses a weak new PIN (or a second entry that
differs) at once, before any card or service call — and each refusal is audited through
the service interface (``record_new_pin_refused``): which rule, never a digit."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from counter_app.models.audit import AuditEvent
from counter_app.services.new_pin_refusal import NewPinRefusal
from counter_app.services.permissions import Action
from counter_app.services.pin_refusals import KEYPAD_STEP
from tests.e2e.id_typing import choose_reason
from tests.gui.test_workflows import card_session, document_checked, type_pin, wf  # noqa: F401
from tests.gui.test_workflows_more import counter, demo_template  # noqa: F401

pytestmark = pytest.mark.gui


def test_P7_S3_change_pin_keypad_refusals_go_to_the_audit(wf: Any, reader: Any) -> None:  # noqa: F811
    card_session(wf, reader)
    wf.action_buttons[Action.CHANGE_PIN].click()
    d = wf.workflow
    document_checked(d)
    d.next()
    type_pin(wf, "135790")  # the old PIN
    type_pin(wf, "111111")  # weak: refused on the keypad
    type_pin(wf, "802413")
    type_pin(wf, "802419")  # differs from the first entry
    refusals = [args for name, args in wf.gateway.calls if name == "record_new_pin_refused"]
    assert refusals == [
        (Action.CHANGE_PIN, NewPinRefusal.TOO_SIMPLE),
        (Action.CHANGE_PIN, NewPinRefusal.ENTRIES_DIFFER),
    ]
    type_pin(wf, "802413")
    type_pin(wf, "802413")
    assert "成功" in d.result_label.text(), d.banner.text()
    assert len([c for c in wf.gateway.calls if c[0] == "record_new_pin_refused"]) == 2


def test_P7_S3_reset_pin_keypad_refusals_are_in_the_audit_trail(counter: Any) -> None:  # noqa: F811
    """With the real services on the demo database: a reset whose holder first types
    777777 (six equal digits), then two different entries, then a good PIN twice."""
    from counter_app.demo.accounts import fixed_holder

    c = counter("YB500103-01", four_eyes=False)
    c.id_session("active_changed_pin")
    card = c.insert("active_changed_pin")
    d = c.start(Action.RESET_PIN)
    d.id_step.fields.number.setText(fixed_holder("active_changed_pin").ssn)
    choose_reason(d.id_step.fields.number)
    d.next()
    d.next()
    c.type_pin("777777")
    assert "过于简单" in c.pins.keypad.message_label.text()
    c.type_pin("802413")
    c.type_pin("802419")
    assert "不一致" in c.pins.keypad.message_label.text()
    c.type_pin("802413")
    c.type_pin("802413")
    assert "已重置" in d.result_label.text(), d.banner.text()
    assert card.to_profile()["pin"] == "802413"
    holder_id = c.win.holder.session.holder_id
    with c.ws.ctx.uow() as uow:
        refused = [
            (
                e.outcome,
                (e.details or {}).get("refusal"),
                (e.details or {}).get("step"),
                e.holder_id,
            )
            for e in uow.session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action == "password.pin_reset.refused")
                .order_by(AuditEvent.seq)
            )
        ]
        everything = [
            str(getattr(event, column.key))
            for event in uow.session.scalars(select(AuditEvent))
            for column in AuditEvent.__table__.columns
        ]
    assert refused == [
        ("refused", "weak_pin", KEYPAD_STEP, holder_id),
        ("refused", "pins_differ", KEYPAD_STEP, holder_id),
    ]
    for typed in ("777777", "802413", "802419"):  # no PIN the holder typed, anywhere
        assert not [v for v in everything if typed in v], typed
