"""Phone loss reports: the 12333 report, its deadline, and lapsing (RULES L1, L2).

- :func:`report_loss_by_phone` is the seam where the 12333 phone system plugs in (L1): the
  caller's ID number and query password; a temporary report with a deadline (L2 policy
  ``phone_report_validity_days``). Lifting is never offered here (U3). Wrong number and
  wrong password get the same answer; the query password locks after repeated failures
  and is only verified against its argon2 hash — never stored, logged or audited.
- :func:`lapsing_phone_reports` lists phone reports about to lapse (phone numbers masked);
  :func:`reveal_lapsing_phone` gives one holder's full number to the staff who must call
  them, audited; :func:`lapse_expired` lapses those past their deadline (``counter-admin
  loss lapse``), audited.

Concurrency (SCALING.md §0.2): the card row is locked before its state is read and state
changes are compare-and-set.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from counter_app.models.audit_actions import AuditAction
from counter_app.models.card import Card, CardState
from counter_app.models.holder import Holder
from counter_app.models.loss import LossChannel, LossKind, LossReport, LossState
from counter_app.services import audit, service_login
from counter_app.services.concurrency import (
    begin_writer,
    cas_card_state,
    lock_card,
    run_submission,
)
from counter_app.services.context import Actor, ServiceContext
from counter_app.services.errors import (
    CardAlreadyReportedLost,
    CardNotFound,
    ConcurrentChange,
    PhoneIdentificationFailed,
    ServiceError,
    ServicePasswordLocked,
)
from counter_app.services.loss_records import (
    LossAlreadyReported,
    card_in_use,
    lapse_one,
    report_in_force,
    report_view,
)
from counter_app.services.password_hashing import verify_password
from counter_app.services.permissions import Action
from counter_app.services.phone_reveal import PhoneOnRecord, masked_phone, reveal_phone
from counter_app.services.refusals import record_refusal, require
from counter_app.validation.idnumber import normalise_id_number
from counter_app.validation.regions import district_name
from forms import data as fd
from forms.masking import mask_id_number

PHONE_CHANNEL = "12333"


@dataclass(frozen=True)
class PhoneReport:
    """RULES L1: what the 12333 system tells the caller."""

    report_id: int
    reference: str
    card_number: str
    reported_at: dt.datetime
    deadline_at: dt.datetime


@dataclass(frozen=True)
class LapsingReport:
    """RULES L2: a phone report that lapses soon, with what staff need to call the holder."""

    report_id: int
    deadline_at: dt.datetime
    reported_at: dt.datetime
    holder_name: str
    masked_id_number: str
    card_number: str
    #: Masked in the workstation's list (``forms.masking``); the full number is
    #: :func:`reveal_lapsing_phone`'s, audited. ``counter-admin loss lapsing`` shows it whole.
    phone: str
    address: str
    district_code: str
    district_name: str


class LapsingReportNotFound(ServiceError):
    """No open phone report of that number in the actor's district (lifted, confirmed by a
    written report or lapsed since the list was fetched, or another district's)."""

    reason = "lapsing_report_not_found"
    # The city card center lists every district (RULES S2): no "本区县" in the refusal.
    message = "该电话挂失已不在即将失效的列表中（可能已书面挂失、解除或失效）。请刷新列表。"


def phone_reference(report_id: int, at: dt.datetime) -> str:
    return f"{PHONE_CHANNEL}-{fd.local_time(at):%Y%m%d}-{report_id:06d}"


# --------------------------------------------------------------------------- L1 by phone


def report_loss_by_phone(
    ctx: ServiceContext, ssn: str, service_password: str, new_password: str | None = None
) -> PhoneReport:
    """RULES L1: the 12333 caller's ID number and query password → a temporary report.

    Wrong number and wrong password get the same answer (no enumeration); the query
    password locks after repeated failures. The password is only verified against its
    argon2 hash — never stored, logged or audited (``service_login``). A one-time password
    set at a counter (P8) has expired after ``service_password_one_time_hours``
    (``ServicePasswordExpired``) and must be replaced at this call: without
    ``new_password`` the caller is asked for one (``ServicePasswordMustChange``); with it,
    the new password replaces the one-time one in the same transaction as the report.
    A phone report past its deadline no longer blocks a new one (L2)."""
    number = normalise_id_number(ssn)

    def work() -> PhoneReport:
        with ctx.uow() as uow:
            session = uow.session
            begin_writer(session, ctx.settings.lock_timeout_ms)
            now = ctx.now()
            holder = session.scalar(select(Holder).where(Holder.ssn == number))
            if holder is None:
                verify_password(None, service_password)
                raise PhoneIdentificationFailed()
            service_login.login(
                session, ctx.settings, holder.id, service_password, now, new_password
            )
            card = card_in_use(session, holder.id)
            if card is None:
                raise CardNotFound()
            existing = report_in_force(session, card.id, now)
            if existing is not None:
                raise LossAlreadyReported(report_view(existing, card.card_number))
            if not cas_card_state(
                session, card.id, [CardState.ACTIVE], CardState.PHONE_REPORTED_LOST, now
            ):
                raise ConcurrentChange()
            deadline = now + dt.timedelta(days=ctx.settings.phone_report_validity_days)
            report = LossReport(
                card_id=card.id,
                holder_id=holder.id,
                channel=LossChannel.PHONE,
                kind=LossKind.TEMPORARY,
                state=LossState.OPEN,
                reported_at=now,
                deadline_at=deadline,
            )
            session.add(report)
            session.flush()
            reference = phone_reference(report.id, now)
            audit.record(
                session,
                None,
                AuditAction.LOSS_PHONE_REPORT,
                holder_id=holder.id,
                card_id=card.id,
                details={"report_id": report.id, "reference": reference, "deadline_at": deadline},
                at=now,
                workstation=PHONE_CHANNEL,
            )
            uow.commit()
            return PhoneReport(report.id, reference, card.card_number, now, deadline)

    try:
        return run_submission(work)
    except PhoneIdentificationFailed as error:
        record_refusal(
            ctx, None, AuditAction.LOSS_PHONE_REPORT.refused, error, workstation=PHONE_CHANNEL
        )
        raise
    except (
        CardAlreadyReportedLost,
        CardNotFound,
        ServicePasswordLocked,
        service_login.ServicePasswordExpired,
        service_login.ServicePasswordMustChange,
        service_login.WeakServicePassword,
    ) as error:
        record_refusal(
            ctx, None, AuditAction.LOSS_PHONE_REPORT.refused, error, workstation=PHONE_CHANNEL
        )
        raise


# --------------------------------------------------------------------------- L2 lapsing


_S = TypeVar("_S", bound="Select[*tuple[Any, ...]]")

#: At most this many rows in one lapsing list; the clerk is told when there are more.
LAPSING_LIST_LIMIT = 500


def lapsing_phone_reports(
    ctx: ServiceContext,
    actor: Actor,
    within_days: int | None = None,
    limit: int | None = LAPSING_LIST_LIMIT,
) -> list[LapsingReport]:
    """RULES L2: open phone reports whose deadline falls within ``within_days`` (default
    the ``lapsing_warning_days`` setting), soonest first, of the actor's district (the city
    card center sees every district), at most ``limit`` of them (None: all). ID numbers
    are masked; the look-up is audited."""
    require(ctx, actor, Action.VIEW_RECORDS)
    return list_lapsing(
        ctx, within_days, actor.district_code, actor=actor, limit=limit, mask_phones=True
    )


def reveal_lapsing_phone(ctx: ServiceContext, actor: Actor, report_id: int) -> str:
    """RULES L2, Q7: the full phone number of the holder of the open phone report
    ``report_id`` (the list masks it), for the staff who must call them before it lapses;
    "" when none is registered. The list's rule decides: staff who may view records, a
    report of the actor's district (the city card center: any) not yet past its deadline.
    Audited as ``loss.reveal_phone`` naming the holder, the card and the report — never the
    number. Raises :class:`NotPermitted`, :class:`LapsingReportNotFound` (both audited)."""

    def find(session: Session, now: dt.datetime) -> PhoneOnRecord | None:
        stmt = select(LossReport.card_id, Holder.id, Holder.phone).where(
            LossReport.id == report_id,
            LossReport.kind == LossKind.TEMPORARY,
            LossReport.state == LossState.OPEN,
            LossReport.deadline_at > now,
        )
        stmt = stmt.join(Holder, Holder.id == LossReport.holder_id)
        if actor.district_code is not None:
            stmt = stmt.where(Holder.household_district == actor.district_code)
        row = session.execute(stmt).one_or_none()
        if row is None:
            return None
        card_id, holder_id, phone = row
        return PhoneOnRecord(holder_id, card_id, phone, {"report_id": report_id})

    return reveal_phone(
        ctx,
        actor,
        Action.VIEW_RECORDS,
        AuditAction.LOSS_REVEAL_PHONE.value,
        find,
        LapsingReportNotFound,
    )


def count_lapsing_phone_reports(
    ctx: ServiceContext, actor: Actor, within_days: int | None = None
) -> int:
    """How many phone reports :func:`lapsing_phone_reports` would list — for the status-bar
    badge. A count shows nobody's data, so it is not audited and runs as a read."""
    require(ctx, actor, Action.VIEW_RECORDS)
    days = ctx.settings.lapsing_warning_days if within_days is None else within_days
    with ctx.read_uow() as uow:
        stmt = _lapsing_query(
            select(func.count(LossReport.id)), ctx.now(), days, actor.district_code
        )
        return int(uow.session.scalar(stmt) or 0)


def _lapsing_query(stmt: _S, now: dt.datetime, days: int, district_code: str | None) -> _S:
    """``stmt`` restricted to open phone reports due within ``days`` of ``now``."""
    stmt = (
        stmt.select_from(LossReport)
        .join(Holder, Holder.id == LossReport.holder_id)
        .where(
            LossReport.kind == LossKind.TEMPORARY,
            LossReport.state == LossState.OPEN,
            LossReport.deadline_at > now,  # past it, the report has lapsed already (L2)
            LossReport.deadline_at <= now + dt.timedelta(days=days),
        )
    )
    if district_code is not None:
        stmt = stmt.where(Holder.household_district == district_code)
    return stmt


def list_lapsing(
    ctx: ServiceContext,
    within_days: int | None,
    district_code: str | None,
    *,
    actor: Actor | None = None,
    workstation: str | None = None,
    limit: int | None = None,
    mask_phones: bool = False,
) -> list[LapsingReport]:
    """The list of :func:`lapsing_phone_reports` for one district (None: all); audited.
    ``mask_phones``: the workstation's list (full numbers by :func:`reveal_lapsing_phone`)."""
    days = ctx.settings.lapsing_warning_days if within_days is None else within_days
    with ctx.uow() as uow:
        session = uow.session
        now = ctx.now()
        stmt = _lapsing_query(select(LossReport, Holder, Card), now, days, district_code)
        stmt = stmt.join(Card, Card.id == LossReport.card_id).order_by(
            LossReport.deadline_at, LossReport.id
        )
        if limit is not None:
            stmt = stmt.limit(limit)
        rows = [
            LapsingReport(
                report_id=report.id,
                deadline_at=report.deadline_at or now,
                reported_at=report.reported_at,
                holder_name=holder.name,
                masked_id_number=mask_id_number(holder.ssn),
                card_number=card.card_number,
                phone=_phone(holder.phone or "", mask_phones),
                address=holder.address or "",
                district_code=holder.household_district,
                district_name=district_name(holder.household_district) or "",
            )
            for report, holder, card in session.execute(stmt)
        ]
        audit.record(
            session,
            actor,
            AuditAction.LOSS_LAPSING_LIST,
            at=now,
            workstation=workstation,
            details={"within_days": days, "district": district_code, "count": len(rows)},
        )
        uow.commit()
    return rows


def _phone(number: str, masked: bool) -> str:
    return masked_phone(number) if masked else number


def lapse_expired(ctx: ServiceContext) -> int:
    """RULES L2: lapse every open phone report past its deadline (card back to active);
    one short transaction per report, each audited. Returns how many lapsed."""
    with ctx.uow() as uow:
        due = list(
            uow.session.execute(
                select(LossReport.id, LossReport.card_id)
                .where(
                    LossReport.kind == LossKind.TEMPORARY,
                    LossReport.state == LossState.OPEN,
                    LossReport.deadline_at <= ctx.now(),
                )
                .order_by(LossReport.deadline_at)
            )
        )
    count = 0
    for report_id, card_id in due:

        def work(report_id: int = report_id, card_id: int = card_id) -> bool:
            with ctx.uow() as uow:
                session = uow.session
                begin_writer(session, ctx.settings.lock_timeout_ms)
                lock_card(session, card_id)
                report = session.get(LossReport, report_id, populate_existing=True)
                now = ctx.now()
                if report is None or report.deadline_at is None or report.deadline_at > now:
                    return False
                done = lapse_one(session, report, card_id, now)
                uow.commit()
                return done

        count += bool(run_submission(work))
    return count
