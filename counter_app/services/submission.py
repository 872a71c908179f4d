"""The steps every counter submission that registers a form takes, in one place: check the
idempotency key, check the permission (RULES S3), audit any refusal, run the work in one
unit of work with retries, and answer a resubmission with the stored result (the work's
own ``stored_submission`` look-up).

A use case supplies only ``apply(session, form_key)``: what it reads, changes, remembers
and returns. An ``apply`` about the holder's card in use starts with
:func:`lock_holder_card` (the writer's lock timeout, the stored submission looked up
before and after the card's lock, the holder's ID document checked); it issues its form
with :func:`issue_counter_form` and ends with :func:`record_done` (the submission
remembered with the row it produced, and audited with how the ID document was checked).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from counter_app.models.base import Base
from counter_app.models.card import Card
from counter_app.models.forms import FormDocument
from counter_app.models.holder import Holder
from counter_app.models.office import Office
from counter_app.models.security import IdempotencyKey
from counter_app.services import audit, registered_forms
from counter_app.services.concurrency import (
    begin_writer,
    check_key,
    remember_submission,
    run_submission,
    stored_submission,
)
from counter_app.services.context import Actor, ServiceContext
from counter_app.services.errors import HolderNotFound
from counter_app.services.idcheck import (
    IdDocumentLike,
    check_id,
    id_check_details,
    id_check_text,
)
from counter_app.services.loss_records import card_in_use
from counter_app.services.permissions import Action
from counter_app.services.refusals import refusals_audited, require
from counter_app.validation.idnumber import normalise_id_number
from forms import data as fd

T = TypeVar("T")
F = TypeVar("F", bound=fd.Form)


def submit(
    ctx: ServiceContext,
    actor: Actor,
    permission: Action,
    audit_action: str,
    *,
    holder_id: int | None,
    idempotency_key: str,
    apply: Callable[[Session, bytes], T],
    card_id: int | None = None,
) -> T:
    """Run ``apply(session, form_key)`` as ``actor``'s submission ``idempotency_key``:
    refused unless ``actor`` may do ``permission`` for ``holder_id``; a domain refusal
    raised inside is audited as ``<audit_action>.refused`` (about ``holder_id`` and, when
    known, ``card_id``); committed once (retried on a lost race or a dropped connection)."""
    check_key(idempotency_key)
    require(ctx, actor, permission, holder_id=holder_id, card_id=card_id)
    key = registered_forms.form_key(ctx.settings)
    with refusals_audited(ctx, actor, audit_action, holder_id=holder_id, card_id=card_id):

        def work() -> T:
            with ctx.uow() as uow:
                result = apply(uow.session, key)
                uow.commit()
                return result

        return run_submission(work)


@dataclass(frozen=True)
class LockedCard:
    """The holder (ID document checked) and their card in use, locked, at ``now``."""

    now: dt.datetime
    holder: Holder
    card: Card | None


def lock_holder_card(
    session: Session,
    ctx: ServiceContext,
    permission: Action,
    submission: str,
    *,
    holder_id: int,
    document: IdDocumentLike,
    idempotency_key: str,
) -> IdempotencyKey | LockedCard:
    """The first steps of a submission about the holder's card in use: the stored
    submission if ``idempotency_key`` was already applied (looked up again once the card's
    lock is held: a concurrent retry of this very submission has committed by then);
    otherwise the holder, whose ``document`` is checked for ``permission`` (RULES Q7), and
    their card in use (None without one), locked."""
    begin_writer(session, ctx.settings.lock_timeout_ms)
    now = ctx.now()
    stored = stored_submission(session, idempotency_key, submission)
    if stored is not None:
        return stored
    holder = session.get(Holder, holder_id)
    if holder is None:
        raise HolderNotFound()
    check_id(ctx, permission, holder, document)
    card = card_in_use(session, holder.id)  # locked
    stored = stored_submission(session, idempotency_key, submission)
    if stored is not None:
        return stored
    return LockedCard(now, holder, card)


def issue_counter_form(
    session: Session,
    actor: Actor,
    kind: str,
    form_type: type[F],
    *,
    holder_id: int,
    card_id: int,
    document: IdDocumentLike,
    now: dt.datetime,
    build: Callable[[fd.FormHeader, fd.IdDocument], F],
) -> tuple[FormDocument, F]:
    """The form of a counter transaction about ``holder_id``'s card ``card_id``, issued at
    ``actor``'s office with its gap-free serial (``registered_forms.issue_form``).
    ``build`` gets the form's header and the holder's ID ``document`` as forms print it
    (kind, number, how it was checked)."""
    office = session.get(Office, actor.office_id)
    assert office is not None  # the actor's own office (foreign key)
    printed = registered_forms.form_document(
        str(document.kind), normalise_id_number(document.number), id_check_text(document)
    )
    row, form = registered_forms.issue_form(
        session,
        kind=kind,
        office=office,
        staff_id=actor.staff_id,
        holder_id=holder_id,
        card_id=card_id,
        at=now,
        build=lambda header: build(header, printed),
        handler=registered_forms.form_staff(actor),
    )
    assert isinstance(form, form_type)
    return row, form


def record_done(
    session: Session,
    actor: Actor,
    action: str,
    idempotency_key: str,
    produced: Base,
    *,
    holder_id: int,
    card_id: int,
    document: IdDocumentLike,
    now: dt.datetime,
    details: dict[str, Any],
) -> None:
    """The last step of a submission, in its transaction: remembered under
    ``idempotency_key`` with the row it ``produced`` (``SubmissionRef``), and audited as
    ``action`` with ``details`` and how the holder's ID ``document`` was checked."""
    remember_submission(session, idempotency_key, action, actor.staff_id, produced, now)
    audit.record(
        session,
        actor,
        action,
        holder_id=holder_id,
        card_id=card_id,
        details={**details, "id_document_kind": document.kind, **id_check_details(document)},
        at=now,
    )
