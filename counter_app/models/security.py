"""Passwords, logins and submissions — what happened, never a secret typed by anyone.

- ``password_events``: card PIN and service password changes/resets/unblocks (RULES P2–P8):
  kind, when, who, where, outcome (``unknown`` when the card left mid-command; resolved
  later by re-reading the card). **No column may ever hold a PIN or password.**
- ``service_passwords``: the web/12333 query password (Q3, P8) as an argon2 hash.
- ``staff_login_events`` and ``staff_sessions``: login outcomes and live sessions (RULES S1–S3).
- ``idempotency_keys``: one row per accepted submission, so a retried commit whose
  acknowledgement was lost is recognised instead of applied twice (SCALING.md §0.2).
- ``approvals``: four-eyes approvals bound to one request digest, usable once (RULES S1–S3).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from counter_app.models.base import Base, IdMixin, one_of, utcnow


class PasswordEventKind(StrEnum):
    PIN_CHANGE = "pin_change"
    PIN_RESET = "pin_reset"
    PIN_UNBLOCK = "pin_unblock"
    SERVICE_PASSWORD_RESET = "service_password_reset"
    SERVICE_PASSWORD_CHANGE = "service_password_change"


class Outcome(StrEnum):
    SUCCESS = "success"
    FAILED = "failed"
    REFUSED = "refused"
    UNKNOWN = "unknown"


OUTCOMES = [o.value for o in Outcome]
CHANNELS = ["counter", "phone", "terminal", "web"]


class PasswordEvent(IdMixin, Base):
    """One password operation and its outcome. Holds no password, by construction."""

    __tablename__ = "password_events"
    __table_args__ = (
        one_of("kind", [k.value for k in PasswordEventKind]),
        one_of("channel", CHANNELS),
        one_of("outcome", OUTCOMES),
        one_of("resolved_outcome", ["success", "failed"]),
        Index("ix_password_events_holder_at", "holder_id", "at"),
    )

    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(24))
    channel: Mapped[str] = mapped_column(String(8))
    holder_id: Mapped[int] = mapped_column(ForeignKey("holders.id"))
    card_id: Mapped[int | None] = mapped_column(ForeignKey("cards.id"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"))
    workstation: Mapped[str | None] = mapped_column(String(32))
    outcome: Mapped[str] = mapped_column(String(8))
    #: For ``unknown`` outcomes: what re-reading the card showed, and when.
    resolved_outcome: Mapped[str | None] = mapped_column(String(8))
    resolved_at: Mapped[dt.datetime | None]
    #: Free text for staff (e.g. the status word); never a password.
    detail: Mapped[str | None] = mapped_column(String(200))
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)


class ServicePassword(Base):
    """The holder's web/12333 query password (Q3): argon2 hash, must-change flag (P8)."""

    __tablename__ = "service_passwords"
    __table_args__ = (CheckConstraint("failed_attempts >= 0", name="failed_attempts_non_negative"),)

    holder_id: Mapped[int] = mapped_column(ForeignKey("holders.id"), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    must_change: Mapped[bool] = mapped_column(Boolean, default=True)
    set_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    set_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None]


class StaffLoginEvent(IdMixin, Base):
    """One login attempt. ``staff_no_tried`` is what was typed as the user name."""

    __tablename__ = "staff_login_events"
    __table_args__ = (
        one_of("outcome", ["success", "wrong_password", "unknown_user", "locked", "disabled"]),
        Index("ix_staff_login_events_staff_id_at", "staff_id", "at"),
    )

    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    staff_no_tried: Mapped[str] = mapped_column(String(40))
    workstation: Mapped[str | None] = mapped_column(String(32))
    outcome: Mapped[str] = mapped_column(String(16))


class StaffSession(IdMixin, Base):
    """A staff member logged in at a workstation; ended on logout, lock or disable."""

    __tablename__ = "staff_sessions"

    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    workstation: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[dt.datetime | None]
    end_reason: Mapped[str | None] = mapped_column(String(20))


class IdempotencyKey(Base):
    """A submission already applied: its key, what it did, and what it produced."""

    __tablename__ = "idempotency_keys"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    action: Mapped[str] = mapped_column(String(40))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: What the submission produced, e.g. ``loss_reports:123``.
    result_ref: Mapped[str | None] = mapped_column(String(64))


class Approval(IdMixin, Base):
    """A supervisor's four-eyes decision on one request (RULES S1–S3); used once."""

    __tablename__ = "approvals"
    __table_args__ = (
        one_of("outcome", ["approved", "rejected"]),
        CheckConstraint("approver_staff_id <> initiator_staff_id", name="not_self_approved"),
    )

    action: Mapped[str] = mapped_column(String(40))
    #: SHA-256 (hex) of the exact request approved; binds the approval to it.
    request_digest: Mapped[str] = mapped_column(String(64), unique=True)
    initiator_staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    approver_staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    outcome: Mapped[str] = mapped_column(String(8))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    used_at: Mapped[dt.datetime | None]
