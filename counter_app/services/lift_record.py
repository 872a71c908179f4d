"""The record step of a lift (RULES U1–U5): what is written once the card confirmed.

:func:`write_lift` runs inside a counter submission (``lifting.complete_lift`` →
``submission.submit``): the checklist (``lift_rules``) again under the card's lock, the
supervisor's approval consumed (four-eyes; its approver is the form's 复核人), the loss
report closed as lifted and the card active again (``loss_records.close_report``), the
解除挂失登记表 issued with its serial, the submission remembered and audited
(``submission.record_done``). :func:`stored_lift` answers a resubmission with what was
written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from counter_app.models.audit_actions import AuditAction
from counter_app.models.card import Card, CardState
from counter_app.models.forms import FormDocument
from counter_app.models.holder import Holder
from counter_app.models.loss import LossKind, LossReport, LossState
from counter_app.models.security import IdempotencyKey
from counter_app.services import approvals, form_data, registered_forms, reviewers
from counter_app.services.concurrency import (
    begin_writer,
    lock_card,
    stored_submission,
    submitted_row,
)
from counter_app.services.context import Actor, ServiceContext
from counter_app.services.errors import CardNotFound
from counter_app.services.form_result import CarriesForm
from counter_app.services.idcheck import IdDocumentLike
from counter_app.services.lift_rules import checklist
from counter_app.services.loss_records import close_report, report_in_force, written_at
from counter_app.services.permissions import Action
from counter_app.services.phone_reports import phone_reference
from counter_app.services.submission import issue_counter_form, record_done
from forms import data as fd
from reader.identity import CardIdentity

ACTION_LIFT = AuditAction.LOSS_LIFT


@dataclass(frozen=True)
class LiftResult(CarriesForm):
    report_id: int
    card_id: int
    holder_id: int
    serial: str
    form: fd.LiftForm
    #: APPLICATION UNBLOCK was sent (a hospital terminal had blocked the chip).
    app_unblocked: bool
    already_done: bool
    form_key: bytes = field(repr=False, default=b"")


def lift_digest(actor: Actor, identity: CardIdentity, idempotency_key: str) -> str:
    """The request digest a supervisor approves for this lift (four-eyes)."""
    return approvals.request_digest(
        Action.LIFT_LOSS_REPORT.value,
        actor,
        card_id_code=identity.card_id_code.upper(),
        submission=idempotency_key,
    )


def stored_lift(session: Session, stored: IdempotencyKey, key: bytes) -> LiftResult:
    """The result of a lift already written under ``stored``'s key, with its form."""
    report = submitted_row(session, stored, LossReport)
    doc = session.scalars(
        select(FormDocument)
        .where(
            FormDocument.card_id == report.card_id,
            FormDocument.kind == registered_forms.KIND_LIFT,
        )
        .order_by(FormDocument.id.desc())
    ).first()
    assert doc is not None
    form = registered_forms.stored_form(session, doc, fd.LiftForm)
    return LiftResult(
        report.id,
        report.card_id,
        report.holder_id,
        doc.serial,
        form,
        app_unblocked=False,
        already_done=True,
        form_key=key,
    )


def _locked_card(session: Session, identity: CardIdentity) -> Card:
    """The card the chip names (卡识别码), locked before its state is read."""
    card_id = session.scalar(
        select(Card.id).where(Card.card_id_code == identity.card_id_code.upper())
    )
    card = lock_card(session, card_id) if card_id is not None else None
    if card is None:
        raise CardNotFound()
    return card


def write_lift(
    session: Session,
    ctx: ServiceContext,
    actor: Actor,
    identity: CardIdentity,
    document: IdDocumentLike,
    approval: approvals.ApprovalLike | None,
    idempotency_key: str,
    unblocked: bool,
    key: bytes,
) -> LiftResult:
    """The lift, in the submission's transaction (``submission.submit``): U1–U5 again under
    the card's lock, the approval consumed, the report lifted and the card active again
    (U1), the 解除挂失登记表 issued, the submission remembered and audited."""
    begin_writer(session, ctx.settings.lock_timeout_ms)
    now = ctx.now()
    card = _locked_card(session, identity)
    stored = stored_submission(session, idempotency_key, ACTION_LIFT)
    if stored is not None:
        return stored_lift(session, stored, key)
    rules = checklist(ctx, session, actor, identity, document, now)
    if rules.refusal is not None:
        raise rules.refusal
    report = report_in_force(session, card.id, now, record=False)
    holder = session.get(Holder, card.holder_id)
    assert report is not None and holder is not None
    approval_id = approvals.consume(
        session,
        approval,
        required=ctx.settings.four_eyes,
        digest=lift_digest(actor, identity, idempotency_key),
        actor=actor,
        now=now,
    )
    # 复核人 on the form: the approver named by the approval row just spent (S1–S3).
    reviewer = reviewers.reviewer_of(session, approval_id)
    close_report(
        session, report, card_to=CardState.ACTIVE, report_to=LossState.LIFTED, actor=actor, now=now
    )
    # 挂失时间 is the lifted report's own: a written report's, not the phone call it confirmed.
    reported = fd.LossReportRef(
        report.form_serial or phone_reference(report.id, report.reported_at),
        written_at(report),
        written=report.kind == LossKind.WRITTEN,
    )

    def build(header: fd.FormHeader, id_document: fd.IdDocument) -> fd.LiftForm:
        return fd.LiftForm(
            header=header,
            holder=form_data.form_holder(holder),
            card_number=card.card_number,
            loss_report=reported,
            id_document=id_document,
            reviewer=reviewer,
            app_unblocked=unblocked,
        )

    doc, form = issue_counter_form(
        session,
        actor,
        registered_forms.KIND_LIFT,
        fd.LiftForm,
        holder_id=holder.id,
        card_id=card.id,
        document=document,
        now=now,
        build=build,
    )
    record_done(
        session,
        actor,
        ACTION_LIFT,
        idempotency_key,
        report,
        holder_id=holder.id,
        card_id=card.id,
        document=document,
        now=now,
        details={
            "report_id": report.id,
            "form_serial": doc.serial,
            "app_unblocked": unblocked,
            "approval_id": approval_id,
        },
    )
    return LiftResult(
        report.id,
        card.id,
        holder.id,
        doc.serial,
        form,
        app_unblocked=unblocked,
        already_done=False,
        form_key=key,
    )
