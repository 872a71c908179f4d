"""Pension (养老保险): the personal account and retirement benefit payments (Q4)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer
from sqlalchemy.orm import Mapped, mapped_column

from counter_app.models.base import Base, IdMixin


class PensionAccount(IdMixin, Base):
    """One per holder. ``monthly_benefit_fen`` is set once retired (退休待遇金额, Q4)."""

    __tablename__ = "pension_accounts"

    holder_id: Mapped[int] = mapped_column(ForeignKey("holders.id"), unique=True)
    balance_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    contribution_months: Mapped[int] = mapped_column(Integer, default=0)
    opened_on: Mapped[dt.date] = mapped_column(Date)
    retired_on: Mapped[dt.date | None] = mapped_column(Date)
    monthly_benefit_fen: Mapped[int | None] = mapped_column(BigInteger)


class PensionPayment(IdMixin, Base):
    """One monthly retirement benefit payment."""

    __tablename__ = "pension_payments"
    __table_args__ = (Index("ix_pension_payments_holder_period", "holder_id", "period"),)

    holder_id: Mapped[int] = mapped_column(ForeignKey("holders.id"))
    period: Mapped[int] = mapped_column(Integer)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    paid_on: Mapped[dt.date] = mapped_column(Date)
