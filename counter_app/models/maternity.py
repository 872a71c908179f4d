"""Maternity insurance (生育保险) benefits."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from counter_app.models.base import Base, IdMixin, one_of


class MaternityBenefit(IdMixin, Base):
    """A childbirth medical payment or a maternity allowance (生育津贴)."""

    __tablename__ = "maternity_benefits"
    __table_args__ = (one_of("kind", ["medical", "allowance", "family_planning"]),)

    holder_id: Mapped[int] = mapped_column(ForeignKey("holders.id"), index=True)
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employers.id"))
    kind: Mapped[str] = mapped_column(String(16))
    event_date: Mapped[dt.date] = mapped_column(Date)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    paid_on: Mapped[dt.date] = mapped_column(Date)
