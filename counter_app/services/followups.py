"""Follow-ups (整改) of poor ratings, for the office's supervisor (RULES E3).

A 不满意 or 非常不满意 rating opens a follow-up in the rating's own transaction
(:func:`open_followup`), due ``settings.followup_working_days`` working days after the
Shanghai day of the rating — China's official calendar with 调休 plus the office's local
days (:mod:`counter_app.services.workdays`). The supervisor lists the open ones, soonest due
first, overdue ones marked (:func:`open_followups`, audited), sees their number on a badge
(:func:`followup_badge`, not audited, like the lapsing phone reports' badge) and closes one
by recording what was done and the 回访结果 (:func:`close_followup`, audited). Each item
names what the holder complained about (level, reasons, comment) and their contact phone
masked; :func:`reveal_followup_phone` gives the full number for the 回访 call, audited as
the lapsing phone reports' reveal is (``phone_reveal``).

Only supervisors (``Action.VIEW_REPORTS``) of the case's office see or close follow-ups.

What is open and what is overdue is decided in one place, :mod:`reports.followup_backlog`,
which the rating report and the daily report count with too: the badge's 待整改：N（逾期 M）
and a report of the office ending today give the same figures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from counter_app.models.case import (
    RATING_LABELS,
    REASON_LABELS,
    CaseFollowUp,
    CaseRating,
    RatingLevel,
    RatingReason,
    ServiceCase,
)
from counter_app.models.holder import Holder
from counter_app.models.holder_session import HolderSessionRow
from counter_app.models.office import Staff
from counter_app.services import audit
from counter_app.services.case_errors import (
    FollowUpAlreadyClosed,
    FollowUpNotFound,
    FollowUpTextRequired,
)
from counter_app.services.cases import CaseAudit, shanghai_day
from counter_app.services.context import Actor, ServiceContext
from counter_app.services.permissions import Action
from counter_app.services.phone_reveal import PhoneOnRecord, masked_phone, reveal_phone
from counter_app.services.refusals import refusals_audited, require
from counter_app.services.uow import UnitOfWork
from counter_app.services.workdays import WorkCalendar
from counter_app.settings import Settings
from forms.masking import mask_id_number
from reports.followup_backlog import backlog_counts, is_overdue, open_at

TEXT_MAX = 500
#: The list shows at most this many (the badge counts all).
LIST_LIMIT = 500


@dataclass(frozen=True)
class FollowUpItem:
    """One follow-up as the supervisor sees it."""

    followup_id: int
    case_no: str
    staff_no: str
    staff_name: str
    holder_name: str
    masked_ssn: str
    level: str
    level_label: str
    reasons: tuple[str, ...]
    comment: str
    rated_at: dt.datetime
    due_date: dt.date
    overdue: bool
    closed_at: dt.datetime | None = None
    action_taken: str = ""
    outcome: str = ""
    #: The holder's contact phone masked (138****1234); "" when none is on record. The
    #: full number: :func:`reveal_followup_phone`, audited.
    masked_phone: str = ""


@dataclass(frozen=True)
class FollowUpCount:
    """For the supervisor's badge: open follow-ups and how many of them are overdue."""

    open: int
    overdue: int


def due_date_for(rated_at: dt.datetime, settings: Settings) -> dt.date:
    """RULES E3: ``followup_working_days`` working days after the rating's Shanghai day."""
    calendar = WorkCalendar.from_settings(settings)
    return calendar.add_working_days(shanghai_day(rated_at), settings.followup_working_days)


def open_followup(
    uow: UnitOfWork, case: ServiceCase, rated_at: dt.datetime, settings: Settings
) -> CaseFollowUp:
    """In the rating's transaction: open the follow-up of ``case`` (audited)."""
    due = due_date_for(rated_at, settings)
    row = CaseFollowUp(case_id=case.id, office_id=case.office_id, opened_at=rated_at, due_date=due)
    uow.session.add(row)
    uow.session.flush()
    audit.record(
        uow,
        None,
        CaseAudit.FOLLOWUP_OPEN,
        holder_id=case.holder_id,
        at=rated_at,
        workstation=case.workstation,
        details={"case_no": case.case_no, "followup_id": row.id, "due_date": due.isoformat()},
    )
    return row


def _items(
    db: Session,
    actor: Actor,
    now: dt.datetime,
    *,
    open_only: bool,
    followup_id: int | None = None,
) -> list[FollowUpItem]:
    query = (
        select(
            CaseFollowUp,
            ServiceCase.case_no,
            Staff.staff_no,
            Staff.name,
            Holder.name,
            Holder.ssn,
            CaseRating.level,
            CaseRating.reasons,
            CaseRating.comment,
            CaseRating.rated_at,
            Holder.phone,
        )
        .join(ServiceCase, ServiceCase.id == CaseFollowUp.case_id)
        .join(CaseRating, CaseRating.case_id == ServiceCase.id)
        .join(Staff, Staff.id == ServiceCase.staff_id)
        .join(Holder, Holder.id == ServiceCase.holder_id)
        .where(CaseFollowUp.office_id == actor.office_id)
        .order_by(CaseFollowUp.due_date, CaseFollowUp.id)
        .limit(LIST_LIMIT)
    )
    if open_only:
        query = query.where(open_at(now))
    if followup_id is not None:
        query = query.where(CaseFollowUp.id == followup_id)
    items = []
    for (
        fu,
        case_no,
        staff_no,
        staff_name,
        holder_name,
        ssn,
        level,
        reasons,
        comment,
        rated_at,
        phone,
    ) in db.execute(query):
        codes = [r for r in (reasons or "").split(",") if r]
        items.append(
            FollowUpItem(
                followup_id=fu.id,
                case_no=case_no,
                staff_no=staff_no,
                staff_name=staff_name,
                holder_name=holder_name,
                masked_ssn=mask_id_number(ssn),
                level=level,
                level_label=RATING_LABELS[RatingLevel(level)],
                reasons=tuple(REASON_LABELS[RatingReason(c)] for c in codes),
                comment=comment or "",
                rated_at=rated_at,
                due_date=fu.due_date,
                overdue=fu.closed_at is None and is_overdue(fu.due_date, now),
                closed_at=fu.closed_at,
                action_taken=fu.action_taken or "",
                outcome=fu.outcome or "",
                masked_phone=masked_phone(phone),
            )
        )
    return items


def open_followups(ctx: ServiceContext, actor: Actor) -> list[FollowUpItem]:
    """RULES E3: the office's open follow-ups, soonest due first (audited)."""
    require(ctx, actor, Action.VIEW_REPORTS)
    now = ctx.now()
    with ctx.uow() as uow:
        items = _items(uow.session, actor, now, open_only=True)
        audit.record(
            uow,
            actor,
            CaseAudit.FOLLOWUP_LIST,
            at=now,
            details={"open": len(items), "overdue": sum(1 for i in items if i.overdue)},
        )
        uow.commit()
    return items


def followup_badge(ctx: ServiceContext, actor: Actor) -> FollowUpCount:
    """Open and overdue follow-ups of the office, for the badge; 0/0 for a non-supervisor.
    A count only: not audited. The rating report's count (:mod:`reports.followup_backlog`)."""
    if not actor.may(Action.VIEW_REPORTS):
        return FollowUpCount(0, 0)
    now = ctx.now()
    with ctx.read_uow() as uow:
        scope = [CaseFollowUp.office_id == actor.office_id]
        backlog = backlog_counts(uow.session, now, (), scope)[()]
    return FollowUpCount(backlog.open, backlog.overdue)


def _text(value: str) -> str:
    text = " ".join((value or "").split())
    if not text or len(text) > TEXT_MAX:
        raise FollowUpTextRequired()
    return text


def close_followup(
    ctx: ServiceContext, actor: Actor, followup_id: int, action_taken: str, outcome: str
) -> FollowUpItem:
    """RULES E3: record what was done and the 回访结果; the follow-up is closed (audited).

    Raises ``NotPermitted``, :class:`FollowUpNotFound` (not this office's),
    :class:`FollowUpAlreadyClosed`, :class:`FollowUpTextRequired`.
    """
    require(ctx, actor, Action.VIEW_REPORTS)
    now = ctx.now()
    with refusals_audited(ctx, actor, CaseAudit.FOLLOWUP_CLOSE):
        done, result = _text(action_taken), _text(outcome)
        with ctx.uow() as uow:
            db = uow.session
            row = db.execute(
                select(CaseFollowUp)
                .where(CaseFollowUp.id == followup_id, CaseFollowUp.office_id == actor.office_id)
                .with_for_update()
            ).scalar_one_or_none()
            if row is None:
                raise FollowUpNotFound()
            if row.closed_at is not None:
                raise FollowUpAlreadyClosed()
            row.closed_at, row.closed_by = now, actor.staff_id
            row.action_taken, row.outcome = done, result
            db.flush()
            case_no, holder_id = db.execute(
                select(ServiceCase.case_no, ServiceCase.holder_id).where(
                    ServiceCase.id == row.case_id
                )
            ).one()
            audit.record(
                uow,
                actor,
                CaseAudit.FOLLOWUP_CLOSE,
                holder_id=holder_id,
                at=now,
                details={
                    "case_no": case_no,
                    "followup_id": row.id,
                    "overdue": is_overdue(row.due_date, now),
                },
            )
            item = _items(db, actor, now, open_only=False, followup_id=row.id)[0]
            uow.commit()
    return item


def reveal_followup_phone(ctx: ServiceContext, actor: Actor, followup_id: int) -> str:
    """RULES E3, Q7: the full contact phone of the holder of the open follow-up
    ``followup_id`` (the list masks it), for the supervisor's 回访 call; "" when none is
    registered. The list's rule decides: a supervisor (``VIEW_REPORTS``) of the case's
    office, a follow-up not yet closed. Audited as ``case.followup_reveal_phone`` naming the
    holder, the card of the case (None for an ID-document case), the case and the
    follow-up — never the number, as the lapsing phone reports' reveal. Raises
    ``NotPermitted``, :class:`FollowUpNotFound` (both audited)."""

    def find(session: Session, _now: dt.datetime) -> PhoneOnRecord | None:
        row = session.execute(
            select(ServiceCase.case_no, Holder.id, HolderSessionRow.card_id, Holder.phone)
            .select_from(CaseFollowUp)
            .join(ServiceCase, ServiceCase.id == CaseFollowUp.case_id)
            .join(Holder, Holder.id == ServiceCase.holder_id)
            .join(HolderSessionRow, HolderSessionRow.id == ServiceCase.session_id)
            .where(
                CaseFollowUp.id == followup_id,
                CaseFollowUp.office_id == actor.office_id,
                CaseFollowUp.closed_at.is_(None),
            )
        ).one_or_none()
        if row is None:
            return None
        case_no, holder_id, card_id, phone = row
        details = {"case_no": case_no, "followup_id": followup_id}
        return PhoneOnRecord(holder_id, card_id, phone, details)

    return reveal_phone(
        ctx,
        actor,
        Action.VIEW_REPORTS,
        CaseAudit.FOLLOWUP_REVEAL_PHONE.value,
        find,
        FollowUpNotFound,
    )
