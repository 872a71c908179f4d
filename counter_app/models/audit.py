"""The tamper-evident audit trail (RULES Q7): one hash chain per workstation, city seals.

Every event belongs to one **chain** (the workstation or channel that wrote it) and has a
gap-free position ``chain_seq`` in it; it carries the SHA-256 (hex) of the previous event
of its chain (``prev_hash``) and of its own canonical content (``hash``). An appender locks
only its own chain's row in ``audit_chains`` — a workstation does one thing at a time, so
nobody else ever waits on it (docs/SCALING.md). ``seq`` is a database-assigned row number
for ordering and references; it is *not* gap-free and not part of any hash.

A **seal** (``audit_seals`` + ``audit_seal_heads``) binds every chain head at one moment
under a Merkle root, and the seals form their own hash chain whose head is the single row
of ``audit_chain_head``. Seals are written by a sealer no clerk's action waits for; a seal
of kind ``day`` binds each chain as it stood at the end of one day (Asia/Shanghai) and is
named by the day's row in ``audit_checkpoints``, printed on the daily report.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Sequence,
    String,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from counter_app.models.base import Base, BigId, one_of
from counter_app.models.security import OUTCOMES

#: ``prev_hash`` of the first event of the chain migrated from the single-chain trail, and
#: of the first seal.
GENESIS_HASH = "0" * 64
#: The chain every event written before chains per workstation (revision 0006) belongs to.
LEGACY_CHAIN = "legacy"
#: Kinds of seal: ``heads`` binds the chain heads when sealed, ``day`` the end of a day.
SEAL_KINDS = ("heads", "day")
#: Kinds of ``audit_checkpoints`` row: ``seal`` names a day seal (id and hash); ``event``
#: (rows written before revision 0006) names an event of the legacy chain.
CHECKPOINT_KINDS = ("seal", "event")

AUDIT_EVENTS_SEQ = Sequence("audit_events_seq_seq")


#: The events that authorise a change of a staff member's role, password or active flag.
STAFF_ACTIONS = "action LIKE 'staff.%'"


class AuditEvent(Base):
    """One audited action: who, where, when, whose record, why, and how it ended."""

    __tablename__ = "audit_events"
    __table_args__ = (
        one_of("outcome", OUTCOMES),
        CheckConstraint("seq >= 1", name="seq_positive"),
        Index("ix_audit_events_holder_id_at", "holder_id", "at"),
        Index("ux_audit_events_chain_chain_seq", "chain", "chain_seq", unique=True),
        # What the PostgreSQL state-change checks (revision 0008) look up at commit: this
        # card's events, and the staff events — by index, not by reading the whole trail
        # (revision 0010).
        Index("ix_audit_events_card_id", "card_id", "seq"),
        Index(
            "ix_audit_events_staff_actions",
            "seq",
            postgresql_where=text(STAFF_ACTIONS),
            sqlite_where=text(STAFF_ACTIONS),
        ),
    )

    seq: Mapped[int] = mapped_column(BigId, AUDIT_EVENTS_SEQ, primary_key=True)
    #: The chain (workstation or channel) and the event's gap-free position in it.
    chain: Mapped[str] = mapped_column(String(32))
    chain_seq: Mapped[int] = mapped_column(BigId)
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


class AuditChain(Base):
    """The head of one chain: its last position and hash; only its own appender locks it."""

    __tablename__ = "audit_chains"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigId)
    last_hash: Mapped[str] = mapped_column(String(64))


class AuditSeal(Base):
    """One city checkpoint: the Merkle root over every chain head, in the chain of seals."""

    __tablename__ = "audit_seals"
    __table_args__ = (
        one_of("kind", SEAL_KINDS),
        CheckConstraint("id >= 1", name="id_positive"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(8))
    #: The day a ``day`` seal closes (Asia/Shanghai), else NULL.
    day: Mapped[dt.date | None] = mapped_column(Date, unique=True)
    at: Mapped[dt.datetime]
    chains: Mapped[int] = mapped_column(Integer)
    root: Mapped[str] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditSealHead(Base):
    """One leaf of a seal: a chain and its position and hash when sealed."""

    __tablename__ = "audit_seal_heads"

    seal_id: Mapped[int] = mapped_column(ForeignKey("audit_seals.id"), primary_key=True)
    chain: Mapped[str] = mapped_column(String(32), primary_key=True)
    chain_seq: Mapped[int] = mapped_column(BigId)
    hash: Mapped[str] = mapped_column(String(64))


class AuditChainHead(Base):
    """The single row (``id`` = 1) naming the last seal; only the sealer moves it.

    (Before revision 0006 it named the last event of the one city-wide chain.)
    """

    __tablename__ = "audit_chain_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(BigId, default=0)
    last_hash: Mapped[str] = mapped_column(String(64), default=GENESIS_HASH)


class AuditCheckpoint(Base):
    """The end of one day (Asia/Shanghai), printed on the daily report.

    ``kind`` ``seal``: ``seq`` and ``hash`` are the day seal's id and hash. ``kind``
    ``event`` (written before revision 0006): the legacy chain's event ``seq`` and hash.
    """

    __tablename__ = "audit_checkpoints"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    seq: Mapped[int] = mapped_column(BigId)
    hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime]
    kind: Mapped[str] = mapped_column(String(8), server_default="event")
