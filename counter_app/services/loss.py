"""Loss reports (挂失): the 12333 phone report, the written report, lapsing (RULES L1–L4).

- :func:`report_loss_by_phone` is the seam where the 12333 phone system plugs in (L1): the
  caller's ID number and query password; a temporary report with a deadline (L2 policy
  ``phone_report_validity_days``). Lifting is never offered here (U3).
- :func:`register_written_loss` is the counter's written report (L2–L4): it confirms an
  open phone report instead of duplicating it, refuses a second report showing the existing
  one, and issues the loss registration form with a gap-free serial — one transaction.
- :func:`lapsing_phone_reports` lists phone reports about to lapse; :func:`lapse_expired`
  lapses those past their deadline (``counter-admin loss lapse``), audited.

Concurrency (issue 4 item 7): the card row is locked before its state is read, state changes
are compare-and-set, the database's partial unique index allows one active report per card,
and every counter submission carries an idempotency key.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from counter_app.models.audit_actions import AuditAction
from counter_app.models.card import IN_USE_STATES, Card, CardState
from counter_app.models.form_content import FormContent
from counter_app.models.forms import FormDocument
from counter_app.models.holder import Holder
from counter_app.models.loss import (
    ACTIVE_REPORT_STATES,
    LossChannel,
    LossKind,
    LossReport,
    LossState,
)
from counter_app.models.office import Office
from counter_app.models.security import ServicePassword
from counter_app.services import audit
from counter_app.services import forms as service_forms
from counter_app.services.concurrency import (
    begin_writer,
    cas_card_state,
    cas_report_state,
    check_key,
    lock_card,
    remember_submission,
    run_submission,
    stored_submission,
)
from counter_app.services.context import Actor, ServiceContext
from counter_app.services.errors import (
    CardAlreadyReportedLost,
    CardNotActive,
    CardNotFound,
    ConcurrentChange,
    HolderNotFound,
    InvalidLossDetails,
    PhoneIdentificationFailed,
    ServicePasswordLocked,
)
from counter_app.services.idcheck import IdDocumentLike, check_document
from counter_app.services.permissions import Action
from counter_app.services.refusals import record_refusal, refusals_audited, require
from counter_app.settings import Settings
from counter_app.validation.errors import ValidationError
from counter_app.validation.idnumber import normalise_id_number
from counter_app.validation.phones import validate_phone
from counter_app.validation.regions import district_name
from forms import data as fd
from forms.masking import mask_id_number

PHONE_CHANNEL = "12333"
ACTION_WRITTEN = AuditAction.LOSS_WRITTEN
#: Wrong 12333 query passwords before the password locks, and for how long.

_KIND_TEXT = {"temporary": "电话临时挂失", "written": "书面挂失"}


@dataclass(frozen=True)
class LossReportView:
    """A loss report as staff see it (plain data)."""

    id: int
    card_id: int
    holder_id: int
    card_number: str
    channel: str
    kind: str
    state: str
    reported_at: dt.datetime
    deadline_at: dt.datetime | None
    confirmed_at: dt.datetime | None
    form_serial: str | None
    office_id: int | None

    def describe(self) -> str:
        when = fd.format_datetime(self.reported_at)
        serial = f"，挂失登记表编号 {self.form_serial}" if self.form_serial else ""
        return f"{_KIND_TEXT.get(self.kind, self.kind)}（{when}{serial}）"


class LossAlreadyReported(CardAlreadyReportedLost):
    """RULES L4: a card already reported lost; ``existing`` is the report staff are shown."""

    def __init__(self, existing: LossReportView) -> None:
        self.existing = existing
        super().__init__(f"{CardAlreadyReportedLost.message}已有挂失：{existing.describe()}。")


@dataclass(frozen=True)
class PhoneReport:
    """RULES L1: what the 12333 system tells the caller."""

    report_id: int
    reference: str
    card_number: str
    reported_at: dt.datetime
    deadline_at: dt.datetime


@dataclass(frozen=True)
class WrittenLossInput:
    """What the holder declares on the loss registration form (L3)."""

    contact_phone: str
    loss_date: dt.date
    loss_place: str
    circumstances: str
    id_document: IdDocumentLike


@dataclass(frozen=True)
class WrittenLossResult:
    """The written report, the plain form data (``forms``) and, on demand, its PDF."""

    report: LossReportView
    form: fd.LossForm
    serial: str
    confirmed_phone_report: bool
    #: True when this submission (idempotency key) had already been applied.
    already_done: bool
    form_key: bytes = field(repr=False, default=b"")

    @cached_property
    def pdf(self) -> bytes:
        from forms.render import render_form

        return render_form(self.form, key=self.form_key)


@dataclass(frozen=True)
class LapsingReport:
    """RULES L2: a phone report that lapses soon, with what staff need to call the holder."""

    report_id: int
    deadline_at: dt.datetime
    reported_at: dt.datetime
    holder_name: str
    masked_id_number: str
    card_number: str
    phone: str
    address: str
    district_code: str
    district_name: str


def report_view(report: LossReport, card_number: str) -> LossReportView:
    return LossReportView(
        id=report.id, card_id=report.card_id, holder_id=report.holder_id,
        card_number=card_number, channel=report.channel, kind=report.kind, state=report.state,
        reported_at=report.reported_at, deadline_at=report.deadline_at,
        confirmed_at=report.confirmed_at, form_serial=report.form_serial,
        office_id=report.office_id,
    )  # fmt: skip


def active_report(session: Session, card_id: int) -> LossReport | None:
    """The card's one active report (open or confirmed), if any."""
    return session.scalars(
        select(LossReport)
        .where(LossReport.card_id == card_id, LossReport.state.in_(ACTIVE_REPORT_STATES))
        .execution_options(populate_existing=True)
    ).first()


def card_in_use(session: Session, holder_id: int) -> Card | None:
    """The holder's card in use (at most one: ``uq_cards_holder_in_use``), locked."""
    card_id = session.scalar(
        select(Card.id).where(Card.holder_id == holder_id, Card.state.in_(IN_USE_STATES))
    )
    card = None if card_id is None else lock_card(session, card_id)
    # Re-checked under the lock: another window may have replaced it meanwhile (R2).
    return card if card is not None and card.state in IN_USE_STATES else None


def phone_reference(report_id: int, at: dt.datetime) -> str:
    return f"{PHONE_CHANNEL}-{fd.local_time(at):%Y%m%d}-{report_id:06d}"


# --------------------------------------------------------------------------- L1 by phone


def report_loss_by_phone(ctx: ServiceContext, ssn: str, service_password: str) -> PhoneReport:
    """RULES L1: the 12333 caller's ID number and query password → a temporary report.

    Wrong number and wrong password get the same answer (no enumeration); the query
    password locks after repeated failures. The password is only verified against its
    argon2 hash — never stored, logged or audited."""
    number = normalise_id_number(ssn)

    def work() -> PhoneReport:
        with ctx.uow() as uow:
            session = uow.session
            begin_writer(session, ctx.settings.lock_timeout_ms)
            now = ctx.now()
            holder = session.scalar(select(Holder).where(Holder.ssn == number))
            if holder is None:
                _fake_verify(service_password)
                raise PhoneIdentificationFailed()
            _verify_service_password(session, ctx.settings, holder.id, service_password, now)
            card = card_in_use(session, holder.id)
            if card is None:
                raise CardNotFound()
            existing = active_report(session, card.id)
            if existing is not None:
                raise LossAlreadyReported(report_view(existing, card.card_number))
            if not cas_card_state(session, card.id, [CardState.ACTIVE],
                                  CardState.PHONE_REPORTED_LOST, now):  # fmt: skip
                raise ConcurrentChange()
            deadline = now + dt.timedelta(days=ctx.settings.phone_report_validity_days)
            report = LossReport(
                card_id=card.id, holder_id=holder.id, channel=LossChannel.PHONE,
                kind=LossKind.TEMPORARY, state=LossState.OPEN, reported_at=now,
                deadline_at=deadline,
            )  # fmt: skip
            session.add(report)
            session.flush()
            reference = phone_reference(report.id, now)
            audit.record(
                session, None, AuditAction.LOSS_PHONE_REPORT, holder_id=holder.id, card_id=card.id,
                details={"report_id": report.id, "reference": reference,
                         "deadline_at": deadline},
                at=now, workstation=PHONE_CHANNEL,
            )  # fmt: skip
            uow.commit()
            return PhoneReport(report.id, reference, card.card_number, now, deadline)

    try:
        return run_submission(work)
    except PhoneIdentificationFailed as error:
        record_refusal(ctx, None, AuditAction.LOSS_PHONE_REPORT.refused, error,
                       workstation=PHONE_CHANNEL)  # fmt: skip
        raise
    except (CardAlreadyReportedLost, CardNotFound, ServicePasswordLocked) as error:
        record_refusal(ctx, None, AuditAction.LOSS_PHONE_REPORT.refused, error,
                       workstation=PHONE_CHANNEL)  # fmt: skip
        raise


_HASHER = PasswordHasher()
_DUMMY_HASH = _HASHER.hash("counter-app-dummy-service-password")


def _fake_verify(password: str) -> None:
    """Spend the same time as a real check, so an unknown ID number is not told apart."""
    try:
        _HASHER.verify(_DUMMY_HASH, password + "\x00")
    except VerificationError:
        pass


def _verify_service_password(
    session: Session, settings: Settings, holder_id: int, password: str, now: dt.datetime
) -> None:
    row = session.get(ServicePassword, holder_id, with_for_update=True)
    if row is None:
        _fake_verify(password)
        raise PhoneIdentificationFailed()
    if row.locked_until is not None and row.locked_until > now:
        raise ServicePasswordLocked()
    try:
        _HASHER.verify(row.password_hash, password)
    except (VerificationError, InvalidHashError):
        row.failed_attempts += 1
        if row.failed_attempts >= settings.service_password_lockout_failures:
            row.failed_attempts = 0
            minutes = settings.service_password_lockout_minutes
            row.locked_until = now + dt.timedelta(minutes=minutes)
        session.commit()  # the failure counts even though the report is refused
        raise PhoneIdentificationFailed() from None
    row.failed_attempts = 0
    row.locked_until = None


# --------------------------------------------------------------------------- L2–L4 written


def _check_details(details: WrittenLossInput, today: dt.date) -> str:
    try:
        phone = validate_phone(details.contact_phone)
    except ValidationError as exc:
        raise InvalidLossDetails(f"联系电话不正确：{exc}") from exc
    if details.loss_date > today:
        raise InvalidLossDetails("遗失日期不能晚于今天。请核对后重试。")
    if not details.loss_place.strip() or not details.circumstances.strip():
        raise InvalidLossDetails("请填写遗失地点和遗失经过。")
    return phone


def register_written_loss(
    ctx: ServiceContext,
    actor: Actor,
    holder_id: int,
    details: WrittenLossInput,
    idempotency_key: str,
) -> WrittenLossResult:
    """RULES L2–L4: the written report at a sub-center or the card center, with its form.

    Confirms the holder's open phone report (same row) instead of duplicating it; refuses a
    card already reported in writing with :class:`LossAlreadyReported` showing it; refuses
    a card no longer in use. A resubmission with the same ``idempotency_key`` returns the
    stored result (``already_done``) and changes nothing."""
    check_key(idempotency_key)
    require(ctx, actor, Action.WRITTEN_LOSS_REPORT, holder_id=holder_id)
    key = service_forms.form_key(ctx.settings)
    with refusals_audited(ctx, actor, ACTION_WRITTEN, holder_id=holder_id):
        now = ctx.now()
        phone = _check_details(details, fd.local_time(now).date())

        def work() -> WrittenLossResult:
            with ctx.uow() as uow:
                result = _register_written(uow.session, ctx, actor, holder_id, details, phone,
                                           idempotency_key, key)  # fmt: skip
                uow.commit()
                return result

        return run_submission(work)


def _stored_written(session: Session, ref: str | None, key: bytes) -> WrittenLossResult:
    report = session.get(LossReport, int((ref or "loss_reports:0").split(":")[1]))
    assert report is not None and report.form_serial is not None
    card = session.get(Card, report.card_id)
    assert card is not None
    doc = session.scalars(
        select(FormDocument).where(FormDocument.serial == report.form_serial)
    ).one()
    content = session.get(FormContent, doc.id)
    assert content is not None
    form = service_forms.form_from_json(content.data)
    assert isinstance(form, fd.LossForm)
    return WrittenLossResult(
        report_view(report, card.card_number), form, report.form_serial,
        confirmed_phone_report=report.channel == LossChannel.PHONE, already_done=True,
        form_key=key,
    )  # fmt: skip


def _register_written(
    session: Session,
    ctx: ServiceContext,
    actor: Actor,
    holder_id: int,
    details: WrittenLossInput,
    phone: str,
    idempotency_key: str,
    key: bytes,
) -> WrittenLossResult:
    begin_writer(session, ctx.settings.lock_timeout_ms)
    now = ctx.now()
    stored = stored_submission(session, idempotency_key, ACTION_WRITTEN)
    if stored is not None:
        return _stored_written(session, stored.result_ref, key)
    holder = session.get(Holder, holder_id)
    if holder is None:
        raise HolderNotFound()
    check_document(holder, details.id_document)
    card = card_in_use(session, holder.id)
    # The card lock is held: a concurrent retry of this very submission has committed by now.
    stored = stored_submission(session, idempotency_key, ACTION_WRITTEN)
    if stored is not None:
        return _stored_written(session, stored.result_ref, key)
    if card is None:
        raise CardNotActive("该参保人没有在用的社保卡（可能已申请补卡）。请核对后办理。")
    existing = active_report(session, card.id)
    phone_report: fd.PhoneReport | None = None
    if existing is not None and existing.kind == LossKind.TEMPORARY and (
        existing.deadline_at is None or existing.deadline_at > now
    ):
        # L3: the written report confirms the phone report — the same row, not a new one.
        report = existing
        phone_report = fd.PhoneReport(report.reported_at,
                                      phone_reference(report.id, report.reported_at))
        if not cas_card_state(session, card.id, [CardState.PHONE_REPORTED_LOST],
                              CardState.LOST, now):  # fmt: skip
            raise ConcurrentChange()
    elif existing is not None and existing.kind == LossKind.TEMPORARY:
        # A phone report past its deadline that lapse processing has not reached yet.
        _lapse_one(session, existing, card.id, now)
        report = _new_written(session, card, holder, actor, now)
    elif existing is not None:
        raise LossAlreadyReported(report_view(existing, card.card_number))
    else:
        report = _new_written(session, card, holder, actor, now)
    office = session.get(Office, actor.office_id)
    assert office is not None
    doc_kind, doc_number = details.id_document.kind, normalise_id_number(details.id_document.number)

    def build(header: fd.FormHeader) -> fd.Form:
        return fd.LossForm(
            header=header, holder=service_forms.form_holder(holder, phone),
            card_number=card.card_number, lost_on=details.loss_date,
            lost_place=details.loss_place.strip(), circumstances=details.circumstances.strip(),
            id_document=service_forms.form_document(doc_kind, doc_number),
            phone_report=phone_report,
        )  # fmt: skip

    document, form = service_forms.issue_form(
        session, kind=service_forms.KIND_LOSS, office=office, staff_id=actor.staff_id,
        holder_id=holder.id, card_id=card.id, at=now, build=build,
        handler=service_forms.form_staff(actor),
    )  # fmt: skip
    confirmed = cas_report_state(
        session, report.id, [LossState.OPEN, LossState.CONFIRMED],
        kind=LossKind.WRITTEN, state=LossState.CONFIRMED, confirmed_at=now,
        office_id=actor.office_id, staff_id=actor.staff_id, id_doc_type=doc_kind,
        id_doc_number=doc_number, form_serial=document.serial,
        idempotency_key=idempotency_key,
    )  # fmt: skip
    if not confirmed:
        raise ConcurrentChange()
    session.refresh(report)
    remember_submission(session, idempotency_key, ACTION_WRITTEN, actor.staff_id,
                        f"loss_reports:{report.id}", now)  # fmt: skip
    audit.record(
        session, actor, ACTION_WRITTEN, holder_id=holder.id, card_id=card.id,
        details={"report_id": report.id, "form_serial": document.serial,
                 "confirmed_phone_report": phone_report is not None,
                 "id_document_kind": doc_kind},
        at=now,
    )  # fmt: skip
    assert isinstance(form, fd.LossForm)
    return WrittenLossResult(
        report_view(report, card.card_number), form, document.serial,
        confirmed_phone_report=phone_report is not None, already_done=False, form_key=key,
    )  # fmt: skip


def _new_written(
    session: Session, card: Card, holder: Holder, actor: Actor, now: dt.datetime
) -> LossReport:
    """A new written report (its form serial follows); card active → lost."""
    if not cas_card_state(session, card.id, [CardState.ACTIVE, CardState.PHONE_REPORTED_LOST],
                          CardState.LOST, now):  # fmt: skip
        raise CardNotActive()
    report = LossReport(
        card_id=card.id, holder_id=holder.id, channel=LossChannel.COUNTER,
        kind=LossKind.WRITTEN, state=LossState.CONFIRMED, reported_at=now, confirmed_at=now,
        office_id=actor.office_id, staff_id=actor.staff_id,
    )  # fmt: skip
    session.add(report)
    session.flush()  # the partial unique index refuses a second active report here
    return report


# --------------------------------------------------------------------------- L2 lapsing


def lapsing_phone_reports(
    ctx: ServiceContext, actor: Actor, within_days: int | None = None
) -> list[LapsingReport]:
    """RULES L2: open phone reports whose deadline falls within ``within_days`` (default
    the ``lapsing_warning_days`` setting), soonest first, of the actor's district (the city
    card center sees every district). ID numbers are masked; the look-up is audited."""
    require(ctx, actor, Action.VIEW_RECORDS)
    return list_lapsing(ctx, within_days, actor.district_code, actor=actor)


def list_lapsing(
    ctx: ServiceContext,
    within_days: int | None,
    district_code: str | None,
    *,
    actor: Actor | None = None,
    workstation: str | None = None,
) -> list[LapsingReport]:
    """The list of :func:`lapsing_phone_reports` for one district (None: all); audited."""
    days = ctx.settings.lapsing_warning_days if within_days is None else within_days
    with ctx.uow() as uow:
        session = uow.session
        now = ctx.now()
        stmt = (
            select(LossReport, Holder, Card)
            .join(Holder, Holder.id == LossReport.holder_id)
            .join(Card, Card.id == LossReport.card_id)
            .where(
                LossReport.kind == LossKind.TEMPORARY,
                LossReport.state == LossState.OPEN,
                LossReport.deadline_at <= now + dt.timedelta(days=days),
            )
            .order_by(LossReport.deadline_at, LossReport.id)
        )
        if district_code is not None:
            stmt = stmt.where(Holder.household_district == district_code)
        rows = [
            LapsingReport(
                report_id=report.id, deadline_at=report.deadline_at or now,
                reported_at=report.reported_at, holder_name=holder.name,
                masked_id_number=mask_id_number(holder.ssn), card_number=card.card_number,
                phone=holder.phone or "", address=holder.address or "",
                district_code=holder.household_district,
                district_name=district_name(holder.household_district) or "",
            )  # fmt: skip
            for report, holder, card in session.execute(stmt)
        ]
        audit.record(session, actor, AuditAction.LOSS_LAPSING_LIST, at=now, workstation=workstation,
                     details={"within_days": days, "district": district_code,
                              "count": len(rows)})  # fmt: skip
        uow.commit()
    return rows


def _lapse_one(session: Session, report: LossReport, card_id: int, now: dt.datetime) -> bool:
    if not cas_report_state(session, report.id, [LossState.OPEN],
                            state=LossState.LAPSED, closed_at=now):  # fmt: skip
        return False
    cas_card_state(session, card_id, [CardState.PHONE_REPORTED_LOST], CardState.ACTIVE, now)
    audit.record(session, None, AuditAction.LOSS_LAPSED, holder_id=report.holder_id,
                 card_id=card_id,
                 details={"report_id": report.id, "deadline_at": report.deadline_at},
                 at=now, workstation="system")  # fmt: skip
    return True


def lapse_expired(ctx: ServiceContext) -> int:
    """RULES L2: lapse every open phone report past its deadline (card back to active);
    one short transaction per report, each audited. Returns how many lapsed."""
    with ctx.uow() as uow:
        due = list(uow.session.execute(
            select(LossReport.id, LossReport.card_id).where(
                LossReport.kind == LossKind.TEMPORARY, LossReport.state == LossState.OPEN,
                LossReport.deadline_at <= ctx.now(),
            ).order_by(LossReport.deadline_at)
        ))  # fmt: skip
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
                done = _lapse_one(session, report, card_id, now)
                uow.commit()
                return done

        count += bool(run_submission(work))
    return count
