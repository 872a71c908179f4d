"""Unemployment insurance (失业保险): claims and benefit payments.

Continuous contribution months (Q4) are ``insurance_participations.continuous_months``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from counter_app.models.base import Base, IdMixin, one_of


class UnemploymentClaim(IdMixin, Base):
    """A registration as unemployed with its entitlement."""

    __tablename__ = "unemployment_claims"
    __table_args__ = (one_of("status", ["open", "closed"]),)

    holder_id: Mapped[int] = mapped_column(ForeignKey("holders.id"), index=True)
    registered_on: Mapped[dt.date] = mapped_column(Date)
    entitlement_months: Mapped[int] = mapped_column(Integer)
    monthly_fen: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(8))
    closed_on: Mapped[dt.date | None] = mapped_column(Date)


class UnemploymentPayment(IdMixin, Base):
    """One monthly unemployment benefit payment of a claim."""

    __tablename__ = "unemployment_payments"

    claim_id: Mapped[int] = mapped_column(ForeignKey("unemployment_claims.id"), index=True)
    period: Mapped[int] = mapped_column(Integer)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    paid_on: Mapped[dt.date] = mapped_column(Date)
