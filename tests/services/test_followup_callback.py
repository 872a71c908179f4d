"""RULES E3: the supervisor calls the holder back (回访) about a poor rating. The follow-up
list names what the holder complained about and their contact phone masked; the full number
is given for one open follow-up of the supervisor's own office, audited as the lapsing phone
reports' reveal is (RULES L2, Q7: who, when, whose, why — never the number)."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from sqlalchemy import select, update

from counter_app.models import AuditEvent
from counter_app.models.case import RatingLevel, RatingReason
from counter_app.models.holder import Holder
from counter_app.models.holder_session import HolderSessionRow
from counter_app.services import cases, followups, ratings, sessions
from counter_app.services.case_errors import FollowUpNotFound
from counter_app.services.context import ServiceContext
from counter_app.services.errors import NotPermitted
from counter_app.services.ratings import RatingAnswer
from forms.masking import mask_phone
from tests.services.conftest import actor_for
from tests.services.test_cases import CLERK, card_session, id_session

SUPERVISOR = "YB500103-03"
PHONE = "13812341234"


def _poor_case(ctx: ServiceContext, by_card: bool = True) -> tuple[str, int]:
    """A closed case rated 非常不满意 with two reasons and a comment: (case_no, holder_id)."""
    clerk = actor_for(ctx, CLERK)
    session = card_session(ctx) if by_card else id_session(ctx)
    sessions.end_session(ctx, clerk, session)
    case_no = cases.case_of_session(ctx, clerk, session.session_id).case_no
    answer = RatingAnswer(
        RatingLevel.VERY_DISSATISFIED,
        (RatingReason.ATTITUDE, RatingReason.PROCESS),
        "<b>排队太久</b>",
    )
    ratings.record_rating(ctx, clerk, case_no, answer)
    return case_no, session.holder_id


def _set_phone(ctx: ServiceContext, holder_id: int, phone: str | None) -> None:
    with ctx.uow() as uow:
        uow.session.execute(update(Holder).where(Holder.id == holder_id).values(phone=phone))
        uow.commit()


def _events(ctx: ServiceContext, action: str) -> list[Any]:
    with ctx.uow() as uow:
        rows = list(
            uow.session.scalars(
                select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)
            )
        )
        uow.session.expunge_all()
        return rows


def _card_of_session(ctx: ServiceContext, case_no: str) -> int | None:
    supervisor = actor_for(ctx, SUPERVISOR)
    info = cases.get_case(ctx, supervisor, case_no)
    with ctx.uow() as uow:
        return uow.session.scalar(
            select(HolderSessionRow.card_id).where(HolderSessionRow.id == info.session_id)
        )


def test_E3_the_follow_up_names_the_complaint_and_masks_the_phone(ctx: ServiceContext) -> None:
    case_no, holder_id = _poor_case(ctx)
    _set_phone(ctx, holder_id, PHONE)
    supervisor = actor_for(ctx, SUPERVISOR)
    [item] = followups.open_followups(ctx, supervisor)
    assert (item.case_no, item.level_label, item.reasons, item.comment) == (
        case_no,
        "非常不满意",
        ("态度", "流程"),
        "<b>排队太久</b>",  # the holder's words as stored: the screen shows them as text
    )
    assert item.staff_no == CLERK and item.staff_name
    assert item.masked_phone == mask_phone(PHONE) == "138****1234"
    assert PHONE not in json.dumps(dataclasses.asdict(item), default=str, ensure_ascii=False)


def test_E3_the_reveal_gives_the_number_and_is_audited_like_the_lapsing_reveal(
    ctx: ServiceContext,
) -> None:
    case_no, holder_id = _poor_case(ctx)
    _set_phone(ctx, holder_id, PHONE)
    supervisor = actor_for(ctx, SUPERVISOR)
    [item] = followups.open_followups(ctx, supervisor)
    assert followups.reveal_followup_phone(ctx, supervisor, item.followup_id) == PHONE
    [event] = _events(ctx, "case.followup_reveal_phone")
    card_id = _card_of_session(ctx, case_no)
    assert card_id is not None  # a card session: the card is named, as in loss.reveal_phone
    assert (event.staff_id, event.holder_id, event.card_id, event.outcome) == (
        supervisor.staff_id,
        holder_id,
        card_id,
        "success",
    )
    assert event.details == {"case_no": case_no, "followup_id": item.followup_id}
    written = json.dumps([event.details, event.reason, event.category], ensure_ascii=False)
    assert PHONE not in written and PHONE[-4:] not in written


def test_E3_no_phone_on_record_reveals_nothing(ctx: ServiceContext) -> None:
    _case_no, holder_id = _poor_case(ctx, by_card=False)
    _set_phone(ctx, holder_id, None)
    supervisor = actor_for(ctx, SUPERVISOR)
    [item] = followups.open_followups(ctx, supervisor)
    assert item.masked_phone == ""
    assert followups.reveal_followup_phone(ctx, supervisor, item.followup_id) == ""
    [event] = _events(ctx, "case.followup_reveal_phone")
    assert event.holder_id == holder_id and event.card_id is None  # an ID-document case


def test_E3_only_a_supervisor_of_the_office_and_only_an_open_follow_up(
    ctx: ServiceContext,
) -> None:
    _case_no, holder_id = _poor_case(ctx)
    _set_phone(ctx, holder_id, PHONE)
    supervisor = actor_for(ctx, SUPERVISOR)
    [item] = followups.open_followups(ctx, supervisor)
    with pytest.raises(NotPermitted):  # the clerk who served
        followups.reveal_followup_phone(ctx, actor_for(ctx, CLERK), item.followup_id)
    elsewhere = actor_for(ctx, "CK500103-03")  # the same district's window supervisor
    with pytest.raises(FollowUpNotFound):  # another office's supervisor
        followups.reveal_followup_phone(ctx, elsewhere, item.followup_id)
    followups.close_followup(ctx, supervisor, item.followup_id, "约谈", "已回访，表示认可")
    with pytest.raises(FollowUpNotFound):  # closed: off the list, and its number too
        followups.reveal_followup_phone(ctx, supervisor, item.followup_id)
    assert _events(ctx, "case.followup_reveal_phone") == []
    assert len(_events(ctx, "case.followup_reveal_phone.refused")) == 2
    assert len(_events(ctx, "view_reports.refused")) == 1
