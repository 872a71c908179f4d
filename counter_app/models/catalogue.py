"""The published drug catalogue (药品目录) and diagnosis-and-treatment items (诊疗项目), Q6.

``category`` is 甲/乙/丙: 甲 fully covered, 乙 with a self-pay share first, 丙 not covered.
``pinyin_initials`` (e.g. ``AMXL`` for 阿莫西林) serves the counter's search box.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, CheckConstraint, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from counter_app.models.base import Base, IdMixin, one_of

CATALOGUE_CLASSES = ["甲", "乙", "丙"]


class Drug(IdMixin, Base):
    """One catalogue drug; ``self_pay_percent`` is the share paid first by the holder."""

    __tablename__ = "drugs"
    __table_args__ = (
        one_of("category", CATALOGUE_CLASSES),
        CheckConstraint("self_pay_percent BETWEEN 0 AND 100", name="self_pay_range"),
    )

    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(60), index=True)
    dosage_form: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(1))
    self_pay_percent: Mapped[int] = mapped_column(Integer)
    pinyin_initials: Mapped[str] = mapped_column(String(30), index=True)
    restriction: Mapped[str | None] = mapped_column(String(100))


class TreatmentItem(IdMixin, Base):
    """A diagnosis-and-treatment item with its price and self-pay share."""

    __tablename__ = "treatment_items"
    __table_args__ = (
        one_of("category", CATALOGUE_CLASSES),
        CheckConstraint("self_pay_percent BETWEEN 0 AND 100", name="self_pay_range"),
    )

    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(60), index=True)
    unit: Mapped[str] = mapped_column(String(10))
    price_fen: Mapped[int] = mapped_column(BigInteger)
    category: Mapped[str] = mapped_column(String(1))
    self_pay_percent: Mapped[int] = mapped_column(Integer)
    pinyin_initials: Mapped[str] = mapped_column(String(30), index=True)
