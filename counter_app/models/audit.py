"""The tamper-evident audit trail (RULES Q7; issue 8 item 3).

Every event has a gap-free sequence number ``seq`` and carries the SHA-256 (hex) of the
previous event (``prev_hash``) and of its own canonical content (``hash``). Appenders lock
the single ``audit_chain_head`` row, take ``last_seq + 1`` and ``last_hash``, write the
event and move the head, all in the business transaction — so sequence numbers never skip
and two workstations never fork the chain. ``audit_checkpoints`` keeps one chain head per
day for the daily report.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from counter_app.models.base import Base, BigId, one_of
from counter_app.models.security import OUTCOMES

#: ``prev_hash`` of the first event.
GENESIS_HASH = "0" * 64


class AuditEvent(Base):
    """One audited action: who, where, when, whose record, why, and how it ended."""

    __tablename__ = "audit_events"
    __table_args__ = (
        one_of("outcome", OUTCOMES),
        CheckConstraint("seq >= 1", name="seq_positive"),
        Index("ix_audit_events_holder_id_at", "holder_id", "at"),
    )

    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    at: Mapped[dt.datetime] = mapped_column(index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"))
    workstation: Mapped[str | None] = mapped_column(String(32))
    #: e.g. ``loss.report_written``, ``record.view``, ``pin.reset``, ``staff.login``.
    action: Mapped[str] = mapped_column(String(48))
    #: Query category (Q2) for record views, else NULL.
    category: Mapped[str | None] = mapped_column(String(32))
    holder_id: Mapped[int | None] = mapped_column(ForeignKey("holders.id"))
    card_id: Mapped[int | None] = mapped_column(ForeignKey("cards.id"))
    reason: Mapped[str | None] = mapped_column(String(200))
    outcome: Mapped[str] = mapped_column(String(8))
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditChainHead(Base):
    """The single row (``id`` = 1) naming the last event; appenders lock it."""

    __tablename__ = "audit_chain_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(BigId, default=0)
    last_hash: Mapped[str] = mapped_column(String(64), default=GENESIS_HASH)


class AuditCheckpoint(Base):
    """The chain head at the end of one day (Asia/Shanghai), printed on the daily report."""

    __tablename__ = "audit_checkpoints"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    seq: Mapped[int] = mapped_column(BigId)
    hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime]
