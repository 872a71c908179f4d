"""Replacement application (补卡, RULES R1–R2).

Accepted at a district sub-center (R1, the permission table) for a card reported lost. The
application ends the old card's life (R2): the card becomes ``replacement_applied`` — lost
for good, never lifted again (U1, U4) — and its loss report is closed as ``replaced``. One
application per old card: the database's unique ``replacement_applications.old_card_id`` is
the natural key, so two windows applying at once produce one application and one "already
applied" answer showing it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NoReturn

from sqlalchemy import select
from sqlalchemy.orm import Session

from counter_app.models.audit_actions import AuditAction
from counter_app.models.card import Card, CardState
from counter_app.models.loss import LossState, ReplacementApplication
from counter_app.models.security import IdempotencyKey
from counter_app.services import form_data, registered_forms
from counter_app.services.concurrency import submitted_row
from counter_app.services.context import Actor, ServiceContext
from counter_app.services.errors import (
    CardNotFound,
    LossReportRequired,
    ReplacementAlreadyApplied,
)
from counter_app.services.form_result import CarriesForm
from counter_app.services.holder_presence import deceased
from counter_app.services.idcheck import IdDocumentLike
from counter_app.services.loss_records import close_report, report_in_force, written_at
from counter_app.services.permissions import Action
from counter_app.services.submission import (
    issue_counter_form,
    lock_holder_rows,
    record_done,
    submit,
)
from counter_app.validation.idnumber import normalise_id_number
from forms import data as fd

ACTION_REPLACEMENT = AuditAction.REPLACEMENT_APPLY


class ReplacementExists(ReplacementAlreadyApplied):
    """RULES R2/U4: the card's replacement was already applied for; shows that application."""

    def __init__(self, serial: str | None, applied_at: dt.datetime) -> None:
        self.serial = serial
        self.applied_at = applied_at
        number = f"，补卡申请表编号 {serial}" if serial else ""
        super().__init__(
            f"{ReplacementAlreadyApplied.message}（已于 {fd.format_datetime(applied_at)} "
            f"申请补卡{number}）"
        )


@dataclass(frozen=True)
class ReplacementResult(CarriesForm):
    application_id: int
    old_card_id: int
    old_card_number: str
    serial: str
    form: fd.ReplacementForm
    already_done: bool
    form_key: bytes = field(repr=False, default=b"")


def apply_replacement(
    ctx: ServiceContext,
    actor: Actor,
    holder_id: int,
    document: IdDocumentLike,
    idempotency_key: str,
) -> ReplacementResult:
    """RULES R1–R2: apply for a replacement of the holder's card that is reported lost.

    Refused without an active loss report (:class:`LossReportRequired`) and for a card
    already replaced (:class:`ReplacementExists`, showing the application). A resubmission
    with the same ``idempotency_key`` returns the stored result and changes nothing."""

    def apply(session: Session, key: bytes) -> ReplacementResult:
        return _apply(session, ctx, actor, holder_id, document, idempotency_key, key)

    return submit(
        ctx,
        actor,
        Action.REPLACEMENT_APPLICATION,
        ACTION_REPLACEMENT,
        holder_id=holder_id,
        idempotency_key=idempotency_key,
        apply=apply,
    )


def _stored(session: Session, stored: IdempotencyKey, key: bytes) -> ReplacementResult:
    app = submitted_row(session, stored, ReplacementApplication)
    assert app.form_serial is not None
    card = session.get(Card, app.old_card_id)
    assert card is not None
    form = registered_forms.stored_form_by_serial(session, app.form_serial, fd.ReplacementForm)
    return ReplacementResult(
        app.id, card.id, card.card_number, app.form_serial, form, already_done=True, form_key=key
    )


def _refuse_replaced(session: Session, holder_id: int) -> NoReturn:
    """R2/U4: the holder has no card in use — replaced already (shown), or none at all."""
    app = session.scalars(
        select(ReplacementApplication)
        .where(ReplacementApplication.holder_id == holder_id)
        .order_by(ReplacementApplication.applied_at.desc())
    ).first()
    if app is not None:
        raise ReplacementExists(app.form_serial, app.applied_at)
    raise CardNotFound()


def _apply(
    session: Session,
    ctx: ServiceContext,
    actor: Actor,
    holder_id: int,
    document: IdDocumentLike,
    idempotency_key: str,
    key: bytes,
) -> ReplacementResult:
    found = lock_holder_rows(
        session,
        ctx,
        Action.REPLACEMENT_APPLICATION,
        ACTION_REPLACEMENT,
        holder_id=holder_id,
        document=document,
        idempotency_key=idempotency_key,
    )
    if isinstance(found, IdempotencyKey):
        return _stored(session, found, key)
    now, holder, card = found.now, found.holder, found.card
    dead = deceased(session, holder.id, holder.status)
    if dead is not None:  # Q7: nothing in a deceased holder's own name (holder_presence)
        raise dead
    if card is None:
        _refuse_replaced(session, holder.id)
    report = report_in_force(session, card.id, now)  # L2: a lapsed phone report is none
    if report is None:
        raise LossReportRequired()
    close_report(
        session,
        report,
        card_to=CardState.REPLACEMENT_APPLIED,
        report_to=LossState.REPLACED,
        actor=actor,
        now=now,
    )
    loss_ref = (
        fd.LossReportRef(report.form_serial, written_at(report), written=True)
        if report.form_serial
        else None
    )

    def build(header: fd.FormHeader, id_document: fd.IdDocument) -> fd.ReplacementForm:
        return fd.ReplacementForm(
            header=header,
            holder=form_data.form_holder(holder),
            old_card_number=card.card_number,
            reason="遗失",
            id_document=id_document,
            loss_report=loss_ref,
        )

    document_row, form = issue_counter_form(
        session,
        actor,
        registered_forms.KIND_REPLACEMENT,
        fd.ReplacementForm,
        holder_id=holder.id,
        card_id=card.id,
        document=document,
        now=now,
        build=build,
    )
    app = ReplacementApplication(
        old_card_id=card.id,
        holder_id=holder.id,
        loss_report_id=report.id,
        applied_at=now,
        office_id=actor.office_id,
        staff_id=actor.staff_id,
        id_doc_type=document.kind,
        id_doc_number=normalise_id_number(document.number),
        form_serial=document_row.serial,
        state="applied",
        idempotency_key=idempotency_key,
    )
    session.add(app)
    session.flush()  # natural key: one application per old card
    record_done(
        session,
        actor,
        ACTION_REPLACEMENT,
        idempotency_key,
        app,
        holder_id=holder.id,
        card_id=card.id,
        document=document,
        now=now,
        details={
            "application_id": app.id,
            "form_serial": document_row.serial,
            "loss_report_id": report.id,
        },
    )
    return ReplacementResult(
        app.id,
        card.id,
        card.card_number,
        document_row.serial,
        form,
        already_done=False,
        form_key=key,
    )
