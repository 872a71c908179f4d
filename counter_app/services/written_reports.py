"""Written loss reports at the counter, with the loss registration form (RULES L2–L4).

:func:`register_written_loss` confirms an open phone report instead of duplicating it (L3),
refuses a second report showing the existing one (L4), and issues the loss registration
form with a gap-free serial — one transaction. A phone report past its deadline that lapse
processing has not reached yet is lapsed first (``loss_records.report_in_force``).

Concurrency (SCALING.md §0.2): the card row is locked before its state is read, state
changes are compare-and-set, the database's partial unique index allows one active report
per card, and every counter submission carries an idempotency key.

Cost (docs/BENCHMARKS.md, ``scripts/load --focus written_loss``): every statement is built
once at import and runs precompiled on the DB-API cursor (``services/precompiled.py``), and
each is one the use case needs — the holder and the card are read in one statement, the
office's form header with the serial, a new report is inserted once with its form serial,
the account check is part of the same transaction. The ORM is used only to answer a
resubmission (``already_done``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import cast

from sqlalchemy import Table, bindparam, insert, update
from sqlalchemy.orm import Session

from counter_app.models.audit_actions import AuditAction
from counter_app.models.card import Card, CardState
from counter_app.models.holder import Holder
from counter_app.models.loss import LossChannel, LossKind, LossReport, LossState
from counter_app.models.security import IdempotencyKey
from counter_app.services import form_data, registered_forms
from counter_app.services.concurrency import (
    SubmissionRef,
    cas_card_state,
    cas_report_state,
    submitted_row,
)
from counter_app.services.context import Actor, ServiceContext
from counter_app.services.errors import (
    CardNotActive,
    ConcurrentChange,
    InvalidLossDetails,
)
from counter_app.services.form_result import CarriesForm
from counter_app.services.idcheck import IdDocumentLike
from counter_app.services.loss_records import (
    LossAlreadyReported,
    LossReportView,
    ReportFields,
    report_row_in_force,
    report_view,
)
from counter_app.services.permissions import Action
from counter_app.services.phone_reports import phone_reference
from counter_app.services.precompiled import Precompiled
from counter_app.services.submission import (
    CardRow,
    HolderRow,
    issue_counter_form,
    lock_holder_rows,
    record_done,
    submit,
)
from counter_app.validation.errors import ValidationError
from counter_app.validation.idnumber import normalise_id_number
from counter_app.validation.phones import validate_phone
from counter_app.validation.text_policy import LOSS_CIRCUMSTANCES, LOSS_PLACE, clean_text
from forms import data as fd

ACTION_WRITTEN = AuditAction.LOSS_WRITTEN


@dataclass(frozen=True)
class WrittenLossInput:
    """What the holder declares on the loss registration form (L3)."""

    contact_phone: str
    loss_date: dt.date
    loss_place: str
    circumstances: str
    id_document: IdDocumentLike


@dataclass(frozen=True)
class WrittenLossResult(CarriesForm):
    """The written report, the plain form data (``forms``) and, on demand, its PDF."""

    report: LossReportView
    form: fd.LossForm
    serial: str
    confirmed_phone_report: bool
    #: True when this submission (idempotency key) had already been applied.
    already_done: bool
    form_key: bytes = field(repr=False, default=b"")


# --------------------------------------------------------------------------- L2–L4 written


@dataclass(frozen=True)
class _Checked:
    """The declared details as the form prints them (checked once, by the input policy)."""

    phone: str
    place: str
    circumstances: str


def _check_details(details: WrittenLossInput, today: dt.date) -> _Checked:
    try:
        phone = validate_phone(details.contact_phone)
    except ValidationError as exc:
        raise InvalidLossDetails(f"联系电话不正确：{exc}") from exc
    if details.loss_date > today:
        raise InvalidLossDetails("遗失日期不能晚于今天。请核对后重试。")
    if not details.loss_place.strip() or not details.circumstances.strip():
        raise InvalidLossDetails("请填写遗失地点和遗失经过。")
    try:  # the input policy; the limits are what the 挂失登记表 prints whole (forms/loss.py)
        place = clean_text(details.loss_place, LOSS_PLACE)
        circumstances = clean_text(details.circumstances, LOSS_CIRCUMSTANCES)
    except ValidationError as exc:
        raise InvalidLossDetails(str(exc)) from None
    return _Checked(phone, place, circumstances)


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

    def apply(session: Session, key: bytes) -> WrittenLossResult:
        checked = _check_details(details, fd.local_time(ctx.now()).date())
        return _register_written(
            session, ctx, actor, holder_id, details, checked, idempotency_key, key
        )

    return submit(
        ctx,
        actor,
        Action.WRITTEN_LOSS_REPORT,
        ACTION_WRITTEN,
        holder_id=holder_id,
        idempotency_key=idempotency_key,
        apply=apply,
    )


def _stored_written(session: Session, stored: IdempotencyKey, key: bytes) -> WrittenLossResult:
    report = submitted_row(session, stored, LossReport)
    assert report.form_serial is not None
    card = session.get(Card, report.card_id)
    assert card is not None
    form = registered_forms.stored_form_by_serial(session, report.form_serial, fd.LossForm)
    return WrittenLossResult(
        report_view(report, card.card_number),
        form,
        report.form_serial,
        confirmed_phone_report=report.channel == LossChannel.PHONE,
        already_done=True,
        form_key=key,
    )


def _register_written(
    session: Session,
    ctx: ServiceContext,
    actor: Actor,
    holder_id: int,
    details: WrittenLossInput,
    checked: _Checked,
    idempotency_key: str,
    key: bytes,
) -> WrittenLossResult:
    found = lock_holder_rows(
        session,
        ctx,
        Action.WRITTEN_LOSS_REPORT,
        ACTION_WRITTEN,
        holder_id=holder_id,
        document=details.id_document,
        idempotency_key=idempotency_key,
    )
    if isinstance(found, IdempotencyKey):
        return _stored_written(session, found, key)
    now, holder, card = found.now, found.holder, found.card
    if card is None:
        raise CardNotActive("该参保人没有在用的社保卡（可能已申请补卡）。请核对后办理。")
    existing, phone_report = _report_to_confirm(session, card, details, now)
    document = details.id_document
    doc_number = normalise_id_number(document.number)

    def build(header: fd.FormHeader, printed: fd.IdDocument) -> fd.LossForm:
        return fd.LossForm(
            header=header,
            holder=form_data.form_holder(holder, checked.phone),
            card_number=card.card_number,
            lost_on=details.loss_date,
            lost_place=checked.place,
            circumstances=checked.circumstances,
            id_document=printed,
            phone_report=phone_report,
        )

    # The serial last: its office's counter stays locked until the commit (SCALING.md §0.3).
    issued, form = issue_counter_form(
        session,
        actor,
        registered_forms.KIND_LOSS,
        fd.LossForm,
        holder_id=holder.id,
        card_id=card.id,
        document=document,
        now=now,
        build=build,
    )
    written = {
        "kind": LossKind.WRITTEN.value,
        "state": LossState.CONFIRMED.value,
        "confirmed_at": now,
        "office_id": actor.office_id,
        "staff_id": actor.staff_id,
        "id_doc_type": str(document.kind),
        "id_doc_number": doc_number,
        "form_serial": issued.serial,
        "idempotency_key": idempotency_key,
    }
    if existing is None:
        report = _insert_written(session, card, holder, actor, now, written)
    else:  # L3: the phone report is confirmed by this one — the same row
        if not cas_report_state(
            session, existing.id, [LossState.OPEN, LossState.CONFIRMED], **written
        ):
            raise ConcurrentChange()
        report = dataclasses.replace(
            report_view(existing, card.card_number),
            kind=LossKind.WRITTEN.value,
            state=LossState.CONFIRMED.value,
            confirmed_at=now,
            form_serial=issued.serial,
            office_id=actor.office_id,
        )
    # RULES L3: the 联系电话 the holder gives on the form is how the office reaches them
    # from now on — the follow-up of their rating (E3) and every later form read the
    # holder's phone; a trial's follow-up list showed the old number.
    phone_changed = checked.phone != (holder.phone or "")
    if phone_changed:
        _SET_PHONE.run(session, {"holder_id": holder.id, "new_phone": checked.phone})
    record_done(
        session,
        actor,
        ACTION_WRITTEN,
        idempotency_key,
        SubmissionRef(LossReport.__tablename__, report.id),
        holder_id=holder.id,
        card_id=card.id,
        document=document,
        now=now,
        details={
            "report_id": report.id,
            "form_serial": issued.serial,
            "confirmed_phone_report": phone_report is not None,
            # That the holder's contact phone changed, never the number (Q7: the audit
            # trail names what was done, personal data stays in its record).
            "contact_phone_updated": phone_changed,
        },
    )
    return WrittenLossResult(
        report,
        form,
        issued.serial,
        confirmed_phone_report=phone_report is not None,
        already_done=False,
        form_key=key,
    )


def _report_to_confirm(
    session: Session, card: CardRow, details: WrittenLossInput, now: dt.datetime
) -> tuple[ReportFields | None, fd.PhoneReport | None]:
    """The report this written report confirms: the holder's open phone report (RULES L3:
    the same row, card phone-reported → lost), or None for a new written one (card active
    → lost); refused when the card is already reported in writing (L4). A lapsed phone
    report counts as none (L2)."""
    existing = report_row_in_force(session, card.id, now)
    if existing is None:
        if not cas_card_state(
            session,
            card.id,
            [CardState.ACTIVE, CardState.PHONE_REPORTED_LOST],
            CardState.LOST,
            now,
        ):
            raise CardNotActive()
        return None, None
    if existing.kind != LossKind.TEMPORARY:
        raise LossAlreadyReported(report_view(existing, card.card_number))
    reported_on = fd.local_time(existing.reported_at).date()
    if details.loss_date > reported_on:  # lost before it was reported by phone
        raise InvalidLossDetails(
            f"遗失日期不能晚于电话挂失日期（{reported_on.isoformat()}）。请核对遗失日期后重试。"
        )
    if not cas_card_state(session, card.id, [CardState.PHONE_REPORTED_LOST], CardState.LOST, now):
        raise ConcurrentChange()
    phone = fd.PhoneReport(existing.reported_at, phone_reference(existing.id, existing.reported_at))
    return existing, phone


_holders = cast(Table, Holder.__table__)
_SET_PHONE = Precompiled(
    update(_holders)
    .where(_holders.c.id == bindparam("holder_id"))
    .values(phone=bindparam("new_phone"))
)
_reports = cast(Table, LossReport.__table__)
_INSERT_WRITTEN = Precompiled(
    insert(_reports).returning(_reports.c.id),
    column_keys=(
        "card_id",
        "holder_id",
        "channel",
        "reported_at",
        "kind",
        "state",
        "confirmed_at",
        "office_id",
        "staff_id",
        "id_doc_type",
        "id_doc_number",
        "form_serial",
        "idempotency_key",
    ),
)


def _insert_written(
    session: Session,
    card: CardRow,
    holder: HolderRow,
    actor: Actor,
    now: dt.datetime,
    written: dict[str, object],
) -> LossReportView:
    """A new written report, confirmed, with its form serial: one ``INSERT`` (the partial
    unique index refuses a second active report of the card here)."""
    report_id = _INSERT_WRITTEN.scalar(
        session,
        {
            "card_id": card.id,
            "holder_id": holder.id,
            "channel": LossChannel.COUNTER.value,
            "reported_at": now,
            **written,
        },
    )
    return LossReportView(
        id=int(report_id),
        card_id=card.id,
        holder_id=holder.id,
        card_number=card.card_number,
        channel=LossChannel.COUNTER.value,
        kind=LossKind.WRITTEN.value,
        state=LossState.CONFIRMED.value,
        reported_at=now,
        deadline_at=None,
        confirmed_at=now,
        form_serial=str(written["form_serial"]),
        office_id=actor.office_id,
    )
