"""Reprints of issued forms (补打, RULES L4) and what the database holds about an issued
form (``counter-admin form verify``).

- :func:`reprint_form` / :func:`load_form_for_reprint` draw an issued form again from its
  stored data (``registered_forms.stored_form``), marked 补打, with its serial unchanged and
  its reprint count incremented — audited as ``form.reprint``.
- :func:`form_on_record` answers a scanned form's serial with its kind, office, card, issue
  time and reprint count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from counter_app.models.audit_actions import AuditAction
from counter_app.models.card import Card
from counter_app.models.form_content import FormContent
from counter_app.models.forms import FormDocument
from counter_app.models.office import Office
from counter_app.services import audit
from counter_app.services.context import Actor, ServiceContext
from counter_app.services.errors import FormNotFound, ReprintReasonRequired
from counter_app.services.form_data import form_from_json
from counter_app.services.permissions import Action
from counter_app.services.refusals import refusals_audited, require
from counter_app.services.registered_forms import STORED_KINDS, render
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


def reprint_form(ctx: ServiceContext, actor: Actor, serial: str, reason: str) -> bytes:
    """RULES L4: the PDF of an issued form again, marked 补打 with its count; serial unchanged.

    Staff who may view records may reprint (the holder is present); audited."""
    require(ctx, actor, Action.VIEW_RECORDS)
    with refusals_audited(ctx, actor, AuditAction.FORM_REPRINT):
        if not isinstance(reason, str) or not reason.strip():
            raise ReprintReasonRequired()
        try:  # the input policy: the reason is printed on the form and audited
            reason = clean_text(reason, REPRINT_REASON)
        except ValidationError as exc:
            raise ReprintReasonRequired(str(exc)) from None
        try:
            serial = clean_text(serial, FORM_SERIAL)
        except ValidationError:
            raise FormNotFound() from None
        with ctx.uow() as uow:
            form, reprint = _reprint_in(uow.session, actor, serial, reason, ctx.now())
            uow.commit()
    return render(form, ctx.settings, reprint)


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
