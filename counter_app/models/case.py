"""Service cases (办件), the holder's rating of each and the follow-up of a poor one
(RULES E1–E3).

- ``service_cases``: one row per service of one holder at a window (E1), opened with the
  holder session and closed at 结束服务. ``case_no`` is the office code, the Shanghai day
  and a sequence numbered without gaps per office and day from ``case_counters`` (the
  counter row is the lock, as for form serials); ``items`` keeps what was done (viewed
  categories, actions with outcomes and form serials) as it stood when the case closed.
- ``case_ratings``: the holder's answer (E2), at most one per case and never changed
  (the database refuses UPDATE and DELETE, revision 0007). ``unrated`` is 未评价: no
  answer within the time allowed.
- ``case_followups``: the supervisor's follow-up (整改) of a poor rating (E3), due a number
  of working days after the rating; closed with what was done and the 回访结果.

No column holds a PIN or an ID document number. This module imports no Qt.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from counter_app.models.base import Base, IdMixin, one_of, utcnow


class RatingLevel(StrEnum):
    """The five levels of RULES E2, and 未评价 (no answer in time)."""

    VERY_SATISFIED = "very_satisfied"
    SATISFIED = "satisfied"
    BASIC = "basically_satisfied"
    DISSATISFIED = "dissatisfied"
    VERY_DISSATISFIED = "very_dissatisfied"
    UNRATED = "unrated"


#: The levels the holder chooses from, best first (RULES E2), with their labels.
RATING_LABELS: dict[RatingLevel, str] = {
    RatingLevel.VERY_SATISFIED: "非常满意",
    RatingLevel.SATISFIED: "满意",
    RatingLevel.BASIC: "基本满意",
    RatingLevel.DISSATISFIED: "不满意",
    RatingLevel.VERY_DISSATISFIED: "非常不满意",
    RatingLevel.UNRATED: "未评价",
}
#: RULES E2/E3: the two lowest levels: reasons may be given and a follow-up opens.
POOR_LEVELS = (RatingLevel.DISSATISFIED, RatingLevel.VERY_DISSATISFIED)
#: The satisfaction rate counts these (E4: (非常满意+满意+基本满意) / rated).
SATISFIED_LEVELS = (RatingLevel.VERY_SATISFIED, RatingLevel.SATISFIED, RatingLevel.BASIC)


class RatingReason(StrEnum):
    """RULES E2: why the holder was not satisfied."""

    ATTITUDE = "attitude"
    EFFICIENCY = "efficiency"
    PROCESS = "process"
    ENVIRONMENT = "environment"
    OTHER = "other"


REASON_LABELS: dict[RatingReason, str] = {
    RatingReason.ATTITUDE: "态度",
    RatingReason.EFFICIENCY: "效率",
    RatingReason.PROCESS: "流程",
    RatingReason.ENVIRONMENT: "环境",
    RatingReason.OTHER: "其他",
}

#: How an answer arrived: the holder-facing screen, a hardware 评价器, or the timeout.
RATING_SOURCES = ["screen", "device", "timeout"]
#: Why a case closed: 结束服务, card removed and confirmed, or closed after a restart.
CASE_CLOSE_REASONS = ["done", "card_removed", "recovered"]
COMMENT_MAX = 200


class CaseCounter(Base):
    """The last case sequence used by one office on one (Shanghai) day."""

    __tablename__ = "case_counters"
    __table_args__ = (CheckConstraint("last_sequence >= 0", name="last_sequence_non_negative"),)

    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    last_sequence: Mapped[int] = mapped_column(Integer, default=0)


class ServiceCase(IdMixin, Base):
    """RULES E1: one service of one holder at one window; ``closed_at`` NULL while open."""

    __tablename__ = "service_cases"
    __table_args__ = (
        UniqueConstraint("office_id", "day", "sequence"),
        CheckConstraint("sequence >= 1", name="sequence_positive"),
        one_of("close_reason", CASE_CLOSE_REASONS),
        Index("ix_service_cases_office_id_day", "office_id", "day"),
        Index("ix_service_cases_staff_id_day", "staff_id", "day"),
        Index("ix_service_cases_workstation_closed_at", "workstation", "closed_at"),
    )

    #: Printed on the access slip, e.g. ``500103-YB-20250310-0007``.
    case_no: Mapped[str] = mapped_column(String(40), unique=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    #: The Shanghai day the case opened (its number's date; the reports' day).
    day: Mapped[dt.date] = mapped_column(Date)
    sequence: Mapped[int] = mapped_column(Integer)
    session_id: Mapped[int] = mapped_column(ForeignKey("holder_sessions.id"), unique=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("holders.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    workstation: Mapped[str | None] = mapped_column(String(32))
    #: 排队号, typed or scanned (optional).
    queue_ticket: Mapped[str | None] = mapped_column(String(20))
    opened_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[dt.datetime | None]
    close_reason: Mapped[str | None] = mapped_column(String(16))
    #: What was done, frozen at close: ``{"categories": [...], "actions": [...]}``.
    items: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class CaseRating(IdMixin, Base):
    """RULES E2: the holder's rating of one case (or 未评价); written once, never changed."""

    __tablename__ = "case_ratings"
    __table_args__ = (
        one_of("level", [v.value for v in RatingLevel]),
        one_of("source", RATING_SOURCES),
    )

    case_id: Mapped[int] = mapped_column(ForeignKey("service_cases.id"), unique=True)
    level: Mapped[str] = mapped_column(String(24))
    #: Reason codes (``RatingReason``), comma-separated, for the two lowest levels only.
    reasons: Mapped[str | None] = mapped_column(String(80))
    comment: Mapped[str | None] = mapped_column(String(COMMENT_MAX))
    source: Mapped[str] = mapped_column(String(12))
    rated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class CaseFollowUp(IdMixin, Base):
    """RULES E3: the follow-up (整改) of a poor rating, for the office's supervisor."""

    __tablename__ = "case_followups"
    __table_args__ = (
        CheckConstraint(
            "(closed_at IS NULL) OR (closed_by IS NOT NULL AND action_taken IS NOT NULL "
            "AND outcome IS NOT NULL)",
            name="closed_with_outcome",
        ),
        Index(
            "ix_case_followups_office_id_closed_at_due_date", "office_id", "closed_at", "due_date"
        ),
    )

    case_id: Mapped[int] = mapped_column(ForeignKey("service_cases.id"), unique=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    opened_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: The last working day on which it is on time (Shanghai calendar day).
    due_date: Mapped[dt.date] = mapped_column(Date)
    closed_at: Mapped[dt.datetime | None]
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    #: What the supervisor did (整改措施).
    action_taken: Mapped[str | None] = mapped_column(String(500))
    #: 回访结果: what the holder said when called back.
    outcome: Mapped[str | None] = mapped_column(String(500))
