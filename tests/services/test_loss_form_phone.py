"""RULES L3, E3: the 联系电话 a holder gives on the loss registration form is how the office
reaches them from then on. It becomes the holder's contact phone — the one the follow-up of
a poor rating (回访) calls and every later form prints; a trial's follow-up list showed the
holder's old number (137****9277) after a written report giving 13800138000. The audit
event says that the phone changed, never the number."""

from __future__ import annotations

import datetime as dt
import json
import uuid

from sqlalchemy import select

from counter_app.models import AuditEvent
from counter_app.models.case import RatingLevel, RatingReason
from counter_app.models.holder import Holder
from counter_app.services import cases, followups, ratings, sessions, written_reports
from counter_app.services.context import ServiceContext
from counter_app.services.ratings import RatingAnswer
from tests.id_documents import manual_doc
from tests.services.conftest import actor_for, holder_id_of

CLERK = "YB500103-01"
SUPERVISOR = "YB500103-03"
SSN = "500103196803150310"  # 王建国 (active_default_pin)
GIVEN = "13800138000"


def _written(ctx: ServiceContext, phone: str) -> written_reports.WrittenLossResult:
    details = written_reports.WrittenLossInput(
        contact_phone=phone,
        loss_date=dt.date(2025, 3, 9),
        loss_place="解放碑",
        circumstances="乘公交时遗失",
        id_document=manual_doc(SSN),
    )
    return written_reports.register_written_loss(
        ctx, actor_for(ctx, CLERK), holder_id_of(ctx, "active_default_pin"), details,
        uuid.uuid4().hex,
    )  # fmt: skip


def _phone(ctx: ServiceContext, holder_id: int) -> str | None:
    with ctx.uow() as uow:
        return uow.session.scalar(select(Holder.phone).where(Holder.id == holder_id))


def test_L3_E3_the_form_phone_is_the_one_the_follow_up_calls(ctx: ServiceContext) -> None:
    clerk = actor_for(ctx, CLERK)
    holder_id = holder_id_of(ctx, "active_default_pin")
    old = _phone(ctx, holder_id)
    assert old and old != GIVEN
    session = sessions.open_id_session(ctx, clerk, holder_id, manual_doc(SSN), "办理书面挂失")
    result = _written(ctx, GIVEN)
    assert result.form.holder.phone == GIVEN
    assert _phone(ctx, holder_id) == GIVEN
    sessions.end_session(ctx, clerk, session)
    case_no = cases.case_of_session(ctx, clerk, session.session_id).case_no
    ratings.record_rating(
        ctx, clerk, case_no, RatingAnswer(RatingLevel.DISSATISFIED, (RatingReason.EFFICIENCY,), "")
    )
    supervisor = actor_for(ctx, SUPERVISOR)
    [item] = followups.open_followups(ctx, supervisor)
    assert item.masked_phone == "138****8000"
    assert followups.reveal_followup_phone(ctx, supervisor, item.followup_id) == GIVEN
    with ctx.uow() as uow:
        (event,) = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "loss.written")
        ).all()
        details, reason = event.details, event.reason
    assert details["contact_phone_updated"] is True
    written = json.dumps([details, reason], ensure_ascii=False)
    assert GIVEN not in written and old not in written and GIVEN[-4:] not in written


def test_L3_the_same_phone_given_again_changes_nothing(ctx: ServiceContext) -> None:
    holder_id = holder_id_of(ctx, "active_default_pin")
    old = _phone(ctx, holder_id)
    assert old is not None
    _written(ctx, old)
    assert _phone(ctx, holder_id) == old
    with ctx.uow() as uow:
        (event,) = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "loss.written")
        ).all()
        assert event.details["contact_phone_updated"] is False
