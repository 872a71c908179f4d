"""Card holders (参保人): identity as printed on the card, and where they live.

The social security number is the citizen ID number (RULES C1). Lookups staff run all day
have indexes: by ssn (unique), by name + birth date; the card number lookup is on
``cards.card_number``.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Date, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from counter_app.models.base import Base, IdMixin, one_of, utcnow


class HolderStatus(StrEnum):
    """Personal status kept on the chip (RULES C2), plus deceased."""

    EMPLOYED = "employed"
    UNEMPLOYED = "unemployed"
    RETIRED = "retired"
    DECEASED = "deceased"


class Holder(IdMixin, Base):
    """One person. ``gender`` is GB/T 2261.1 (``1``/``2``/``9``); ``ethnicity`` GB 3304."""

    __tablename__ = "holders"
    __table_args__ = (
        one_of("gender", ["1", "2", "9"]),
        one_of("status", [s.value for s in HolderStatus]),
        Index("ix_holders_name_birth_date", "name", "birth_date"),
    )

    ssn: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(50))
    gender: Mapped[str] = mapped_column(String(1))
    ethnicity: Mapped[str] = mapped_column(String(2), default="01")
    birth_date: Mapped[dt.date] = mapped_column(Date)
    #: 6-digit region code of the birthplace (GB/T 2260).
    birthplace: Mapped[str] = mapped_column(String(6))
    #: 6-digit code of the district holding the household register (户籍); decides which
    #: sub-center may lift a loss report (RULES U2).
    household_district: Mapped[str] = mapped_column(String(6), index=True)
    phone: Mapped[str | None] = mapped_column(String(20))
    address: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
