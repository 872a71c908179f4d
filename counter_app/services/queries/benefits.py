"""Work injury and work death (Q5), maternity (Q3), 低保 and 优抚 (Q2), qualifications and
employment history (C2), and 生命与健康数据 (Q2). A fixed number of statements each."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import BindParameter, bindparam, select
from sqlalchemy.orm import Session

from counter_app.models.career import Qualification
from counter_app.models.employer import Employer
from counter_app.models.injury import DeathCase, InjuryBenefit, InjuryCase, SurvivorBenefit
from counter_app.models.maternity import MaternityBenefit
from counter_app.models.welfare import LivingAllowance, SpecialCare
from counter_app.services.queries.insurance import EmploymentRow, employment_records
from counter_app.services.queries.money import period_text, yuan
from forms.masking import mask_id_number

# Statements built once at import (bound per call; SQLAlchemy caches their compiled form).
_HOLDER: BindParameter[int] = bindparam("holder_id")
_INJURY_CASES = (
    select(InjuryCase, Employer.name)
    .outerjoin(Employer, Employer.id == InjuryCase.employer_id)
    .where(InjuryCase.holder_id == _HOLDER)
    .order_by(InjuryCase.injury_date.desc())
)
_INJURY_BENEFITS = (
    select(InjuryBenefit, InjuryCase.case_no)
    .join(InjuryCase, InjuryCase.id == InjuryBenefit.case_id)
    .where(InjuryCase.holder_id == _HOLDER)
    .order_by(InjuryBenefit.paid_on.desc())
)
_DEATH_CASE = (
    select(DeathCase, Employer.name)
    .outerjoin(Employer, Employer.id == DeathCase.employer_id)
    .where(DeathCase.holder_id == _HOLDER)
)
_SURVIVORS = (
    select(SurvivorBenefit)
    .where(SurvivorBenefit.death_case_id == bindparam("case_id"))
    .order_by(SurvivorBenefit.id)
)
_MATERNITY = (
    select(MaternityBenefit, Employer.name)
    .outerjoin(Employer, Employer.id == MaternityBenefit.employer_id)
    .where(MaternityBenefit.holder_id == _HOLDER)
    .order_by(MaternityBenefit.event_date.desc())
)
_ALLOWANCES = (
    select(LivingAllowance)
    .where(LivingAllowance.holder_id == _HOLDER)
    .order_by(LivingAllowance.since.desc())
)
_SPECIAL_CARE = (
    select(SpecialCare).where(SpecialCare.holder_id == _HOLDER).order_by(SpecialCare.since.desc())
)
_QUALIFICATIONS = (
    select(Qualification)
    .where(Qualification.holder_id == _HOLDER)
    .order_by(Qualification.issued_on.desc())
)

INJURY_BENEFIT_KINDS = {"medical": "医疗费", "lump_sum": "一次性伤残补助金",
                        "monthly_allowance": "伤残津贴", "nursing": "护理费",
                        "meal": "伙食补助费"}  # fmt: skip
RELATIONS = {"spouse": "配偶", "child": "子女", "parent": "父母", "other": "其他"}
SPECIAL_CARE = {"veteran": "退役军人", "disabled_serviceman": "伤残军人",
                "martyr_family": "烈属"}  # fmt: skip
MATERNITY_KINDS = {"medical": "生育医疗费", "allowance": "生育津贴",
                   "family_planning": "计划生育医疗费"}  # fmt: skip


@dataclass(frozen=True)
class InjuryBenefitRow:
    case_no: str
    kind: str
    period: str
    amount_yuan: Decimal | None
    paid_on: dt.date


@dataclass(frozen=True)
class InjuryCaseRow:
    case_no: str
    employer: str
    injury_date: dt.date
    recognised_on: dt.date
    occupational_disease: bool
    description: str
    disability_grade: int | None
    status: str


@dataclass(frozen=True)
class InjuryView:
    """工伤人员待遇 (Q5): cases, disability grade, benefits."""

    cases: tuple[InjuryCaseRow, ...]
    benefits: tuple[InjuryBenefitRow, ...]


@dataclass(frozen=True)
class SurvivorRow:
    name: str
    relation: str
    ssn: str  # masked
    monthly_yuan: Decimal | None
    since: dt.date
    until: dt.date | None


@dataclass(frozen=True)
class DeathView:
    """工亡人员待遇 (Q5): the case and the survivors' benefits; empty when none."""

    case_no: str
    employer: str
    death_date: dt.date | None
    funeral_grant_yuan: Decimal | None
    lump_sum_yuan: Decimal | None
    survivors: tuple[SurvivorRow, ...]


@dataclass(frozen=True)
class MaternityRow:
    kind: str
    event_date: dt.date
    employer: str
    amount_yuan: Decimal | None
    paid_on: dt.date


@dataclass(frozen=True)
class MaternityView:
    benefits: tuple[MaternityRow, ...]


@dataclass(frozen=True)
class AllowanceRow:
    district_code: str
    area: str
    household_size: int
    monthly_yuan: Decimal | None
    since: dt.date
    until: dt.date | None
    status: str


@dataclass(frozen=True)
class SpecialCareRow:
    category: str
    grade: int | None
    monthly_yuan: Decimal | None
    since: dt.date
    until: dt.date | None


@dataclass(frozen=True)
class AssistanceView:
    """低保和优抚 (Q2)."""

    living_allowances: tuple[AllowanceRow, ...]
    special_care: tuple[SpecialCareRow, ...]


@dataclass(frozen=True)
class QualificationRow:
    title: str
    level: int
    certificate_no: str
    issued_on: dt.date
    issuer: str


@dataclass(frozen=True)
class CareerView:
    """职业资格与工作经历 (C2)."""

    qualifications: tuple[QualificationRow, ...]
    employment: tuple[EmploymentRow, ...]


@dataclass(frozen=True)
class LifeHealthView:
    """生命与健康数据 (Q2): work-injury/occupational-disease disability (C2), maternity."""

    highest_disability_grade: int | None
    occupational_disease: bool
    injury_cases: tuple[InjuryCaseRow, ...]
    maternity: tuple[MaternityRow, ...]


def _injury_cases(db: Session, holder_id: int) -> tuple[InjuryCaseRow, ...]:
    rows = db.execute(_INJURY_CASES, {"holder_id": holder_id}).all()
    status = {"open": "认定中", "assessed": "已鉴定", "closed": "已结案"}
    return tuple(
        InjuryCaseRow(c.case_no, employer or "", c.injury_date, c.recognised_on,
                      c.occupational_disease, c.description, c.disability_grade,
                      status.get(c.status, c.status))
        for c, employer in rows
    )  # fmt: skip


def injury(db: Session, holder_id: int) -> InjuryView:
    """工伤 (2 statements)."""
    benefits = db.execute(_INJURY_BENEFITS, {"holder_id": holder_id}).all()
    return InjuryView(
        _injury_cases(db, holder_id),
        tuple(InjuryBenefitRow(case_no, INJURY_BENEFIT_KINDS.get(b.kind, b.kind),
                               period_text(b.period), yuan(b.amount_fen), b.paid_on)
              for b, case_no in benefits),
    )  # fmt: skip


def death(db: Session, holder_id: int) -> DeathView:
    """工亡 (2 statements)."""
    row = db.execute(_DEATH_CASE, {"holder_id": holder_id}).first()
    if row is None:
        return DeathView("", "", None, None, None, ())
    case, employer = row
    survivors = db.scalars(_SURVIVORS, {"case_id": case.id}).all()
    return DeathView(
        case.case_no, employer or "", case.death_date, yuan(case.funeral_grant_fen),
        yuan(case.lump_sum_fen),
        tuple(SurvivorRow(s.survivor_name, RELATIONS.get(s.relation, s.relation),
                          mask_id_number(s.survivor_ssn) if s.survivor_ssn else "",
                          yuan(s.monthly_fen), s.since, s.until) for s in survivors),
    )  # fmt: skip


def _maternity(db: Session, holder_id: int) -> tuple[MaternityRow, ...]:
    rows = db.execute(_MATERNITY, {"holder_id": holder_id}).all()
    return tuple(MaternityRow(MATERNITY_KINDS.get(m.kind, m.kind), m.event_date, employer or "",
                              yuan(m.amount_fen), m.paid_on)
                 for m, employer in rows)  # fmt: skip


def maternity(db: Session, holder_id: int) -> MaternityView:
    """生育保险 (1 statement)."""
    return MaternityView(_maternity(db, holder_id))


def assistance(db: Session, holder_id: int) -> AssistanceView:
    """低保和优抚 (2 statements)."""
    allowances = db.scalars(_ALLOWANCES, {"holder_id": holder_id}).all()
    care = db.scalars(_SPECIAL_CARE, {"holder_id": holder_id}).all()
    return AssistanceView(
        tuple(AllowanceRow(a.district_code, "城市" if a.area == "urban" else "农村",
                           a.household_size, yuan(a.monthly_fen), a.since, a.until,
                           "享受中" if a.status == "active" else "已停止")
              for a in allowances),
        tuple(SpecialCareRow(SPECIAL_CARE.get(c.category, c.category), c.grade,
                             yuan(c.monthly_fen), c.since, c.until) for c in care),
    )  # fmt: skip


def career(db: Session, holder_id: int) -> CareerView:
    """职业资格与工作经历 (2 statements)."""
    quals = db.scalars(_QUALIFICATIONS, {"holder_id": holder_id}).all()
    return CareerView(
        tuple(QualificationRow(q.title, q.level, q.certificate_no, q.issued_on, q.issuer)
              for q in quals),
        employment_records(db, holder_id),
    )  # fmt: skip


def life_health(db: Session, holder_id: int) -> LifeHealthView:
    """生命与健康数据 (2 statements)."""
    cases = _injury_cases(db, holder_id)
    grades = [c.disability_grade for c in cases if c.disability_grade is not None]
    # Grade 1 is the most severe (GB/T 16180): the "highest" grade is the smallest number.
    return LifeHealthView(min(grades) if grades else None,
                          any(c.occupational_disease for c in cases), cases,
                          _maternity(db, holder_id))  # fmt: skip
