"""The holder's rating (RULES E2) and the follow-up of a poor one (RULES E3)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import select, text

from counter_app.models import AuditEvent
from counter_app.models.case import CaseFollowUp, CaseRating, RatingLevel, RatingReason
from counter_app.services import cases, followups, ratings, sessions
from counter_app.services.case_errors import (
    CaseNotFound,
    CaseStillOpen,
    FollowUpAlreadyClosed,
    FollowUpNotFound,
    FollowUpTextRequired,
    RatingAlreadyRecorded,
    RatingCommentTooLong,
    RatingInvalid,
)
from counter_app.services.context import ServiceContext
from counter_app.services.errors import NotPermitted
from counter_app.services.ratings import RatingAnswer, RatingStatus
from tests.services.conftest import Clock, actor_for
from tests.services.test_cases import CLERK, OTHER_OFFICE, card_session, id_session

SUPERVISOR = "YB500103-03"


def _closed_case(ctx: ServiceContext, staff_no: str = CLERK, workstation: str = "WS-01") -> str:
    actor = actor_for(ctx, staff_no, workstation)
    session = card_session(ctx, staff_no, workstation)
    sessions.end_session(ctx, actor, session)
    return cases.case_of_session(ctx, actor, session.session_id).case_no


def _rows(ctx: ServiceContext, model: type) -> list:  # type: ignore[type-arg]
    with ctx.uow() as uow:
        rows = list(uow.session.scalars(select(model)))
        uow.session.expunge_all()
        return rows


def test_E2_rated_once_and_the_clerk_learns_only_that_it_was(ctx: ServiceContext) -> None:
    clerk = actor_for(ctx, CLERK)
    case_no = _closed_case(ctx)
    assert ratings.rating_status(ctx, clerk, case_no) is RatingStatus.WAITING
    status = ratings.record_rating(ctx, clerk, case_no, RatingAnswer(RatingLevel.SATISFIED))
    assert status is RatingStatus.RATED and status.label == "已评价"
    assert ratings.rating_status(ctx, clerk, case_no) is RatingStatus.RATED
    with pytest.raises(RatingAlreadyRecorded):
        ratings.record_rating(ctx, clerk, case_no, RatingAnswer(RatingLevel.VERY_DISSATISFIED))
    [row] = _rows(ctx, CaseRating)
    assert row.level == "satisfied" and row.source == "screen"
    # What the clerk's side can get of a case names no level anywhere.
    info = cases.get_case(ctx, clerk, case_no)
    assert "satisf" not in repr(info) and "满意" not in repr(info)
    assert {s.label for s in RatingStatus} == {"等待评价", "已评价", "未评价"}
    assert _rows(ctx, CaseFollowUp) == []
    with ctx.uow() as uow:
        [event] = uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "case.rating"))
        assert event.staff_id is None and event.workstation == "WS-01"
        assert event.details == {"case_no": case_no, "source": "screen", "answered": True}


def test_E2_only_a_closed_case_of_this_window_is_rated(ctx: ServiceContext) -> None:
    clerk = actor_for(ctx, CLERK)
    session = id_session(ctx)
    case_no = cases.case_of_session(ctx, clerk, session.session_id).case_no
    with pytest.raises(CaseStillOpen):
        ratings.record_rating(ctx, clerk, case_no, RatingAnswer(RatingLevel.SATISFIED))
    sessions.end_session(ctx, clerk, session)
    with pytest.raises(CaseNotFound):  # another workstation of the office
        ratings.record_rating(
            ctx, actor_for(ctx, CLERK, "WS-09"), case_no, RatingAnswer(RatingLevel.SATISFIED)
        )
    with pytest.raises(CaseNotFound):  # another office
        ratings.rating_status(ctx, actor_for(ctx, OTHER_OFFICE), case_no)
    assert (
        ratings.record_rating(ctx, clerk, case_no, RatingAnswer(RatingLevel.BASIC))
        is RatingStatus.RATED
    )


def test_E2_reasons_and_comment_only_for_the_two_lowest(ctx: ServiceContext) -> None:
    clerk = actor_for(ctx, CLERK)
    case_no = _closed_case(ctx)
    with pytest.raises(RatingInvalid):
        ratings.record_rating(
            ctx, clerk, case_no, RatingAnswer(RatingLevel.SATISFIED, (RatingReason.ATTITUDE,))
        )
    with pytest.raises(RatingInvalid):
        ratings.record_rating(ctx, clerk, case_no, RatingAnswer(RatingLevel.BASIC, (), "好"))
    with pytest.raises(RatingInvalid):  # 未评价 is the timeout's, not an answer
        ratings.record_rating(ctx, clerk, case_no, RatingAnswer(RatingLevel.UNRATED))
    with pytest.raises(RatingCommentTooLong) as info:
        ratings.record_rating(
            ctx, clerk, case_no, RatingAnswer(RatingLevel.DISSATISFIED, (), "慢" * 201)
        )
    assert "200" in str(info.value)
    assert _rows(ctx, CaseRating) == []
    ratings.record_rating(ctx, clerk, case_no, RatingAnswer(
        RatingLevel.DISSATISFIED, (RatingReason.OTHER, RatingReason.EFFICIENCY),
        "  等了\x07很久\n才办  "))  # fmt: skip
    [row] = _rows(ctx, CaseRating)
    assert row.reasons == "efficiency,other" and row.comment == "等了很久 才办"


def test_E2_no_answer_in_time_records_unrated(ctx: ServiceContext) -> None:
    clerk = actor_for(ctx, CLERK)
    case_no = _closed_case(ctx)
    assert ratings.record_no_answer(ctx, clerk, case_no) is RatingStatus.UNRATED
    assert ratings.rating_status(ctx, clerk, case_no).label == "未评价"
    with pytest.raises(RatingAlreadyRecorded):  # too late to answer
        ratings.record_rating(ctx, clerk, case_no, RatingAnswer(RatingLevel.SATISFIED))
    answered = _closed_case(ctx)
    ratings.record_rating(ctx, clerk, answered, RatingAnswer(RatingLevel.VERY_SATISFIED))
    # The timer fired just after the answer: the answer stands.
    assert ratings.record_no_answer(ctx, clerk, answered) is RatingStatus.RATED
    levels = sorted(r.level for r in _rows(ctx, CaseRating))
    assert levels == ["unrated", "very_satisfied"]
    assert _rows(ctx, CaseFollowUp) == []


def test_E2_a_rating_cannot_be_changed_in_the_database(ctx: ServiceContext) -> None:
    clerk = actor_for(ctx, CLERK)
    case_no = _closed_case(ctx)
    ratings.record_rating(ctx, clerk, case_no, RatingAnswer(RatingLevel.VERY_DISSATISFIED))
    for statement in (
        "UPDATE case_ratings SET level = 'very_satisfied'",
        "DELETE FROM case_ratings",
        "DELETE FROM service_cases",
        "DELETE FROM case_followups",
    ):
        with pytest.raises(sa_exc.DBAPIError), ctx.uow() as uow:
            uow.session.execute(text(statement))
    [row] = _rows(ctx, CaseRating)
    assert row.level == "very_dissatisfied"


def test_E3_poor_rating_opens_a_follow_up_due_in_15_working_days(ctx: ServiceContext) -> None:
    clerk = actor_for(ctx, CLERK)
    case_no = _closed_case(ctx)
    ratings.record_rating(
        ctx,
        clerk,
        case_no,
        RatingAnswer(RatingLevel.VERY_DISSATISFIED, (RatingReason.ATTITUDE,), "态度生硬"),
    )
    [row] = _rows(ctx, CaseFollowUp)
    # Rated Monday 2025-03-10: 15 working days later is Monday 2025-03-31 (no holiday).
    assert row.due_date == dt.date(2025, 3, 31) and row.closed_at is None
    supervisor = actor_for(ctx, SUPERVISOR)
    [item] = followups.open_followups(ctx, supervisor)
    assert (item.case_no, item.level_label, item.reasons, item.comment, item.overdue) == (
        case_no,
        "非常不满意",
        ("态度",),
        "态度生硬",
        False,
    )
    assert item.staff_no == CLERK and "*" in item.masked_ssn
    assert followups.followup_badge(ctx, supervisor) == followups.FollowUpCount(1, 0)
    assert followups.followup_badge(ctx, clerk) == followups.FollowUpCount(0, 0)
    with pytest.raises(NotPermitted):
        followups.open_followups(ctx, clerk)
    with pytest.raises(FollowUpNotFound):  # another office's supervisor sees none of it
        followups.close_followup(
            ctx, dataclasses.replace(supervisor, office_id=-1), item.followup_id, "谈话", "满意"
        )


def test_E3_follow_ups_soonest_first_overdue_marked_and_closed(
    ctx: ServiceContext, clock: Clock
) -> None:
    clerk = actor_for(ctx, CLERK)
    supervisor = actor_for(ctx, SUPERVISOR)
    first = _closed_case(ctx)
    ratings.record_rating(ctx, clerk, first, RatingAnswer(RatingLevel.DISSATISFIED))
    clock.advance(days=2)
    second = _closed_case(ctx)
    ratings.record_rating(ctx, clerk, second, RatingAnswer(RatingLevel.DISSATISFIED))
    clock.advance(days=20)  # 2025-04-01: the first (due 03-31) is overdue, the second not
    items = followups.open_followups(ctx, supervisor)
    assert [(i.case_no, i.overdue) for i in items] == [(first, True), (second, False)]
    assert items[0].due_date < items[1].due_date
    assert followups.followup_badge(ctx, supervisor) == followups.FollowUpCount(2, 1)
    with pytest.raises(FollowUpTextRequired):
        followups.close_followup(ctx, supervisor, items[0].followup_id, "  ", "已回访")
    closed = followups.close_followup(
        ctx, supervisor, items[0].followup_id, "约谈窗口人员，加强培训", "回访持卡人，表示认可"
    )
    assert closed.closed_at is not None and closed.outcome == "回访持卡人，表示认可"
    with pytest.raises(FollowUpAlreadyClosed):
        followups.close_followup(ctx, supervisor, items[0].followup_id, "再次", "再次")
    assert [i.case_no for i in followups.open_followups(ctx, supervisor)] == [second]
    assert followups.followup_badge(ctx, supervisor) == followups.FollowUpCount(1, 0)
    with ctx.uow() as uow:
        names = list(
            uow.session.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.action.like("case.followup%"))
                .order_by(AuditEvent.seq)
            )
        )
    assert names.count("case.followup_open") == 2
    assert names.count("case.followup_list") == 2
    assert names.count("case.followup_close") == 1
    assert names.count("case.followup_close.refused") == 2
