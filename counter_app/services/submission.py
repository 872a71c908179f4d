"""The steps every counter submission that registers a form takes, in one place: check the
idempotency key, check the permission (RULES S3), audit any refusal, run the work in one
unit of work with retries, and answer a resubmission with the stored result (the work's
own ``stored_submission`` look-up).

A use case supplies only ``apply(session, form_key)``: what it reads, changes, remembers
(``remember_submission``) and returns. An ``apply`` about the holder's card in use starts
with :func:`lock_holder_card` (the writer's lock timeout, the stored submission looked up
before and after the card's lock, the holder's ID document checked).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy.orm import Session

from counter_app.models.card import Card
from counter_app.models.holder import Holder
from counter_app.models.security import IdempotencyKey
from counter_app.services import registered_forms
from counter_app.services.concurrency import (
    begin_writer,
    check_key,
    run_submission,
    stored_submission,
)
from counter_app.services.context import Actor, ServiceContext
from counter_app.services.errors import HolderNotFound
from counter_app.services.idcheck import IdDocumentLike, check_id
from counter_app.services.loss_records import card_in_use
from counter_app.services.permissions import Action
from counter_app.services.refusals import refusals_audited, require

T = TypeVar("T")


def submit(
    ctx: ServiceContext,
    actor: Actor,
    permission: Action,
    audit_action: str,
    *,
    holder_id: int,
    idempotency_key: str,
    apply: Callable[[Session, bytes], T],
) -> T:
    """Run ``apply(session, form_key)`` as ``actor``'s submission ``idempotency_key``:
    refused unless ``actor`` may do ``permission`` for ``holder_id``; a domain refusal
    raised inside is audited as ``<audit_action>.refused``; committed once (retried on a
    lost race or a dropped connection)."""
    check_key(idempotency_key)
    require(ctx, actor, permission, holder_id=holder_id)
    key = registered_forms.form_key(ctx.settings)
    with refusals_audited(ctx, actor, audit_action, holder_id=holder_id):

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
