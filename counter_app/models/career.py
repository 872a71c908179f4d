"""Vocational qualifications and employment history (RULES C2)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from counter_app.models.base import Base, IdMixin


class Qualification(IdMixin, Base):
    """A vocational qualification or skill certificate; level 1 (高级技师) … 5 (初级)."""

    __tablename__ = "qualifications"
    __table_args__ = (CheckConstraint("level BETWEEN 1 AND 5", name="level_range"),)

    holder_id: Mapped[int] = mapped_column(ForeignKey("holders.id"), index=True)
    title: Mapped[str] = mapped_column(String(60))
    level: Mapped[int] = mapped_column(Integer)
    certificate_no: Mapped[str] = mapped_column(String(24), unique=True)
    issued_on: Mapped[dt.date] = mapped_column(Date)
    issuer: Mapped[str] = mapped_column(String(100))


class EmploymentRecord(IdMixin, Base):
    """One spell of employment; ``ended_on`` NULL while it lasts."""

    __tablename__ = "employment_records"

    holder_id: Mapped[int] = mapped_column(ForeignKey("holders.id"), index=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"))
    position: Mapped[str | None] = mapped_column(String(40))
    started_on: Mapped[dt.date] = mapped_column(Date)
    ended_on: Mapped[dt.date | None] = mapped_column(Date)
