"""The five insurances (RULES C4, Q3, Q4): pension, medical, unemployment, and the overview
of participation, plus employment and unemployment (Q2 就业与失业).

Each function runs a fixed number of statements (noted in its docstring). Histories are
capped (``contributions.HISTORY_ROWS``, :data:`RECENT_TRANSACTIONS`) so a long working life does
not make one look-up slow. Each insurance's contribution records and its 累计/连续缴费月数
come from one place, :mod:`counter_app.services.queries.contributions`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import BindParameter, Table, bindparam, select

from counter_app.models.career import EmploymentRecord
from counter_app.models.employer import Employer
from counter_app.models.holder import Holder
from counter_app.models.medical import MedicalAccount, MedicalTransaction
from counter_app.models.pension import PensionAccount, PensionPayment
from counter_app.models.unemployment import UnemploymentClaim, UnemploymentPayment
from counter_app.services import precompiled
from counter_app.services.precompiled import Db
from counter_app.services.queries.contributions import (
    CONTRIBUTION_STATUSES as CONTRIBUTION_STATUSES,
)
from counter_app.services.queries.contributions import (
    NO_CONTRIBUTIONS,
    Contributions,
    Span,
    contributions,
    latest_participation,
    months_of,
    participation_rows,
    spans_by_insurance,
)
from counter_app.services.queries.contributions import ContributionRow as ContributionRow
from counter_app.services.queries.holder import STATUSES
from counter_app.services.queries.labels import word
from counter_app.services.queries.money import period_text, yuan

RECENT_TRANSACTIONS = 30
RECENT_PAYMENTS = 24

INSURANCE_LABELS = {
    "pension": "养老保险",
    "medical": "医疗保险",
    "unemployment": "失业保险",
    "work_injury": "工伤保险",
    "maternity": "生育保险",
}
PARTICIPATION_STATUS = {"active": "参保缴费", "suspended": "暂停缴费", "terminated": "终止"}
#: 医疗保险's scheme as its page names it.
MEDICAL_SCHEMES = {"employee": "职工医保", "resident": "城乡居民医保"}
MEDICAL_TRANSACTION_KINDS = {
    "credit": "划入",
    "outpatient": "门诊",
    "pharmacy": "药店购药",
    "inpatient": "住院",
    "adjustment": "调整",
}
CLAIM_STATUSES = {"open": "领取中", "closed": "已结束"}
#: A retired employee's 职工医保 in force: covered without monthly contributions (they end at
#: retirement; the account is still credited), not "参保缴费". The residents' scheme is paid
#: yearly at any age and keeps its plain wording.
RETIREE_MEDICAL = "退休参保（免缴费）"
#: A retired holder's 养老保险 whose contributions ended: the pension is paid from it
#: (养老金发放记录), not 终止 as if the insurance were gone. Whatever ended it, the holder is
#: retired and pays in no more.
RETIREE_PENSION = "已退休（停止缴费）"


def participation_status(status: str, insurance: str, scheme: str, holder_status: str) -> str:
    """The 参保状态 a clerk reads for one participation of a holder in ``holder_status``."""
    if holder_status == "retired":
        if (status, insurance, scheme) == ("active", "medical", "employee"):
            return RETIREE_MEDICAL
        if (status, insurance) == ("terminated", "pension"):
            return RETIREE_PENSION
    return word(PARTICIPATION_STATUS, status, "参保状态")


@dataclass(frozen=True)
class ParticipationRow:
    insurance: str
    insurance_label: str
    scheme: str
    status: str
    since: dt.date
    until: dt.date | None
    employer: str
    #: 累计/连续缴费月数 as the records count them (``contributions.count_months``).
    total_months: int
    continuous_months: int
    #: Months in arrears (欠缴) on record.
    arrears_months: int = 0


@dataclass(frozen=True)
class PaymentRow:
    period: str
    amount_yuan: Decimal | None
    paid_on: dt.date


@dataclass(frozen=True)
class SocialInsuranceView:
    participations: tuple[ParticipationRow, ...]


@dataclass(frozen=True)
class PensionView:
    """Q3/Q4: personal account, contribution months, history, retirement benefit."""

    account_balance_yuan: Decimal | None
    opened_on: dt.date | None
    retired_on: dt.date | None
    #: 退休待遇金额 (Q4): the monthly pension, None before retirement.
    monthly_benefit_yuan: Decimal | None
    payments: tuple[PaymentRow, ...]
    #: The 养老保险 contribution records, newest first, and what they add up to.
    paid_in: Contributions

    @property
    def contribution_months(self) -> int:
        """累计缴费月数 (Q3) as the records count them."""
        return self.paid_in.months.total


@dataclass(frozen=True)
class MedicalTransactionRow:
    at: dt.datetime
    kind: str
    amount_yuan: Decimal | None
    balance_after_yuan: Decimal | None
    institution: str


@dataclass(frozen=True)
class MedicalView:
    """Q4: 医疗卡余额 (account balance) and recent transactions."""

    balance_yuan: Decimal | None
    updated_at: dt.datetime | None
    scheme: str
    status: str
    transactions: tuple[MedicalTransactionRow, ...]
    #: The 医疗保险 contribution records, newest first, and what they add up to.
    paid_in: Contributions = NO_CONTRIBUTIONS


@dataclass(frozen=True)
class ClaimRow:
    registered_on: dt.date
    entitlement_months: int
    monthly_yuan: Decimal | None
    status: str
    closed_on: dt.date | None
    months_paid: int


@dataclass(frozen=True)
class UnemploymentView:
    """Q4: 失业保险连续缴费月数; entitlement and payments."""

    continuous_months: int
    total_months: int
    status: str
    claims: tuple[ClaimRow, ...]
    payments: tuple[PaymentRow, ...]
    #: The 失业保险 contribution records, newest first, and what they add up to.
    paid_in: Contributions = NO_CONTRIBUTIONS


@dataclass(frozen=True)
class EmploymentRow:
    employer: str
    position: str
    started_on: dt.date
    ended_on: dt.date | None
    #: The employer's 单位社会保险编号: what the employer look-up (Q5) asks for.
    unit_number: str = ""


@dataclass(frozen=True)
class EmploymentView:
    """就业与失业 (Q2): personal status (C2), jobs and unemployment registrations."""

    personal_status: str
    employment: tuple[EmploymentRow, ...]
    unemployment_claims: tuple[ClaimRow, ...]


def _t(model: Any) -> Table:
    table: Table = model.__table__
    return table


# Statements built once at import, on the tables' columns: they return plain Core rows,
# bound per call and run on the session's connection (same transaction), without the ORM's
# entity set-up (SQLAlchemy caches each compiled form).
_emp = _t(Employer)
_pacc, _ppay = _t(PensionAccount), _t(PensionPayment)
_macc, _mtx = _t(MedicalAccount), _t(MedicalTransaction)
_claim, _upay = _t(UnemploymentClaim), _t(UnemploymentPayment)
_job, _holders = _t(EmploymentRecord), _t(Holder)
_HID: BindParameter[int] = bindparam("holder_id")

_PENSION_ACCOUNT = select(*_pacc.c).where(_pacc.c.holder_id == _HID)
_PENSION_PAYMENTS = (
    select(*_ppay.c)
    .where(_ppay.c.holder_id == _HID)
    .order_by(_ppay.c.period.desc())
    .limit(RECENT_PAYMENTS)
)
_MEDICAL_ACCOUNT = select(*_macc.c).where(_macc.c.holder_id == _HID)
_MEDICAL_TRANSACTIONS = (
    select(*_mtx.c)
    .where(_mtx.c.holder_id == _HID)
    .order_by(_mtx.c.at.desc())
    .limit(RECENT_TRANSACTIONS)
)
_CLAIMS = (
    select(*_claim.c).where(_claim.c.holder_id == _HID).order_by(_claim.c.registered_on.desc())
)
_CLAIM_PAYMENTS = (
    select(*_upay.c)
    .join(_claim, _claim.c.id == _upay.c.claim_id)
    .where(_claim.c.holder_id == _HID)
    .order_by(_upay.c.period.desc())
)
_JOBS = (
    select(
        *_job.c,
        _emp.c.name.label("employer_name"),
        _emp.c.unit_number.label("employer_unit_number"),
    )
    .join(_emp, _emp.c.id == _job.c.employer_id)
    .where(_job.c.holder_id == _HID)
    .order_by(_job.c.started_on.desc())
)
_STATUS = select(_holders.c.status).where(_holders.c.id == _HID)


def _rows(db: Db, statement: Any, **params: Any) -> list[Any]:
    return precompiled.of(statement).rows(db, params)


def _first(db: Db, statement: Any, **params: Any) -> Any | None:
    return precompiled.of(statement).first(db, params)


def participations(db: Db, holder_id: int) -> list[ParticipationRow]:
    """Every participation, its months counted from its records (2 statements)."""
    spans: dict[str, list[Span]] = spans_by_insurance(db, holder_id)
    rows = []
    for p in participation_rows(db, holder_id):
        months = months_of(p, spans.get(p.insurance, []))
        rows.append(
            ParticipationRow(
                p.insurance,
                word(INSURANCE_LABELS, p.insurance, "险种"),
                p.scheme,
                participation_status(p.status, p.insurance, p.scheme, p.holder_status),
                p.since,
                p.until,
                p.employer_name or "",
                months.total,
                months.continuous,
                months.arrears,
            )
        )
    return rows


def social_insurance(db: Db, holder_id: int) -> SocialInsuranceView:
    """社会保险: every participation (2 statements)."""
    return SocialInsuranceView(tuple(participations(db, holder_id)))


def pension(db: Db, holder_id: int) -> PensionView:
    """养老保险 (5 statements)."""
    account = _first(db, _PENSION_ACCOUNT, holder_id=holder_id)
    payments = _rows(db, _PENSION_PAYMENTS, holder_id=holder_id)
    part = latest_participation(db, holder_id, "pension")
    paid_in = contributions(db, holder_id, "pension", part)
    return PensionView(
        account_balance_yuan=yuan(account.balance_fen) if account else None,
        opened_on=account.opened_on if account else None,
        retired_on=account.retired_on if account else None,
        monthly_benefit_yuan=yuan(account.monthly_benefit_fen) if account else None,
        payments=tuple(
            PaymentRow(period_text(p.period), yuan(p.amount_fen), p.paid_on) for p in payments
        ),
        paid_in=paid_in,
    )


def medical(db: Db, holder_id: int) -> MedicalView:
    """医疗保险 (5 statements)."""
    account = _first(db, _MEDICAL_ACCOUNT, holder_id=holder_id)
    part = latest_participation(db, holder_id, "medical")
    txs = _rows(db, _MEDICAL_TRANSACTIONS, holder_id=holder_id)
    paid_in = contributions(db, holder_id, "medical", part)
    return MedicalView(
        balance_yuan=yuan(account.balance_fen) if account else None,
        updated_at=account.updated_at if account else None,
        scheme=word(MEDICAL_SCHEMES, part.scheme, "参保类型") if part else "",
        status=participation_status(part.status, part.insurance, part.scheme, part.holder_status)
        if part
        else "未参保",
        transactions=tuple(
            MedicalTransactionRow(
                t.at,
                word(MEDICAL_TRANSACTION_KINDS, t.kind, "交易类型"),
                yuan(t.amount_fen),
                yuan(t.balance_after_fen),
                t.institution or "",
            )
            for t in txs
        ),
        paid_in=paid_in,
    )


def _claims(db: Db, holder_id: int) -> tuple[list[Any], list[PaymentRow], dict[int, int]]:
    claims = _rows(db, _CLAIMS, holder_id=holder_id)
    pays = _rows(db, _CLAIM_PAYMENTS, holder_id=holder_id)
    paid: dict[int, int] = {}
    for p in pays:
        paid[p.claim_id] = paid.get(p.claim_id, 0) + 1
    rows = [
        PaymentRow(period_text(p.period), yuan(p.amount_fen), p.paid_on)
        for p in pays[:RECENT_PAYMENTS]
    ]
    return claims, rows, paid


def _claim_rows(claims: list[Any], paid: dict[int, int]) -> tuple[ClaimRow, ...]:
    return tuple(
        ClaimRow(
            c.registered_on,
            c.entitlement_months,
            yuan(c.monthly_fen),
            word(CLAIM_STATUSES, c.status, "领取状态"),
            c.closed_on,
            paid.get(c.id, 0),
        )
        for c in claims
    )


def unemployment(db: Db, holder_id: int) -> UnemploymentView:
    """失业保险 (5 statements)."""
    part = latest_participation(db, holder_id, "unemployment")
    claims, payments, paid = _claims(db, holder_id)
    paid_in = contributions(db, holder_id, "unemployment", part)
    return UnemploymentView(
        continuous_months=paid_in.months.continuous,
        total_months=paid_in.months.total,
        status=participation_status(part.status, part.insurance, part.scheme, part.holder_status)
        if part
        else "未参保",
        claims=_claim_rows(claims, paid),
        payments=tuple(payments),
        paid_in=paid_in,
    )


def employment_records(db: Db, holder_id: int) -> tuple[EmploymentRow, ...]:
    return tuple(
        EmploymentRow(
            e.employer_name, e.position or "", e.started_on, e.ended_on, e.employer_unit_number
        )
        for e in _rows(db, _JOBS, holder_id=holder_id)
    )


def employment(db: Db, holder_id: int) -> EmploymentView:
    """就业与失业 (4 statements)."""
    row = _first(db, _STATUS, holder_id=holder_id)
    status = (row.status if row else None) or ""
    claims, _payments, paid = _claims(db, holder_id)
    return EmploymentView(
        word(STATUSES, status, "人员状态"),
        employment_records(db, holder_id),
        _claim_rows(claims, paid),
    )
