"""Work injury (工伤保险): cases with disability grade and benefits; work-death (工亡)
cases with survivor benefits (Q5)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, CheckConstraint, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from counter_app.models.base import Base, IdMixin, one_of


class InjuryCase(IdMixin, Base):
    """A recognised work injury or occupational disease (职业病); grade 1 is the gravest."""

    __tablename__ = "injury_cases"
    __table_args__ = (
        CheckConstraint(
            "disability_grade IS NULL OR disability_grade BETWEEN 1 AND 10",
            name="disability_grade_range",
        ),
        one_of("status", ["open", "assessed", "closed"]),
    )

    case_no: Mapped[str] = mapped_column(String(24), unique=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("holders.id"), index=True)
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employers.id"))
    injury_date: Mapped[dt.date] = mapped_column(Date)
    recognised_on: Mapped[dt.date] = mapped_column(Date)
    occupational_disease: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str] = mapped_column(String(200))
    disability_grade: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(8))


class InjuryBenefit(IdMixin, Base):
    """A payment of a case: medical costs, lump sum, monthly allowance, nursing."""

    __tablename__ = "injury_benefits"
    __table_args__ = (
        one_of("kind", ["medical", "lump_sum", "monthly_allowance", "nursing", "meal"]),
    )

    case_id: Mapped[int] = mapped_column(ForeignKey("injury_cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    period: Mapped[int | None] = mapped_column(Integer)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    paid_on: Mapped[dt.date] = mapped_column(Date)


class DeathCase(IdMixin, Base):
    """A work death (工亡), looked up by the deceased's social security number."""

    __tablename__ = "death_cases"

    case_no: Mapped[str] = mapped_column(String(24), unique=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("holders.id"), unique=True)
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employers.id"))
    death_date: Mapped[dt.date] = mapped_column(Date)
    funeral_grant_fen: Mapped[int] = mapped_column(BigInteger)
    lump_sum_fen: Mapped[int] = mapped_column(BigInteger)


class SurvivorBenefit(IdMixin, Base):
    """A monthly survivor pension (供养亲属抚恤金) to one relative of a death case."""

    __tablename__ = "survivor_benefits"
    __table_args__ = (one_of("relation", ["spouse", "child", "parent", "other"]),)

    death_case_id: Mapped[int] = mapped_column(ForeignKey("death_cases.id"), index=True)
    survivor_name: Mapped[str] = mapped_column(String(50))
    relation: Mapped[str] = mapped_column(String(8))
    survivor_ssn: Mapped[str | None] = mapped_column(String(18))
    monthly_fen: Mapped[int] = mapped_column(BigInteger)
    since: Mapped[dt.date] = mapped_column(Date)
    until: Mapped[dt.date | None] = mapped_column(Date)
