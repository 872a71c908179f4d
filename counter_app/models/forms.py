"""Issued form documents and their gap-free serials (RULES L3; SCALING.md §0.3).

Serials are numbered per office and year without gaps: a service allocates the next
number by incrementing ``form_serial_counters.last_sequence`` for (office, year) in the
same transaction that writes the document — the counter row is the lock, and the unique
constraint on (office_id, year, sequence) is the guard.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from counter_app.models.base import Base, IdMixin, utcnow


class FormSerialCounter(Base):
    """The last serial number used by one office in one year."""

    __tablename__ = "form_serial_counters"
    __table_args__ = (CheckConstraint("last_sequence >= 0", name="last_sequence_non_negative"),)

    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_sequence: Mapped[int] = mapped_column(Integer, default=0)


class FormDocument(IdMixin, Base):
    """A printed form; reprints are counted (and printed marked as copies, L4)."""

    __tablename__ = "form_documents"
    __table_args__ = (
        UniqueConstraint("office_id", "year", "sequence"),
        CheckConstraint("sequence >= 1", name="sequence_positive"),
        CheckConstraint("reprint_count >= 0", name="reprint_count_non_negative"),
    )

    #: The serial printed on the form, e.g. ``500103-YB-2025-000042``.
    serial: Mapped[str] = mapped_column(String(40), unique=True)
    #: e.g. ``loss_registration``, ``replacement_application``, ``lift``, ``password_reset``.
    kind: Mapped[str] = mapped_column(String(32))
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    year: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer)
    holder_id: Mapped[int | None] = mapped_column(ForeignKey("holders.id"), index=True)
    card_id: Mapped[int | None] = mapped_column(ForeignKey("cards.id"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    issued_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    reprint_count: Mapped[int] = mapped_column(Integer, default=0)
    last_printed_at: Mapped[dt.datetime | None]
