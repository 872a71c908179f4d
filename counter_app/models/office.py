"""Offices (RULES S1–S2) and the staff who work at them (S3).

An office is a service window (经办机构窗口), a district medical insurance sub-center
(区县医疗保险分中心) or the city card service center (社会保障卡服务中心). Every office but
the card service center belongs to one district (6-digit code, 50xxxx). Staff lockout is
counted here, in the database, so every workstation of the city counts together
(RULES S1–S3: "lockout ... counted in the database").
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from counter_app.models.base import Base, IdMixin, one_of, utcnow


class OfficeKind(StrEnum):
    SERVICE_WINDOW = "service_window"
    DISTRICT_SUBCENTER = "district_subcenter"
    CARD_CENTER = "card_center"


class Role(StrEnum):
    CLERK = "clerk"
    SUBCENTER_STAFF = "subcenter_staff"
    CARD_CENTER_STAFF = "card_center_staff"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class Office(IdMixin, Base):
    """One office. ``district_code`` is NULL only for the city card service center."""

    __tablename__ = "offices"
    __table_args__ = (
        one_of("kind", [k.value for k in OfficeKind]),
        CheckConstraint(
            "kind = 'card_center' OR district_code IS NOT NULL", name="district_required"
        ),
    )

    #: Stable business code, e.g. ``500103-YB`` (sub-center), ``500103-CK01`` (window).
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(24))
    district_code: Mapped[str | None] = mapped_column(String(6), index=True)
    address: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Staff(IdMixin, Base):
    """A workstation user. ``password_hash`` is an argon2id hash, never a password."""

    __tablename__ = "staff"
    __table_args__ = (
        one_of("role", [r.value for r in Role]),
        CheckConstraint("failed_logins >= 0", name="failed_logins_non_negative"),
    )

    #: Login name printed on forms, e.g. ``YB500103-01``.
    staff_no: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(50))
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    role: Mapped[str] = mapped_column(String(24))
    password_hash: Mapped[str] = mapped_column(String(200))
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Consecutive failed logins since the last success (all workstations together).
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None]
    last_login_at: Mapped[dt.datetime | None]
    password_changed_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    disabled_at: Mapped[dt.datetime | None]
