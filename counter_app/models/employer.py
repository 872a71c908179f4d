"""Employers (参保单位), known by their unit social security number (单位社保编号)."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from counter_app.models.base import Base, IdMixin


class Employer(IdMixin, Base):
    """One contributing employer. Q5 looks it up by ``unit_number``."""

    __tablename__ = "employers"

    unit_number: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    #: 统一社会信用代码 (18 characters), when known.
    credit_code: Mapped[str | None] = mapped_column(String(18))
    district_code: Mapped[str] = mapped_column(String(6), index=True)
    industry: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(String(200))
