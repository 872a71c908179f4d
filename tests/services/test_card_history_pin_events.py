"""卡状态与历史 lists the card's password events (RULES P2–P6, and "Channels": the counter
shows what the other channels recorded, a password changed by phone): when, what, the
card, where — never a PIN (a password event holds none). A trial's clerk could not see that
李秀英's PIN had been changed: the history listed only 发卡."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from counter_app.demo.accounts import fixed_holder
from counter_app.models import Card, Holder, Office, Staff
from counter_app.models.security import PasswordEvent
from counter_app.services.context import ServiceContext
from counter_app.services.queries import holder as holder_queries

DAY = dt.datetime(2025, 2, 1, 2, 0, tzinfo=dt.UTC)  # 10:00 in Chongqing


def test_P2_P6_card_history_shows_password_events_of_every_channel(
    ctx: ServiceContext,
) -> None:
    key = fixed_holder("active_changed_pin")  # 李秀英
    with ctx.uow() as uow:
        db = uow.session
        holder_id, card_id, card_number = db.execute(
            select(Holder.id, Card.id, Card.card_number)
            .join(Card, Card.holder_id == Holder.id)
            .where(Holder.ssn == key.ssn)
        ).one()
        staff_id, office_id, office_name = db.execute(
            select(Staff.id, Office.id, Office.name)
            .join(Office, Office.id == Staff.office_id)
            .where(Staff.staff_no == "YB500103-01")
        ).one()

        def event(days: int, kind: str, channel: str, outcome: str, **more: object) -> None:
            counter = channel == "counter"
            db.add(
                PasswordEvent(
                    at=DAY + dt.timedelta(days=days),
                    kind=kind,
                    channel=channel,
                    holder_id=holder_id,
                    card_id=card_id,
                    staff_id=staff_id if counter else None,
                    office_id=office_id if counter else None,
                    outcome=outcome,
                    **more,
                )
            )

        event(0, "pin_change", "phone", "success")
        event(1, "pin_reset", "counter", "success")
        event(2, "pin_unblock", "counter", "unknown", resolved_outcome="success")
        event(3, "pin_change", "counter", "unknown")  # the card has not said yet
        event(4, "pin_change", "counter", "unknown", resolved_outcome="failed")  # did not
        event(5, "pin_change", "terminal", "failed")  # nothing changed on the card
        event(6, "pin_reset", "counter", "refused")
        event(7, "service_password_reset", "counter", "success")  # not the card's (P8)
        db.flush()
        history = holder_queries.overview(db, holder_id, DAY + dt.timedelta(days=30)).history
        uow.rollback()
    shown = [(e.at, e.kind, e.card_number, e.office) for e in history if "密码" in e.kind]
    # The demo's own: 李秀英 changed her PIN by phone before (her PIN is not 123456).
    assert shown[-1][1:] == ("修改卡密码", card_number, "12333") and shown[-1][0] < DAY
    assert shown[:-1] == [
        (DAY + dt.timedelta(days=3), "修改卡密码（结果待核实）", card_number, office_name),
        (DAY + dt.timedelta(days=2), "卡密码解锁", card_number, office_name),
        (DAY + dt.timedelta(days=1), "重置卡密码", card_number, office_name),
        (DAY, "修改卡密码", card_number, "12333"),
    ]
    assert any(e.kind == "发卡" for e in history)  # with the card's other events
