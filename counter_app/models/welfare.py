"""Minimum-living allowance (低保) and special care (优抚) entries (Q2)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from counter_app.models.base import Base, IdMixin, one_of


class LivingAllowance(IdMixin, Base):
    """A 低保 entitlement of a household, recorded on its applicant."""

    __tablename__ = "living_allowances"
    __table_args__ = (
        one_of("area", ["urban", "rural"]),
        one_of("status", ["active", "ended"]),
    )

    holder_id: Mapped[int] = mapped_column(ForeignKey("holders.id"), index=True)
    district_code: Mapped[str] = mapped_column(String(6))
    area: Mapped[str] = mapped_column(String(5))
    household_size: Mapped[int] = mapped_column(Integer)
    monthly_fen: Mapped[int] = mapped_column(BigInteger)
    since: Mapped[dt.date] = mapped_column(Date)
    until: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(6))


class SpecialCare(IdMixin, Base):
    """An 优抚 entry: veteran, disabled serviceman, martyr's or serviceman's family."""

    __tablename__ = "special_care"
    __table_args__ = (
        one_of(
            "category", ["veteran", "disabled_serviceman", "martyr_family", "serviceman_family"]
        ),
    )

    holder_id: Mapped[int] = mapped_column(ForeignKey("holders.id"), index=True)
    category: Mapped[str] = mapped_column(String(20))
    #: Disability grade for disabled servicemen (1–10), else NULL.
    grade: Mapped[int | None] = mapped_column(Integer)
    monthly_fen: Mapped[int] = mapped_column(BigInteger)
    since: Mapped[dt.date] = mapped_column(Date)
    until: Mapped[dt.date | None] = mapped_column(Date)
