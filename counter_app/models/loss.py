"""Loss reports (挂失, RULES L1–L4, U1–U5) and replacement applications (补卡, R1–R2).

A report's life: a phone report (channel ``phone``, kind ``temporary``) starts ``open`` with
a ``deadline_at`` (L2); a written report at a counter either confirms it (same row: kind
becomes ``written``, state ``confirmed``, form serial set — L3 "confirmed, not duplicated")
or is created ``confirmed`` directly. It ends ``lapsed`` (deadline passed), ``lifted``
(U1–U5) or ``replaced`` (R2). The database itself refuses a second active report for one
card (partial unique index ``uq_loss_reports_active_card``, SCALING.md §0.2).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from counter_app.models.base import Base, IdMixin, one_of

#: Valid ID documents for a written report or a lift (L3, U2).
ID_DOCUMENT_TYPES = ["resident_id", "temporary_id", "household_register"]
ACTIVE_REPORT_STATES = ("open", "confirmed")
_ACTIVE = "state IN ('open', 'confirmed')"


class LossChannel(StrEnum):
    PHONE = "phone"
    COUNTER = "counter"


class LossKind(StrEnum):
    TEMPORARY = "temporary"
    WRITTEN = "written"


class LossState(StrEnum):
    OPEN = "open"
    CONFIRMED = "confirmed"
    LAPSED = "lapsed"
    LIFTED = "lifted"
    REPLACED = "replaced"


class LossReport(IdMixin, Base):
    """One loss report of one card. Active while ``state`` is open or confirmed."""

    __tablename__ = "loss_reports"
    __table_args__ = (
        one_of("channel", [c.value for c in LossChannel]),
        one_of("kind", [k.value for k in LossKind]),
        one_of("state", [s.value for s in LossState]),
        one_of("id_doc_type", ID_DOCUMENT_TYPES),
        CheckConstraint(
            "kind <> 'temporary' OR deadline_at IS NOT NULL", name="temporary_has_deadline"
        ),
        CheckConstraint("kind <> 'written' OR office_id IS NOT NULL", name="written_has_office"),
        Index(
            "uq_loss_reports_active_card",
            "card_id",
            unique=True,
            sqlite_where=text(_ACTIVE),
            postgresql_where=text(_ACTIVE),
        ),
        Index("ix_loss_reports_state_deadline_at", "state", "deadline_at"),
    )

    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id"), index=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("holders.id"), index=True)
    channel: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(10))
    reported_at: Mapped[dt.datetime]
    #: A temporary report lapses at this time unless confirmed in writing (L2).
    deadline_at: Mapped[dt.datetime | None]
    confirmed_at: Mapped[dt.datetime | None]
    closed_at: Mapped[dt.datetime | None]
    #: Office and staff of the written report (NULL for a phone report not yet confirmed).
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    id_doc_type: Mapped[str | None] = mapped_column(String(20))
    id_doc_number: Mapped[str | None] = mapped_column(String(30))
    #: Serial of the printed 挂失登记表 (forms.serial).
    form_serial: Mapped[str | None] = mapped_column(String(40), unique=True)
    #: Who closed it (lift, replacement, lapse processing) and where.
    closed_office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"))
    closed_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)


class ReplacementApplication(IdMixin, Base):
    """A 补卡 application: one per old card; ends the old card's life (R2)."""

    __tablename__ = "replacement_applications"
    __table_args__ = (
        one_of("state", ["applied", "issued", "cancelled"]),
        one_of("id_doc_type", ID_DOCUMENT_TYPES),
    )

    old_card_id: Mapped[int] = mapped_column(ForeignKey("cards.id"), unique=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("holders.id"), index=True)
    loss_report_id: Mapped[int | None] = mapped_column(ForeignKey("loss_reports.id"))
    applied_at: Mapped[dt.datetime]
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    id_doc_type: Mapped[str] = mapped_column(String(20))
    id_doc_number: Mapped[str] = mapped_column(String(30))
    form_serial: Mapped[str | None] = mapped_column(String(40), unique=True)
    state: Mapped[str] = mapped_column(String(10))
    new_card_id: Mapped[int | None] = mapped_column(ForeignKey("cards.id"), unique=True)
    #: Expected date the new card is ready for collection.
    ready_on: Mapped[dt.date | None] = mapped_column(Date)
    issued_at: Mapped[dt.datetime | None]
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)
