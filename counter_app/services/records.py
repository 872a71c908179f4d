"""A holder's records (RULES Q2–Q7): one read model per category, inside a holder session.

Every holder view checks, in the same transaction that reads, that the session is open and
belongs to the clerk (``SessionRequired`` / ``SessionEnded`` otherwise), and writes one
``record.view`` audit event with the category — who, where, when, whose record (Q7). The
queries live in ``counter_app.services.queries``; each is a fixed small number of
statements (no N+1). Look-ups without a holder session: Q5 employer contributions, Q5
工亡人员待遇 by the deceased's number (with a reason), Q6 catalogues.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from sqlalchemy import bindparam, select

from counter_app.models.audit_actions import AuditAction
from counter_app.models.holder import Holder
from counter_app.services import audit, precompiled
from counter_app.services.context import Actor, ServiceContext
from counter_app.services.errors import ReasonRequired, SessionRequired, StaffAccountDisabled
from counter_app.services.permissions import Action
from counter_app.services.precompiled import Db, Precompiled
from counter_app.services.queries import benefits, holder, insurance, public
from counter_app.services.queries.category import (
    ALL_TABS,
    CATEGORY_LABELS,
    OVERVIEW,
    Category,
)
from counter_app.services.queries.holder import HolderOverview
from counter_app.services.queries.public import (
    DrugRow,
    EmployerContributions,
    TreatmentRow,
    WorkDeathBenefits,
)
from counter_app.services.refusals import refusals_audited, require
from counter_app.services.sessions import HolderSession
from counter_app.services.view_check import check_view
from counter_app.validation import ValidationError, parse_id_number
from counter_app.validation.text_policy import (
    CATALOGUE_TEXT,
    ID_NUMBER_TEXT,
    SESSION_REASON,
    UNIT_NUMBER,
    clean_text,
)
from forms.localtime import SHANGHAI

__all__ = [
    "CATEGORY_LABELS",
    "Category",
    "FullOverview",
    "HolderOverview",
    "category",
    "employer_contributions",
    "full_overview",
    "overview",
    "reveal_ssn",
    "search_drugs",
    "search_treatments",
    "work_death_benefits",
]

T = TypeVar("T")

#: The most rows one catalogue search returns (RULES Q6), and months of one employer (Q5).
MAX_CATALOGUE_ROWS = 200
MAX_MONTHS = 120

#: One query per category (RULES Q2–Q5); 卡基本信息 needs the time (:func:`_queries`).
QUERIES: dict[Category, Callable[[Db, int], Any]] = {
    Category.PUBLIC: holder.public_data,
    Category.EMPLOYMENT: insurance.employment,
    Category.SOCIAL_INSURANCE: insurance.social_insurance,
    Category.MEDICAL: insurance.medical,
    Category.ASSISTANCE: benefits.assistance,
    Category.LIFE_HEALTH: benefits.life_health,
    Category.PENSION: insurance.pension,
    Category.UNEMPLOYMENT: insurance.unemployment,
    Category.INJURY: benefits.injury,
    Category.DEATH: benefits.death,
    Category.MATERNITY: benefits.maternity,
    Category.CAREER: benefits.career,
}


def _queries(now: dt.datetime) -> dict[Category, Callable[[Db, int], Any]]:
    """Every category's query; card states as they stand at ``now`` (RULES L2)."""
    return {Category.CARD_BASIC: partial(holder.card_basic, now=now), **QUERIES}


def _view(
    ctx: ServiceContext,
    actor: Actor,
    session: HolderSession | None,
    category_value: str,
    query: Callable[[Db, int], T],
    action: str = AuditAction.RECORD_VIEW,
    details: dict[str, Any] | None = None,
) -> T:
    """Check the session and the clerk, run ``query``, audit the view — one transaction.

    The checks of ``refusals.require`` (role, account still active) and of the holder
    session (open, the clerk's own, at this workstation — RULES Q7) take one statement
    (:func:`counter_app.services.view_check.check_view`); a refusal goes through
    ``require`` so that it is audited exactly as everywhere else.
    """
    holder_id = session.holder_id if session else None
    if session is None or not actor.may(Action.VIEW_RECORDS):
        require(ctx, actor, Action.VIEW_RECORDS, holder_id=holder_id)
        raise SessionRequired()
    now = ctx.now()
    with ctx.lookup() as unit:
        if not check_view(unit.db, session, actor):
            unit.rollback()
            require(ctx, actor, Action.VIEW_RECORDS, holder_id=holder_id)
            raise StaffAccountDisabled()  # disabled between the two reads
        result = query(unit.db, session.holder_id)
        audit.record(
            unit,
            actor,
            action,
            holder_id=session.holder_id,
            card_id=session.card_id,
            category=category_value,
            at=now,
            details={"session_id": session.session_id, **(details or {})},
        )
        unit.commit()
    return result


@dataclass(frozen=True)
class FullOverview:
    """Every tab of a holder at once: the overview and each category's read model."""

    overview: HolderOverview
    categories: dict[Category, Any]


def full_overview(ctx: ServiceContext, actor: Actor, session: HolderSession | None) -> FullOverview:
    """The overview and every category (RULES Q2–Q5) in **one** transaction with one
    ``record.view`` audit event (category ``all_tabs``, the tabs listed in its details):
    what a clerk sees on opening a holder, at the cost of one audit append."""

    def everything(db: Db, holder_id: int) -> FullOverview:
        # Each read is sent once for the whole transaction: a tab that shows rows another
        # tab read (the holder, cards, participations, contribution records …) gets them
        # from the unit of work (precompiled.SHARED_READS), not from another statement.
        db.info[precompiled.SHARED_READS] = {}
        try:
            now = ctx.now()
            first = holder.overview(db, holder_id, now)
            queries = _queries(now)
            tabs = {c: queries[c](db, holder_id) for c in Category}
        finally:
            db.info.pop(precompiled.SHARED_READS, None)
        return FullOverview(first, tabs)

    return _view(
        ctx,
        actor,
        session,
        ALL_TABS,
        everything,
        details={"tabs": [OVERVIEW, *(c.value for c in Category)]},
    )


def overview(ctx: ServiceContext, actor: Actor, session: HolderSession | None) -> HolderOverview:
    """Basic info, the card in use, its state and the history of every card."""
    return _view(ctx, actor, session, OVERVIEW, partial(holder.overview, now=ctx.now()))


def category(
    ctx: ServiceContext, actor: Actor, session: HolderSession | None, which: Category | str
) -> Any:
    """The read model of one category (RULES Q2–Q5), audited as ``record.view``."""
    chosen = Category(which)
    return _view(ctx, actor, session, chosen.value, _queries(ctx.now())[chosen])


_SSN = Precompiled(
    select(Holder.__table__.c.ssn).where(Holder.__table__.c.id == bindparam("holder_id"))
)


def reveal_ssn(ctx: ServiceContext, actor: Actor, session: HolderSession | None) -> str:
    """The holder's full ID number (every other view masks it), audited as
    ``record.reveal_ssn`` (RULES Q7)."""

    def full(db: Db, holder_id: int) -> str:
        return str(_SSN.scalar(db, {"holder_id": holder_id}) or "")

    return _view(ctx, actor, session, "ssn", full, action=AuditAction.RECORD_REVEAL_SSN)


# --------------------------------------------------------------------------- public look-ups


def employer_contributions(
    ctx: ServiceContext, actor: Actor, unit_number: str, months: int = 12
) -> EmployerContributions:
    """RULES Q5: an employer's medical insurance contributions by its unit number; audited
    as ``employer.view`` (no holder session: it is the employer's record)."""
    require(ctx, actor, Action.VIEW_RECORDS)
    if unit_number and unit_number.strip():
        unit_number = clean_text(unit_number, UNIT_NUMBER)
    months = _bounded(months, MAX_MONTHS)
    now = ctx.now()
    with ctx.uow() as uow:
        result = public.employer_contributions(uow.session, unit_number, months)
        audit.record(
            uow,
            actor,
            AuditAction.EMPLOYER_VIEW,
            category="employer_medical",
            at=now,
            details={"unit_number": result.unit_number},
        )
        uow.commit()
    return result


class WorkDeathReasonRequired(ReasonRequired):
    """RULES Q7: a look-up of a deceased's 工亡人员待遇 records why and for whom."""

    reason = "work_death_reason_required"
    message = "查询工亡人员待遇须填写查询事由（谁来查询、为何查询，如：家属查询）。请填写后重试。"


def work_death_benefits(
    ctx: ServiceContext, actor: Actor, ssn: str, reason: str
) -> WorkDeathBenefits:
    """RULES Q5: 工亡人员待遇 by the deceased's social security number — the work-death
    record and the survivors' pensions — for the family at the window, who cannot present
    the deceased's card nor be identified as them.

    Staff who may view records (S3). ``ssn`` must pass the ID-number check (its
    ``ValidationError`` otherwise, nothing read); ``reason`` says why and who asks, under
    the input policy (:class:`WorkDeathReasonRequired` otherwise, audited as a refusal).
    The read and its ``work_death.view`` audit event — who, where, when, whose record (the
    deceased), the reason — are one transaction (Q7). A number with no work-death record
    answers 无记录 and audits no holder: a living holder's records are not reached this way
    (their own card or an ID check is, Q7)."""
    require(ctx, actor, Action.VIEW_RECORDS)
    now = ctx.now()
    typed = clean_text(ssn, ID_NUMBER_TEXT) if isinstance(ssn, str) and ssn.strip() else ""
    number = parse_id_number(typed, now.astimezone(SHANGHAI).date()).number
    with refusals_audited(ctx, actor, AuditAction.WORK_DEATH_VIEW):
        if not isinstance(reason, str) or not reason.strip():
            raise WorkDeathReasonRequired()
        try:
            why = clean_text(reason, SESSION_REASON)
        except ValidationError as exc:
            raise WorkDeathReasonRequired(str(exc)) from None
    with ctx.lookup() as unit:
        holder_id, result = public.work_death(unit.db, number)
        audit.record(
            unit,
            actor,
            AuditAction.WORK_DEATH_VIEW,
            holder_id=holder_id,
            category=Category.DEATH.value,
            reason=why,
            at=now,
            details={"found": result.found, "case_no": result.death.case_no or None},
        )
        unit.commit()
    return result


def search_drugs(
    ctx: ServiceContext, text: str, limit: int = public.CATALOGUE_LIMIT
) -> list[DrugRow]:
    """RULES Q6: the published drug catalogue by name, code or pinyin initials; at most
    ``limit`` rows (1 to :data:`MAX_CATALOGUE_ROWS`). A window that asks for one row more
    than it shows learns that its list was cut."""
    text = clean_text(text, CATALOGUE_TEXT) if text and text.strip() else text
    with ctx.read_uow() as uow:
        return public.search_drugs(uow.session, text, _bounded(limit, MAX_CATALOGUE_ROWS))


def search_treatments(
    ctx: ServiceContext, text: str, limit: int = public.CATALOGUE_LIMIT
) -> list[TreatmentRow]:
    """RULES Q6: the published diagnosis-and-treatment items, like :func:`search_drugs`."""
    text = clean_text(text, CATALOGUE_TEXT) if text and text.strip() else text
    with ctx.read_uow() as uow:
        return public.search_treatments(uow.session, text, _bounded(limit, MAX_CATALOGUE_ROWS))


def _bounded(value: int, most: int) -> int:
    """``value`` within 1..``most``: a caller (a remote workstation) cannot ask for the
    whole table, nor pass a negative LIMIT (SQLite reads it as no limit at all)."""
    return max(1, min(int(value), most))
