"""Participation in the five insurances (RULES C4) and contribution records.

A contribution record covers ``months`` consecutive months from ``period`` (YYYYMM) at one
base, for one insurance, paid by one employer (NULL: flexible employment, 灵活就业). The
employer's medical insurance contributions (Q5) are these rows by ``employer_id``.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from counter_app.models.base import Base, IdMixin, one_of


class Insurance(StrEnum):
    PENSION = "pension"  # 养老保险
    MEDICAL = "medical"  # 医疗保险
    UNEMPLOYMENT = "unemployment"  # 失业保险
    WORK_INJURY = "work_injury"  # 工伤保险
    MATERNITY = "maternity"  # 生育保险


INSURANCES = [i.value for i in Insurance]


class Participation(IdMixin, Base):
    """A holder's standing in one insurance. ``continuous_months`` feeds Q4."""

    __tablename__ = "insurance_participations"
    __table_args__ = (
        one_of("insurance", INSURANCES),
        one_of("scheme", ["employee", "resident"]),
        one_of("status", ["active", "suspended", "terminated"]),
        Index(
            "uq_insurance_participations_holder_insurance", "holder_id", "insurance", unique=True
        ),
    )

    holder_id: Mapped[int] = mapped_column(ForeignKey("holders.id"))
    insurance: Mapped[str] = mapped_column(String(16))
    #: 城镇职工 (employee) or 城乡居民 (resident).
    scheme: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(12))
    since: Mapped[dt.date] = mapped_column(Date)
    until: Mapped[dt.date | None] = mapped_column(Date)
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employers.id"), index=True)
    #: Months contributed in total, and without a break up to now.
    total_months: Mapped[int] = mapped_column(Integer, default=0)
    continuous_months: Mapped[int] = mapped_column(Integer, default=0)


class ContributionRecord(IdMixin, Base):
    """Contributions for ``months`` months from ``period``; amounts in fen."""

    __tablename__ = "contribution_records"
    __table_args__ = (
        one_of("insurance", INSURANCES),
        one_of("status", ["paid", "arrears"]),
        CheckConstraint("months BETWEEN 1 AND 12", name="months_range"),
        CheckConstraint("period BETWEEN 190001 AND 299912", name="period_range"),
        Index("ix_contribution_records_holder_period", "holder_id", "insurance", "period"),
        Index("ix_contribution_records_employer_period", "employer_id", "period"),
    )

    holder_id: Mapped[int] = mapped_column(ForeignKey("holders.id"))
    insurance: Mapped[str] = mapped_column(String(16))
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employers.id"))
    #: First month covered, as the integer YYYYMM.
    period: Mapped[int] = mapped_column(Integer)
    months: Mapped[int] = mapped_column(Integer, default=1)
    base_fen: Mapped[int] = mapped_column(BigInteger)
    employer_fen: Mapped[int] = mapped_column(BigInteger)
    personal_fen: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(8))
    paid_on: Mapped[dt.date | None] = mapped_column(Date)
