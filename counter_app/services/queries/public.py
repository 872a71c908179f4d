"""Look-ups that are not one holder's records: an employer's medical insurance contributions
by employer number (Q5), a deceased's work-death benefits by their social security number
(Q5: the holder cannot come, the family does) and the published drug catalogue and
treatment items (Q6)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import bindparam, case, distinct, func, or_, select
from sqlalchemy.orm import Session

from counter_app.models.catalogue import Drug, TreatmentItem
from counter_app.models.employer import Employer
from counter_app.models.holder import Holder
from counter_app.models.injury import DeathCase
from counter_app.models.insurance import ContributionRecord
from counter_app.services import precompiled
from counter_app.services.errors import (
    EmployerNotFound,
    EmployerNumberExpected,
    SearchTextRequired,
)
from counter_app.services.precompiled import Db
from counter_app.services.queries import benefits
from counter_app.services.queries.benefits import DeathView
from counter_app.services.queries.money import period_text, yuan
from counter_app.validation._normalise import fold_width
from forms.masking import mask_id_number

CATALOGUE_LIMIT = 50


@dataclass(frozen=True)
class EmployerMonth:
    """The employer's medical contributions starting in ``period`` ("2026-01"), covering
    ``months`` months (a record may pay a whole year: the demo's do), summed over its
    insured people."""

    period: str
    insured_people: int
    base_yuan: Decimal | None
    employer_yuan: Decimal | None
    personal_yuan: Decimal | None
    arrears_people: int
    months: int = 1


@dataclass(frozen=True)
class EmployerContributions:
    """单位医疗保险缴费 (Q5), by contribution period, newest first: the periods wholly
    within the last ``months`` months the employer has contributions for, ``first_month``
    to ``last_month`` ("2025-12", "2026-11"; "" with no contributions) — the window the
    clerk chose (最近 12 个月) and nothing outside it.

    ``partly_earlier`` are the periods that begin before the window and end inside it (a
    record paying a whole year, 2025年01月至12月, in a window that starts in 2025-12):
    their sums cannot be split by month, so they are not among ``months``; the window says
    that they exist (a longer window shows them whole)."""

    unit_number: str
    name: str
    district_code: str
    months: tuple[EmployerMonth, ...]
    first_month: str = ""
    last_month: str = ""
    partly_earlier: tuple[EmployerMonth, ...] = ()


@dataclass(frozen=True)
class WorkDeathBenefits:
    """工亡人员待遇 (Q5) by the deceased's social security number: their name, the number
    masked as every view masks it, and the work-death record with the survivors' pensions
    (:class:`~counter_app.services.queries.benefits.DeathView`, the holder view's own).

    With no work-death record for the number, ``name`` is empty and ``death`` is the empty
    view (无记录) — the same whether nobody has the number or a living holder does: the
    answer never tells who is insured (RULES Q7: a living holder's records need the holder)."""

    name: str
    ssn: str
    death: DeathView

    @property
    def found(self) -> bool:
        return bool(self.death.case_no)


@dataclass(frozen=True)
class DrugRow:
    code: str
    name: str
    dosage_form: str
    category: str  # 甲/乙/丙
    self_pay_percent: int
    pinyin_initials: str
    restriction: str


@dataclass(frozen=True)
class TreatmentRow:
    code: str
    name: str
    unit: str
    price_yuan: Decimal | None
    category: str
    self_pay_percent: int
    pinyin_initials: str


def employer_contributions(
    db: Session, unit_number: str, months: int = 12
) -> EmployerContributions:
    """2 statements: the employer, and its medical contributions summed per period."""
    number = fold_width(unit_number).strip().upper()
    if not looks_like_unit_number(number):
        raise EmployerNumberExpected()
    employer = db.scalars(select(Employer).where(Employer.unit_number == number)).first()
    if employer is None:
        raise EmployerNotFound()
    rows, newest = _monthly(db, employer.id, months)
    first = newest - months + 1 if newest is not None else None
    inside = tuple(m for m in rows if first is not None and _first_month(m) >= first)
    return EmployerContributions(
        employer.unit_number,
        employer.name,
        employer.district_code,
        inside,
        _month_text(first),
        _month_text(newest),
        tuple(m for m in rows if m not in inside),
    )


def _first_month(m: EmployerMonth) -> int:
    """The first month of ``m`` counted in months since year 0 (as :data:`_LAST_MONTH`)."""
    year, month = (int(x) for x in m.period.split("-"))
    return year * 12 + month - 1


def _month_text(count: int | None) -> str:
    """A month counted since year 0 as the services write months: ``"2026-11"``."""
    if count is None:
        return ""
    year, month = divmod(count, 12)
    return f"{year:04d}-{month + 1:02d}"


def looks_like_unit_number(text: str) -> bool:
    """Could ``text`` (width-folded, trimmed, upper case) be a unit number at all: letters
    and digits with at least one digit. A company name (汉字) or a word is not — the look-up
    asks for the number instead of answering that no such number exists."""
    return bool(text) and text.isascii() and text.isalnum() and any(c.isdigit() for c in text)


#: 工亡人员待遇 with no record (the holder view's empty ``DeathView``: 无记录).
NO_WORK_DEATH = DeathView("", "", None, None, None, ())

_DECEASED = precompiled.of(
    select(Holder.__table__.c.id, Holder.__table__.c.name)
    .join(DeathCase.__table__, DeathCase.__table__.c.holder_id == Holder.__table__.c.id)
    .where(Holder.__table__.c.ssn == bindparam("ssn"))
)


def work_death(db: Db, ssn: str) -> tuple[int | None, WorkDeathBenefits]:
    """The holder with the (already validated, 18-character) ``ssn`` who has a work-death
    record, and their 工亡人员待遇 — or ``(None, no record)``. 1 statement, 3 with a record."""
    row = _DECEASED.first(db, {"ssn": ssn})
    if row is None:
        return None, WorkDeathBenefits("", mask_id_number(ssn), NO_WORK_DEATH)
    return int(row.id), WorkDeathBenefits(
        str(row.name), mask_id_number(ssn), benefits.death(db, int(row.id))
    )


#: The last month a record covers, counted in months since year 0 (``period`` is YYYYMM and
#: the record covers ``months`` months from it): a record of 2025-01 for 12 months ends in
#: 2025-12, and is among the last 12 months of an employer whose newest month is 2026-11.
_LAST_MONTH = (
    (ContributionRecord.period // 100) * 12
    + ContributionRecord.period % 100
    - 1
    + ContributionRecord.months
    - 1
)


def _monthly(db: Session, employer_id: int, months: int) -> tuple[list[EmployerMonth], int | None]:
    """The employer's medical records grouped by their first month, those that reach into
    the last ``months`` months it has contributions for (counted back from its newest month
    covered, not from today: the rows say when they are), and that newest month (None: no
    records). One statement."""
    medical = (
        ContributionRecord.employer_id == employer_id,
        ContributionRecord.insurance == "medical",
    )
    newest = select(func.max(_LAST_MONTH)).where(*medical).scalar_subquery()
    arrears_people = func.count(
        distinct(case((ContributionRecord.status == "arrears", ContributionRecord.holder_id)))
    )
    rows = db.execute(
        select(
            ContributionRecord.period,
            func.count(distinct(ContributionRecord.holder_id)),
            func.sum(ContributionRecord.base_fen),
            func.sum(ContributionRecord.employer_fen),
            func.sum(ContributionRecord.personal_fen),
            arrears_people,
            func.max(ContributionRecord.months),
            newest,
        )
        .where(*medical)
        .group_by(ContributionRecord.period)
        # A period is in or out whole: its row sums all its records, whatever the window.
        .having(func.max(_LAST_MONTH) > newest - months)
        .order_by(ContributionRecord.period.desc())
        .limit(months)
    ).all()
    shown = [
        EmployerMonth(period_text(p), int(n), yuan(b), yuan(e), yuan(s), int(a or 0), int(m))
        for p, n, b, e, s, a, m, _newest in rows
    ]
    return shown, (int(rows[0][-1]) if rows else None)


def _pattern(text: str) -> tuple[str, str]:
    term = fold_width(text or "").strip()
    if not term:
        raise SearchTextRequired()
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return term, escaped


def search_drugs(db: Session, text: str, limit: int = CATALOGUE_LIMIT) -> list[DrugRow]:
    """Q6: by code (prefix), name (contains) or pinyin initials (prefix); 1 statement."""
    _term, esc = _pattern(text)
    rows = db.scalars(
        select(Drug)
        .where(
            or_(
                Drug.code.like(esc.upper() + "%", escape="\\"),
                Drug.name.like("%" + esc + "%", escape="\\"),
                Drug.pinyin_initials.like(esc.upper() + "%", escape="\\"),
            )
        )
        .order_by(Drug.pinyin_initials, Drug.code)
        .limit(limit)
    ).all()
    return [
        DrugRow(
            d.code,
            d.name,
            d.dosage_form,
            d.category,
            d.self_pay_percent,
            d.pinyin_initials,
            d.restriction or "",
        )
        for d in rows
    ]


def search_treatments(db: Session, text: str, limit: int = CATALOGUE_LIMIT) -> list[TreatmentRow]:
    """Q6: the diagnosis-and-treatment items, searched like :func:`search_drugs`."""
    _term, esc = _pattern(text)
    rows = db.scalars(
        select(TreatmentItem)
        .where(
            or_(
                TreatmentItem.code.like(esc.upper() + "%", escape="\\"),
                TreatmentItem.name.like("%" + esc + "%", escape="\\"),
                TreatmentItem.pinyin_initials.like(esc.upper() + "%", escape="\\"),
            )
        )
        .order_by(TreatmentItem.pinyin_initials, TreatmentItem.code)
        .limit(limit)
    ).all()
    return [
        TreatmentRow(
            t.code,
            t.name,
            t.unit,
            yuan(t.price_fen),
            t.category,
            t.self_pay_percent,
            t.pinyin_initials,
        )
        for t in rows
    ]
