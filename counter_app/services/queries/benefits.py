"""Work injury and work death (Q5), maternity (Q3), 低保 and 优抚 (Q2), qualifications and
employment history (C2), and 生命与健康数据 (Q2). A fixed number of statements each."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import BindParameter, Table, bindparam, select

from counter_app.models.career import Qualification
from counter_app.models.employer import Employer
from counter_app.models.injury import DeathCase, InjuryBenefit, InjuryCase, SurvivorBenefit
from counter_app.models.maternity import MaternityBenefit
from counter_app.models.welfare import LivingAllowance, SpecialCare
from counter_app.services import precompiled
from counter_app.services.precompiled import Db
from counter_app.services.queries.contributions import (
    NO_CONTRIBUTIONS,
    Contributions,
    insurance_contributions,
)
from counter_app.services.queries.insurance import EmploymentRow, employment_records
from counter_app.services.queries.labels import word
from counter_app.services.queries.money import period_text, yuan
from forms.masking import mask_id_number

# Statements built once at import on the tables' columns (bound per call; SQLAlchemy caches
# their compiled form). They return plain Core rows, run on the session's connection (same
# transaction) without the ORM's entity set-up: these views are plain data.
_HOLDER: BindParameter[int] = bindparam("holder_id")


def _t(model: Any) -> Table:
    table: Table = model.__table__
    return table


_emp, _case, _benefit = _t(Employer), _t(InjuryCase), _t(InjuryBenefit)
_death, _survivor, _birth = _t(DeathCase), _t(SurvivorBenefit), _t(MaternityBenefit)
_allowance, _care, _qual = _t(LivingAllowance), _t(SpecialCare), _t(Qualification)
_INJURY_CASES = (
    select(*_case.c, _emp.c.name.label("employer_name"))
    .outerjoin(_emp, _emp.c.id == _case.c.employer_id)
    .where(_case.c.holder_id == _HOLDER)
    .order_by(_case.c.injury_date.desc())
)
_INJURY_BENEFITS = (
    select(*_benefit.c, _case.c.case_no.label("case_no_of_case"))
    .join(_case, _case.c.id == _benefit.c.case_id)
    .where(_case.c.holder_id == _HOLDER)
    .order_by(_benefit.c.paid_on.desc())
)
_DEATH_CASE = (
    select(*_death.c, _emp.c.name.label("employer_name"))
    .outerjoin(_emp, _emp.c.id == _death.c.employer_id)
    .where(_death.c.holder_id == _HOLDER)
)
_SURVIVORS = (
    select(*_survivor.c)
    .where(_survivor.c.death_case_id == bindparam("case_id"))
    .order_by(_survivor.c.id)
)
_MATERNITY = (
    select(*_birth.c, _emp.c.name.label("employer_name"))
    .outerjoin(_emp, _emp.c.id == _birth.c.employer_id)
    .where(_birth.c.holder_id == _HOLDER)
    .order_by(_birth.c.event_date.desc())
)
_ALLOWANCES = (
    select(*_allowance.c)
    .where(_allowance.c.holder_id == _HOLDER)
    .order_by(_allowance.c.since.desc())
)
_SPECIAL_CARE = select(*_care.c).where(_care.c.holder_id == _HOLDER).order_by(_care.c.since.desc())
_QUALIFICATIONS = (
    select(*_qual.c).where(_qual.c.holder_id == _HOLDER).order_by(_qual.c.issued_on.desc())
)


def _rows(db: Db, statement: Any, **params: Any) -> list[Any]:
    return precompiled.of(statement).rows(db, params)


INJURY_BENEFIT_KINDS = {
    "medical": "医疗费",
    "lump_sum": "一次性伤残补助金",
    "monthly_allowance": "伤残津贴",
    "nursing": "护理费",
    "meal": "伙食补助费",
}
RELATIONS = {"spouse": "配偶", "child": "子女", "parent": "父母", "other": "其他"}
SPECIAL_CARE = {
    "veteran": "退役军人",
    "disabled_serviceman": "伤残军人",
    "martyr_family": "烈属",
    "serviceman_family": "军属",  # 现役军人家属
}
INJURY_CASE_STATUSES = {"open": "认定中", "assessed": "已鉴定", "closed": "已结案"}
#: 低保: the household's area and whether it is still paid.
ALLOWANCE_AREAS = {"urban": "城市", "rural": "农村"}
ALLOWANCE_STATUSES = {"active": "享受中", "ended": "已停止"}
MATERNITY_KINDS = {
    "medical": "生育医疗费",
    "allowance": "生育津贴",
    "family_planning": "计划生育医疗费",
}


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
    """工伤人员待遇 (Q5): cases, disability grade, benefits; the 工伤保险 contributions."""

    cases: tuple[InjuryCaseRow, ...]
    benefits: tuple[InjuryBenefitRow, ...]
    paid_in: Contributions = NO_CONTRIBUTIONS


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
    #: The 生育保险 contribution records and what they add up to.
    paid_in: Contributions = NO_CONTRIBUTIONS


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


def _injury_cases(db: Db, holder_id: int) -> tuple[InjuryCaseRow, ...]:
    rows = _rows(db, _INJURY_CASES, holder_id=holder_id)
    return tuple(
        InjuryCaseRow(
            c.case_no,
            c.employer_name or "",
            c.injury_date,
            c.recognised_on,
            c.occupational_disease,
            c.description,
            c.disability_grade,
            word(INJURY_CASE_STATUSES, c.status, "认定状态"),
        )
        for c in rows
    )


def injury(db: Db, holder_id: int) -> InjuryView:
    """工伤 (5 statements)."""
    benefits = _rows(db, _INJURY_BENEFITS, holder_id=holder_id)
    return InjuryView(
        _injury_cases(db, holder_id),
        tuple(
            InjuryBenefitRow(
                b.case_no_of_case,
                word(INJURY_BENEFIT_KINDS, b.kind, "待遇项目"),
                period_text(b.period),
                yuan(b.amount_fen),
                b.paid_on,
            )
            for b in benefits
        ),
        insurance_contributions(db, holder_id, "work_injury"),
    )


def death(db: Db, holder_id: int) -> DeathView:
    """工亡 (2 statements)."""
    case = precompiled.of(_DEATH_CASE).first(db, {"holder_id": holder_id})
    if case is None:
        return DeathView("", "", None, None, None, ())
    survivors = _rows(db, _SURVIVORS, case_id=case.id)
    return DeathView(
        case.case_no,
        case.employer_name or "",
        case.death_date,
        yuan(case.funeral_grant_fen),
        yuan(case.lump_sum_fen),
        tuple(
            SurvivorRow(
                s.survivor_name,
                word(RELATIONS, s.relation, "亲属关系"),
                mask_id_number(s.survivor_ssn) if s.survivor_ssn else "",
                yuan(s.monthly_fen),
                s.since,
                s.until,
            )
            for s in survivors
        ),
    )


def _maternity(db: Db, holder_id: int) -> tuple[MaternityRow, ...]:
    rows = _rows(db, _MATERNITY, holder_id=holder_id)
    return tuple(
        MaternityRow(
            word(MATERNITY_KINDS, m.kind, "待遇项目"),
            m.event_date,
            m.employer_name or "",
            yuan(m.amount_fen),
            m.paid_on,
        )
        for m in rows
    )


def maternity(db: Db, holder_id: int) -> MaternityView:
    """生育保险 (4 statements)."""
    return MaternityView(
        _maternity(db, holder_id), insurance_contributions(db, holder_id, "maternity")
    )


def assistance(db: Db, holder_id: int) -> AssistanceView:
    """低保和优抚 (2 statements)."""
    allowances = _rows(db, _ALLOWANCES, holder_id=holder_id)
    care = _rows(db, _SPECIAL_CARE, holder_id=holder_id)
    return AssistanceView(
        tuple(
            AllowanceRow(
                a.district_code,
                word(ALLOWANCE_AREAS, a.area, "地区类别"),
                a.household_size,
                yuan(a.monthly_fen),
                a.since,
                a.until,
                word(ALLOWANCE_STATUSES, a.status, "低保状态"),
            )
            for a in allowances
        ),
        tuple(
            SpecialCareRow(
                word(SPECIAL_CARE, c.category, "优抚类别"),
                c.grade,
                yuan(c.monthly_fen),
                c.since,
                c.until,
            )
            for c in care
        ),
    )


def career(db: Db, holder_id: int) -> CareerView:
    """职业资格与工作经历 (2 statements)."""
    quals = _rows(db, _QUALIFICATIONS, holder_id=holder_id)
    return CareerView(
        tuple(
            QualificationRow(q.title, q.level, q.certificate_no, q.issued_on, q.issuer)
            for q in quals
        ),
        employment_records(db, holder_id),
    )


def life_health(db: Db, holder_id: int) -> LifeHealthView:
    """生命与健康数据 (2 statements)."""
    cases = _injury_cases(db, holder_id)
    grades = [c.disability_grade for c in cases if c.disability_grade is not None]
    # Grade 1 is the most severe (GB/T 16180): the "highest" grade is the smallest number.
    return LifeHealthView(
        min(grades) if grades else None,
        any(c.occupational_disease for c in cases),
        cases,
        _maternity(db, holder_id),
    )
