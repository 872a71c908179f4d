"""The steps every counter submission that registers a form takes, in one place: check the
idempotency key, check the permission (RULES S3), audit any refusal, run the work in one
unit of work with retries, and answer a resubmission with the stored result (the work's
own ``stored_submission`` look-up).

A use case supplies only ``apply(session, form_key)``: what it reads, changes, remembers
and returns. An ``apply`` about the holder's card in use starts with
:func:`lock_holder_rows` (the writer's lock timeout, the holder and the card's lock in one
statement, the stored submission looked up once that lock is held, the holder's ID
document checked); it issues its form with :func:`issue_counter_form` and ends with
:func:`record_done` (the submission remembered with the row it produced, and audited with
how the ID document was checked).

One transaction per clerk action (docs/SCALING.md): the acting account's check
(``staff_active``, RULES S1–S3) is the first statement of the submission's own unit of
work, not a transaction of its own, and sets the writer's lock timeout on PostgreSQL
(``concurrency.begin_writer_as``; a later ``begin_writer`` in the same transaction sends
nothing).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import Session

from counter_app.models.base import Base
from counter_app.models.card import IN_USE_STATES, Card
from counter_app.models.holder import Holder
from counter_app.models.security import IdempotencyKey
from counter_app.services import audit, form_data, registered_forms
from counter_app.services.concurrency import (
    SubmissionRef,
    begin_writer,
    begin_writer_as,
    check_key,
    remember_submission,
    run_submission,
    states_in,
    stored_submission,
)
from counter_app.services.context import Actor, ServiceContext
from counter_app.services.errors import HolderNotFound, StaffAccountDisabled
from counter_app.services.idcheck import (
    IdDocumentLike,
    check_id,
    id_check_details,
    id_check_text,
)
from counter_app.services.idcheck_reuse import reuse_details
from counter_app.services.permissions import Action
from counter_app.services.precompiled import Precompiled
from counter_app.services.refusals import record_refusal, refusals_audited, require
from counter_app.validation.idnumber import normalise_id_number
from forms import data as fd

T = TypeVar("T")
F = TypeVar("F", bound=fd.Form)


class _AccountEnded(Exception):
    """The acting account was disabled: raised inside the unit of work (rolled back) and
    refused outside it, audited as ``refusals.require`` refuses it."""


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
    known, ``card_id``); committed once (retried on a lost race or a dropped connection).

    The account's check (RULES S3: a disabled account is refused at its next call) is the
    first read of the submission's transaction, with the writer's lock timeout; refused, it
    is audited as ``<permission>.refused``, as :func:`~counter_app.services.refusals.require`
    does."""
    check_key(idempotency_key)
    if not actor.may(permission):
        require(ctx, actor, permission, holder_id=holder_id, card_id=card_id)  # refuses
    key = registered_forms.form_key(ctx.settings)

    def work() -> T:
        with ctx.uow() as uow:
            session = uow.session
            if not begin_writer_as(session, ctx.settings.lock_timeout_ms, actor.staff_id):
                raise _AccountEnded()
            result = apply(session, key)
            uow.commit()
            return result

    try:
        with refusals_audited(ctx, actor, audit_action, holder_id=holder_id, card_id=card_id):
            return run_submission(work)
    except _AccountEnded:
        pass
    ended = StaffAccountDisabled()
    record_refusal(
        ctx, actor, f"{permission.value}.refused", ended, holder_id=holder_id, card_id=card_id
    )
    raise ended


class HolderRow(form_data.HolderFields, Protocol):
    """The holder as :func:`lock_holder_rows` reads it."""

    @property
    def id(self) -> int: ...

    @property
    def status(self) -> str: ...


@dataclass(frozen=True)
class CardRow:
    """The holder's card in use as :func:`lock_holder_rows` reads it (locked)."""

    id: int
    card_number: str
    state: str


@dataclass(frozen=True)
class LockedRows:
    """The holder (ID document checked) and their card in use (None without one), locked,
    at ``now``, as plain rows: a use case changes the card only by compare-and-set
    (``concurrency.cas_card_state``)."""

    now: dt.datetime
    holder: HolderRow
    card: CardRow | None


_holders = Holder.__table__.c
_cards = Card.__table__.c
_HOLDER_COLUMNS = (
    _holders.id,
    _holders.ssn,
    _holders.name,
    _holders.gender,
    _holders.phone,
    _holders.address,
    _holders.household_district,
    _holders.status,
)
_HOLDER = Precompiled(select(*_HOLDER_COLUMNS).where(_holders.id == bindparam("holder_id")))
# The holder with their card in use, the card's row locked (not the holder's). PostgreSQL
# checks the joined card again once its lock is granted: a card another window replaced
# meanwhile (R2) drops out, and the holder is then read alone (no card in use).
_HOLDER_AND_CARD = Precompiled(
    select(
        *_HOLDER_COLUMNS,
        _cards.id.label("card_id"),
        _cards.card_number.label("card_number"),
        _cards.state.label("card_state"),
    )
    .select_from(
        Holder.__table__.join(
            Card.__table__,
            and_(_cards.holder_id == _holders.id, states_in(_cards.state, IN_USE_STATES)),
        )
    )
    .where(_holders.id == bindparam("holder_id"))
    .with_for_update(of=Card.__table__)
)


def lock_holder_rows(
    session: Session,
    ctx: ServiceContext,
    permission: Action,
    submission: str,
    *,
    holder_id: int,
    document: IdDocumentLike,
    idempotency_key: str,
) -> IdempotencyKey | LockedRows:
    """The first steps of a submission about the holder's card in use: the holder and
    their card in use in one precompiled statement (the card's row locked; no card in use:
    the holder alone); then the stored submission if ``idempotency_key`` was already
    applied (looked up once the card's lock is held: a concurrent retry of this very
    submission has committed by then, and a resubmission is answered before anything is
    checked again); otherwise the holder's ID ``document`` is checked for ``permission``
    (RULES Q7)."""
    begin_writer(session, ctx.settings.lock_timeout_ms)
    now = ctx.now()
    row = _HOLDER_AND_CARD.first(session, {"holder_id": holder_id})
    holder: HolderRow | None = row
    card = None if row is None else CardRow(row.card_id, row.card_number, row.card_state)
    if row is None:
        holder = _HOLDER.first(session, {"holder_id": holder_id})
        if holder is None:
            raise HolderNotFound()
    assert holder is not None
    stored = stored_submission(session, idempotency_key, submission)
    if stored is not None:
        return stored
    check_id(ctx, permission, holder, document)
    return LockedRows(now, holder, card)


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
) -> tuple[registered_forms.IssuedForm, F]:
    """The form of a counter transaction about ``holder_id``'s card ``card_id``, issued at
    ``actor``'s office with its gap-free serial (``registered_forms.issue_office_form``:
    the office's header is read with the serial). ``build`` gets the form's header and the
    holder's ID ``document`` as forms print it (kind, number, how it was checked)."""
    printed = form_data.form_document(
        str(document.kind), normalise_id_number(document.number), id_check_text(document)
    )
    row, form = registered_forms.issue_office_form(
        session,
        kind=kind,
        office_id=actor.office_id,
        staff_id=actor.staff_id,
        holder_id=holder_id,
        card_id=card_id,
        at=now,
        build=lambda header: build(header, printed),
        handler=form_data.form_staff(actor),
    )
    assert isinstance(form, form_type)
    return row, form


def record_done(
    session: Session,
    actor: Actor,
    action: str,
    idempotency_key: str,
    produced: Base | SubmissionRef,
    *,
    holder_id: int,
    card_id: int,
    document: IdDocumentLike,
    now: dt.datetime,
    details: dict[str, Any],
) -> None:
    """The last step of a submission, in its transaction: remembered under
    ``idempotency_key`` with the row it ``produced`` (a flushed ORM row, or its
    ``SubmissionRef``), and audited as
    ``action`` with ``details`` and how the holder's ID ``document`` was checked."""
    remember_submission(session, idempotency_key, action, actor.staff_id, produced, now)
    audit.record(
        session,
        actor,
        action,
        holder_id=holder_id,
        card_id=card_id,
        details={
            **details,
            "id_document_kind": document.kind,
            **id_check_details(document),
            **reuse_details(session, actor, holder_id, document),  # RULES E1
        },
        at=now,
    )
