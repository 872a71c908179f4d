"""Reprints of issued forms (补打, RULES L4) and what the database holds about an issued
form (``counter-admin form verify``).

- :func:`reprint_form` / :func:`load_form_for_reprint` draw an issued form again from its
  stored data (``registered_forms.stored_form``), marked 补打, with its serial unchanged and
  its reprint count incremented — audited as ``form.reprint``.
- :func:`reprint_loss_form` is the counter's 补打挂失登记表 (L4: a card already reported
  lost is not reported again; staff are shown the existing report and may reprint its
  form): the 挂失登记表 of the written report in force on the card of the holder the clerk
  is serving — chosen here from the database, never a serial the workstation sends.
- :func:`form_on_record` answers a scanned form's serial with its kind, office, card, issue
  time and reprint count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from counter_app.models.audit_actions import AuditAction
from counter_app.models.card import Card
from counter_app.models.form_content import FormContent
from counter_app.models.forms import FormDocument
from counter_app.models.loss import ACTIVE_REPORT_STATES, LossKind, LossReport
from counter_app.models.office import Office
from counter_app.services import audit
from counter_app.services.context import Actor, ServiceContext
from counter_app.services.errors import FormNotFound, ReprintReasonRequired
from counter_app.services.form_data import form_from_json
from counter_app.services.permissions import Action
from counter_app.services.refusals import refusals_audited, require
from counter_app.services.registered_forms import STORED_KINDS, render
from counter_app.services.sessions import HolderSession, require_open
from counter_app.settings import Settings
from counter_app.validation.errors import ValidationError
from counter_app.validation.text_policy import FORM_SERIAL, REPRINT_REASON, clean_text
from forms import data as fd


def _reprint_in(
    session: Session,
    actor: Actor | None,
    serial: str,
    reason: str,
    now: dt.datetime,
    workstation: str | None = None,
) -> tuple[fd.Form, fd.Reprint]:
    row = session.execute(
        select(FormDocument).where(FormDocument.serial == serial).with_for_update()
    ).scalar_one_or_none()
    content = session.get(FormContent, row.id) if row is not None else None
    if row is None or content is None:
        raise FormNotFound()
    session.execute(
        update(FormDocument)
        .where(FormDocument.id == row.id)
        .values(reprint_count=FormDocument.reprint_count + 1, last_printed_at=now)
    )
    session.refresh(row)
    form = form_from_json(content.data)
    by = fd.Staff(actor.name, actor.staff_no) if actor is not None else None
    reprint = fd.Reprint(count=row.reprint_count, reason=reason.strip(), reprinted_at=now, by=by)
    audit.record(
        session,
        actor,
        AuditAction.FORM_REPRINT,
        holder_id=row.holder_id,
        card_id=row.card_id,
        reason=reason.strip(),
        details={"serial": serial, "kind": row.kind, "reprint_count": row.reprint_count},
        at=now,
        workstation=workstation,
    )
    return form, reprint


def _clean_reason(reason: object) -> str:
    """The reprint's reason under the input policy (it is printed on the copy and audited);
    :class:`ReprintReasonRequired` when missing or refused."""
    if not isinstance(reason, str) or not reason.strip():
        raise ReprintReasonRequired()
    try:
        return clean_text(reason, REPRINT_REASON)
    except ValidationError as exc:
        raise ReprintReasonRequired(str(exc)) from None


def reprint_form(ctx: ServiceContext, actor: Actor, serial: str, reason: str) -> bytes:
    """RULES L4: the PDF of an issued form again, marked 补打 with its count; serial unchanged.

    Staff who may view records may reprint (the holder is present); audited."""
    require(ctx, actor, Action.VIEW_RECORDS)
    with refusals_audited(ctx, actor, AuditAction.FORM_REPRINT):
        reason = _clean_reason(reason)
        try:
            serial = clean_text(serial, FORM_SERIAL)
        except ValidationError:
            raise FormNotFound() from None
        with ctx.uow() as uow:
            form, reprint = _reprint_in(uow.session, actor, serial, reason, ctx.now())
            uow.commit()
    return render(form, ctx.settings, reprint)


class NoLossFormToReprint(FormNotFound):
    """RULES L4: the holder's card has no written report in force whose form could be
    reprinted (a phone report has no 挂失登记表; a lifted or replaced report is over)."""

    reason = "no_loss_form"
    message = "该持卡人的卡没有有效的书面挂失，没有可补打的挂失登记表。"


class LossFormNotArchived(FormNotFound):
    """The written report's form was issued before forms were archived with their content
    (data taken over from the old system): there is nothing to draw it again from."""

    reason = "loss_form_not_archived"
    message = (
        "该挂失登记表在本系统启用前办理，没有存档的表单内容，不能补打。"
        "请按挂失登记表编号到办理机构查阅纸质档案。"
    )

    def __init__(self, serial: str) -> None:
        super().__init__(f"{self.message}（挂失登记表编号 {serial}）")


@dataclass(frozen=True)
class ReprintedForm:
    """A form drawn again, marked 补打 (its count, reason, time and staff on the form)."""

    serial: str
    title: str
    pdf: bytes


def _loss_form_serial(session: Session, holder_id: int) -> str | None:
    """The serial of the 挂失登记表 of the holder's written report in force (one active
    report per card; the holder's card in use is the one reported lost)."""
    return session.scalars(
        select(LossReport.form_serial)
        .where(
            LossReport.holder_id == holder_id,
            LossReport.state.in_(ACTIVE_REPORT_STATES),
            LossReport.kind == LossKind.WRITTEN,
            LossReport.form_serial.is_not(None),
        )
        .order_by(LossReport.id.desc())
    ).first()


def _archived(session: Session, serial: str) -> bool:
    return (
        session.scalar(
            select(FormContent.form_document_id)
            .join(FormDocument, FormDocument.id == FormContent.form_document_id)
            .where(FormDocument.serial == serial)
        )
        is not None
    )


def _draw_here(func: Callable[..., Any], *args: Any) -> Any:
    return func(*args)


def reprint_loss_form(
    ctx: ServiceContext,
    actor: Actor,
    session: HolderSession,
    reason: str,
    draw: Callable[..., Any] | None = None,
) -> ReprintedForm:
    """RULES L4: the 挂失登记表 of the written report in force on the card of ``session``'s
    holder, drawn again marked 补打 (serial unchanged, reprint count incremented, the
    reason and the clerk printed on it) — audited ``form.reprint`` like every reprint.

    Who may: staff who may view records, in their own open holder session (Q7: the holder
    is present). Refusals (no reason, no such form) are audited. ``draw(render, …)`` draws
    the PDF (the in-process interface passes its helper process); default: here."""
    require(ctx, actor, Action.VIEW_RECORDS, holder_id=session.holder_id)
    require_open(ctx, session, actor)
    with refusals_audited(
        ctx, actor, AuditAction.FORM_REPRINT, holder_id=session.holder_id, card_id=session.card_id
    ):
        reason = _clean_reason(reason)
        with ctx.uow() as uow:
            serial = _loss_form_serial(uow.session, session.holder_id)
            if serial is None:
                raise NoLossFormToReprint()
            if not _archived(uow.session, serial):
                raise LossFormNotArchived(serial)
            form, reprint = _reprint_in(uow.session, actor, serial, reason, ctx.now())
            uow.commit()
    pdf = (draw or _draw_here)(render, form, ctx.settings, reprint)
    return ReprintedForm(serial, f"挂失登记表 {serial}（补打）", bytes(pdf))


def load_form_for_reprint(
    settings: Settings, serial: str, *, reason: str
) -> tuple[fd.Form, fd.Reprint]:
    """``counter-admin form reprint``: record the reprint (count, reason, when; the technician's
    command line as the actor) in one unit of work and return the form and its 补打 mark."""
    from counter_app import db

    if not reason.strip():
        raise ReprintReasonRequired()
    engine = db.create_engine_for(settings.database_url(), lock_timeout_ms=settings.lock_timeout_ms)
    try:
        factory = db.session_factory(engine)
        session = factory()
        try:
            with session.begin():
                return _reprint_in(
                    session,
                    None,
                    serial,
                    reason,
                    dt.datetime.now(dt.UTC),
                    workstation="counter-admin",
                )
        finally:
            session.close()
    finally:
        engine.dispose()


@dataclass(frozen=True)
class FormOnRecord:
    """What the database holds about an issued form (``counter-admin form verify``)."""

    serial: str
    kind: str
    office_code: str
    card_number: str | None
    issued_at: dt.datetime
    reprint_count: int

    def matches(self, kind: fd.FormKind, office_code: str, card_number: str) -> bool:
        """True when the QR code's contents agree with the record."""
        return (self.kind, self.office_code, self.card_number or "") == (
            STORED_KINDS[kind],
            office_code,
            card_number,
        )


def form_on_record(settings: Settings, serial: str) -> FormOnRecord | None:
    """The issued form with this serial, or None when the database has no such form."""
    from counter_app import db

    engine = db.create_engine_for(settings.database_url(), lock_timeout_ms=settings.lock_timeout_ms)
    try:
        with engine.connect() as conn:
            row = conn.execute(
                select(
                    FormDocument.serial,
                    FormDocument.kind,
                    Office.code,
                    Card.card_number,
                    FormDocument.issued_at,
                    FormDocument.reprint_count,
                )
                .join(Office, Office.id == FormDocument.office_id)
                .outerjoin(Card, Card.id == FormDocument.card_id)
                .where(FormDocument.serial == serial)
            ).one_or_none()
    finally:
        engine.dispose()
    return None if row is None else FormOnRecord(*row)
