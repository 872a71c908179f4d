"""Social security cards: what is printed on them and which state the issuer holds them in.

The chip's own state (PIN tries left, application blocked) lives on the chip and is read
from it; the database holds the issuer's view (RULES L*, U*, R*).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from counter_app.models.base import Base, IdMixin, one_of, utcnow


class CardState(StrEnum):
    ACTIVE = "active"
    #: 12333 temporary report (RULES L1); lapses without a written one (L2).
    PHONE_REPORTED_LOST = "phone_reported_lost"
    #: Written report (书面挂失, L3).
    LOST = "lost"
    #: Replacement applied for (R2): stays lost for good, never lifted (U4).
    REPLACEMENT_APPLIED = "replacement_applied"
    CANCELLED = "cancelled"


#: States in which a card is the holder's card in use; at most one per holder.
IN_USE_STATES = ("active", "phone_reported_lost", "lost")


class Card(IdMixin, Base):
    """One physical card. ``card_id_code`` is 卡识别码 as 32 upper-case hex digits."""

    __tablename__ = "cards"
    __table_args__ = (
        one_of("state", [s.value for s in CardState]),
        one_of("spec_version", ["2.00", "3.00"]),
        # A holder has at most one card in use; a replacement is issued only after the
        # old card left these states (replacement_applied / cancelled).
        Index(
            "uq_cards_holder_in_use",
            "holder_id",
            unique=True,
            sqlite_where=text("state IN ('active', 'phone_reported_lost', 'lost')"),
            postgresql_where=text("state IN ('active', 'phone_reported_lost', 'lost')"),
        ),
    )

    holder_id: Mapped[int] = mapped_column(ForeignKey("holders.id"), index=True)
    #: 卡号: 8 digits/capital letters + check character (CARD.md).
    card_number: Mapped[str] = mapped_column(String(9), unique=True)
    card_id_code: Mapped[str] = mapped_column(String(32), unique=True)
    #: Issuing region, the first 6 digits of 卡识别码.
    region_code: Mapped[str] = mapped_column(String(6))
    card_type: Mapped[str] = mapped_column(String(1), default="3")
    spec_version: Mapped[str] = mapped_column(String(4))
    #: 初始化机构编号, 24 hex digits.
    init_org: Mapped[str] = mapped_column(String(24))
    issue_date: Mapped[dt.date] = mapped_column(Date)
    expiry_date: Mapped[dt.date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(24), default=CardState.ACTIVE.value)
    state_changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: The card this one replaces (补卡), if any.
    replaces_card_id: Mapped[int | None] = mapped_column(ForeignKey("cards.id"))
    issuing_office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"))
