"""Holder sessions (RULES Q1, Q7): the span in which staff may see one holder's records.

A session opens when the holder proves who they are — card + PIN (``card_pin``) or a
staff check of an ID document (``id_document``, with the reason recorded) — and closes when
the service ends or, for a card session, when that card leaves the reader. Opened and
closed times feed the supervisors' service-time report. No column holds an ID document
number or a PIN: the document's kind is kept, its number only checked.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from counter_app.models.base import Base, IdMixin, one_of, utcnow
from counter_app.models.loss import ID_DOCUMENT_TYPES

SESSION_VIA = ["card_pin", "id_document"]


class HolderSessionRow(IdMixin, Base):
    """One holder session at one workstation; ``closed_at`` NULL while it is open."""

    __tablename__ = "holder_sessions"
    __table_args__ = (
        one_of("via", SESSION_VIA),
        one_of("document_kind", ID_DOCUMENT_TYPES),
        Index("ix_holder_sessions_holder_id_opened_at", "holder_id", "opened_at"),
        Index("ix_holder_sessions_office_id_opened_at", "office_id", "opened_at"),
        Index("ix_holder_sessions_card_id_code_closed_at", "card_id_code", "closed_at"),
    )

    holder_id: Mapped[int] = mapped_column(ForeignKey("holders.id"))
    card_id: Mapped[int | None] = mapped_column(ForeignKey("cards.id"))
    via: Mapped[str] = mapped_column(String(12))
    #: 卡识别码 of the card read (card sessions), 32 upper-case hex digits.
    card_id_code: Mapped[str | None] = mapped_column(String(32))
    #: Kind of ID document checked (ID sessions); its number is never stored here.
    document_kind: Mapped[str | None] = mapped_column(String(24))
    #: Why staff looked the holder up without the card (Q7: "why").
    reason: Mapped[str | None] = mapped_column(String(200))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    workstation: Mapped[str | None] = mapped_column(String(32))
    opened_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[dt.datetime | None]
    #: ``done``, ``card_removed``, ``staff_logout``, ``staff_disabled``, …
    end_reason: Mapped[str | None] = mapped_column(String(24))
