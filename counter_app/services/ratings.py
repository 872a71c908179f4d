"""The holder's rating of a closed case (好差评, RULES E2).

Only the holder rates. The answer comes from the holder-facing screen or a hardware 评价器
(:mod:`counter_app.services.rating_device`) and is recorded with :func:`record_rating`; no
answer within ``settings.rating_timeout_seconds`` is recorded as 未评价 by
:func:`record_no_answer`. A case is rated once: the unique case id (and the database's
refusal to UPDATE or DELETE a rating) keeps the first answer.

What the clerk's side gets back is a :class:`RatingStatus` — 等待评价 / 已评价 / 未评价 —
never the level: neither these functions nor :func:`rating_status` return it. The level,
reasons and comment are read only by the supervisor's follow-ups and reports. A poor
rating (不满意, 非常不满意) opens a follow-up in the same transaction (RULES E3).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import exc as sa_exc
from sqlalchemy import select
from sqlalchemy.orm import Session

from counter_app.models.case import (
    COMMENT_MAX,
    POOR_LEVELS,
    CaseRating,
    RatingLevel,
    RatingReason,
    ServiceCase,
)
from counter_app.services import audit, followups
from counter_app.services.case_errors import (
    CaseNotFound,
    CaseStillOpen,
    RatingAlreadyRecorded,
    RatingCommentTooLong,
    RatingInvalid,
)
from counter_app.services.cases import CaseAudit
from counter_app.services.context import Actor, ServiceContext


class RatingStatus(StrEnum):
    """What the clerk may know of a rating (RULES E2)."""

    WAITING = "waiting"
    RATED = "rated"
    UNRATED = "unrated"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    RatingStatus.WAITING: "等待评价",
    RatingStatus.RATED: "已评价",
    RatingStatus.UNRATED: "未评价",
}


@dataclass(frozen=True)
class RatingAnswer:
    """The holder's answer: a level, and for the two lowest optional reasons and comment.

    ``level`` and ``reasons`` take ``RatingLevel`` / ``RatingReason`` members or their
    values and keep the plain values (so the answer travels to ``counter-server`` as
    plain data); they are checked by :func:`record_rating`.
    """

    level: str
    reasons: tuple[str, ...] = field(default_factory=tuple)
    comment: str = ""
    #: ``screen`` (holder-facing window) or ``device`` (a hardware 评价器).
    source: str = "screen"

    def __post_init__(self) -> None:
        object.__setattr__(self, "level", str(self.level))
        object.__setattr__(self, "reasons", tuple(str(r) for r in self.reasons))


def _status_of(level: str | None) -> RatingStatus:
    if level is None:
        return RatingStatus.WAITING
    return RatingStatus.UNRATED if level == RatingLevel.UNRATED else RatingStatus.RATED


def clean_comment(text: str) -> str:
    """The comment without control characters and outer blanks; :class:`RatingCommentTooLong`
    beyond ``COMMENT_MAX`` characters."""
    spaced = "".join(" " if c.isspace() else c for c in text)
    kept = "".join(c for c in spaced if unicodedata.category(c)[0] != "C")
    kept = " ".join(kept.split())
    if len(kept) > COMMENT_MAX:
        raise RatingCommentTooLong(COMMENT_MAX)
    return kept


def _check(answer: RatingAnswer) -> tuple[str | None, str | None]:
    """Stored (reasons, comment) of a valid answer; :class:`RatingInvalid` otherwise."""
    try:
        level = RatingLevel(answer.level)
        reasons = [RatingReason(r) for r in answer.reasons]
    except ValueError as error:
        raise RatingInvalid() from error
    if level is RatingLevel.UNRATED or answer.source not in ("screen", "device"):
        raise RatingInvalid()
    comment = clean_comment(answer.comment or "")
    if level not in POOR_LEVELS and (reasons or comment):
        raise RatingInvalid()
    ordered = [r.value for r in RatingReason if r in reasons]
    return (",".join(ordered) or None), (comment or None)


def _closed_case(db: Session, actor: Actor, case_no: str) -> ServiceCase:
    """The closed case ``case_no`` served at this workstation."""
    case = db.execute(
        select(ServiceCase).where(
            ServiceCase.case_no == case_no.strip(), ServiceCase.office_id == actor.office_id
        )
    ).scalar_one_or_none()
    if case is None or case.workstation != actor.workstation_id:
        raise CaseNotFound()
    if case.closed_at is None:
        raise CaseStillOpen()
    return case


def _write(
    ctx: ServiceContext,
    actor: Actor,
    case_no: str,
    level: RatingLevel,
    reasons: str | None,
    comment: str | None,
    source: str,
) -> RatingStatus:
    now = ctx.now()
    try:
        with ctx.uow() as uow:
            db = uow.session
            case = _closed_case(db, actor, case_no)
            if db.scalar(select(CaseRating.id).where(CaseRating.case_id == case.id)):
                raise RatingAlreadyRecorded()
            db.add(
                CaseRating(
                    case_id=case.id,
                    level=level.value,
                    reasons=reasons,
                    comment=comment,
                    source=source,
                    rated_at=now,
                )
            )
            db.flush()
            # The holder's act, through this workstation: no staff member, and no level in
            # the trail a clerk's supervisor reads next to the clerk's own events.
            audit.record(
                uow,
                None,
                CaseAudit.RATING,
                holder_id=case.holder_id,
                at=now,
                workstation=actor.workstation_id,
                details={
                    "case_no": case.case_no,
                    "source": source,
                    "answered": level is not RatingLevel.UNRATED,
                },
            )
            if level in POOR_LEVELS:
                followups.open_followup(uow, case, now, ctx.settings)
            uow.commit()
    except sa_exc.IntegrityError as error:  # another answer for the same case won
        raise RatingAlreadyRecorded() from error
    return _status_of(level.value)


def record_rating(
    ctx: ServiceContext, actor: Actor, case_no: str, answer: RatingAnswer
) -> RatingStatus:
    """RULES E2: record the holder's answer for the closed case ``case_no`` of this
    workstation; a poor one opens a follow-up (E3). Returns 已评价 only.

    Raises :class:`CaseNotFound`, :class:`CaseStillOpen`, :class:`RatingAlreadyRecorded`,
    :class:`RatingInvalid`, :class:`RatingCommentTooLong`.
    """
    reasons, comment = _check(answer)
    return _write(ctx, actor, case_no, RatingLevel(answer.level), reasons, comment, answer.source)


def record_no_answer(ctx: ServiceContext, actor: Actor, case_no: str) -> RatingStatus:
    """RULES E2: no answer in time — record 未评价. If an answer got in first, its status
    (已评价) is returned and nothing is written."""
    try:
        return _write(ctx, actor, case_no, RatingLevel.UNRATED, None, None, "timeout")
    except RatingAlreadyRecorded:
        return rating_status(ctx, actor, case_no)


def rating_status(ctx: ServiceContext, actor: Actor, case_no: str) -> RatingStatus:
    """等待评价 / 已评价 / 未评价 of a case of this office — never the level."""
    with ctx.uow() as uow:
        case_id = uow.session.scalar(
            select(ServiceCase.id).where(
                ServiceCase.case_no == case_no.strip(), ServiceCase.office_id == actor.office_id
            )
        )
        if case_id is None:
            raise CaseNotFound()
        level = uow.session.scalar(select(CaseRating.level).where(CaseRating.case_id == case_id))
    return _status_of(level)
