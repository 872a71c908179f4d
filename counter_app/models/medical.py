"""Medical insurance (医疗保险): the personal account (医疗卡余额, Q4) and its movements."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from counter_app.models.base import Base, IdMixin, one_of, utcnow


class MedicalAccount(IdMixin, Base):
    """One per holder; ``balance_fen`` equals the last transaction's ``balance_after_fen``."""

    __tablename__ = "medical_accounts"

    holder_id: Mapped[int] = mapped_column(ForeignKey("holders.id"), unique=True)
    balance_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class MedicalTransaction(IdMixin, Base):
    """A credit (monthly transfer in) or a payment (outpatient, pharmacy, inpatient)."""

    __tablename__ = "medical_transactions"
    __table_args__ = (
        one_of("kind", ["credit", "outpatient", "pharmacy", "inpatient", "adjustment"]),
        Index("ix_medical_transactions_holder_at", "holder_id", "at"),
    )

    holder_id: Mapped[int] = mapped_column(ForeignKey("holders.id"))
    at: Mapped[dt.datetime]
    kind: Mapped[str] = mapped_column(String(12))
    #: Signed: credits positive, payments negative.
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    balance_after_fen: Mapped[int] = mapped_column(BigInteger)
    institution: Mapped[str | None] = mapped_column(String(100))
