"""The steps every counter submission that registers a form takes, in one place: check the
idempotency key, check the permission (RULES S3), audit any refusal, run the work in one
unit of work with retries, and answer a resubmission with the stored result (the work's
own ``stored_submission`` look-up).

A use case supplies only ``apply(session, form_key)``: what it reads, changes, remembers
(``remember_submission``) and returns.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.orm import Session

from counter_app.services import registered_forms
from counter_app.services.concurrency import check_key, run_submission
from counter_app.services.context import Actor, ServiceContext
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
