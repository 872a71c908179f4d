"""Every refusal is audited (RULES S3), in its own short transaction.

A use case's own transaction rolls back when it refuses, taking any audit event with it; so
the refusal is written afterwards in a fresh unit of work. :func:`require` consults the one
permission table (``permissions.py``); :func:`refusals_audited` wraps a use case so that any
domain refusal it raises (``CardAlreadyReportedLost``, ``WrongDistrict``, ``WeakPin`` …) is
recorded with its reason before it reaches the clerk. Failures that are not refusals (the
database is down, another window is busy, the outcome is unknown and already recorded, an
already-done submission) are not recorded again here.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from counter_app.services import audit
from counter_app.services.context import Actor, ServiceContext
from counter_app.services.errors import (
    AlreadyDone,
    ConcurrentChange,
    DatabaseUnavailable,
    NotPermitted,
    OutcomeUnknownRecorded,
    ServiceError,
    StaffSessionEnded,
)
from counter_app.services.permissions import Action
from counter_app.services.staff_active import ensure_active

_NOT_REFUSALS = (AlreadyDone, ConcurrentChange, DatabaseUnavailable, OutcomeUnknownRecorded)


def record_refusal(
    ctx: ServiceContext,
    actor: Actor | None,
    action: str,
    error: ServiceError,
    *,
    holder_id: int | None = None,
    card_id: int | None = None,
    details: dict[str, Any] | None = None,
    workstation: str | None = None,
) -> None:
    """Write one ``refused`` audit event for ``error``; never masks the error itself."""
    try:
        with ctx.uow() as uow:
            audit.record(
                uow.session,
                actor,
                action,
                holder_id=holder_id,
                card_id=card_id,
                reason=str(error),
                outcome="refused",
                details={"refusal": error.reason, **(details or {})},
                at=ctx.now(),
                workstation=workstation,
            )
            uow.commit()
    except Exception:  # the clerk must still see the original refusal
        return


def require(
    ctx: ServiceContext,
    actor: Actor,
    action: Action,
    *,
    holder_id: int | None = None,
    card_id: int | None = None,
) -> None:
    """RULES S3: refuse (audited) what this role at this office may not do, and anything
    at all by an account disabled since its login (``staff_active``)."""
    error: ServiceError
    try:
        ensure_active(ctx, actor)
    except StaffSessionEnded as ended:
        error = ended
    else:
        if actor.may(action):
            return
        error = NotPermitted(actor.why_not(action))
    record_refusal(
        ctx, actor, f"{action.value}.refused", error, holder_id=holder_id, card_id=card_id
    )
    raise error


@contextmanager
def refusals_audited(
    ctx: ServiceContext,
    actor: Actor | None,
    action: str,
    *,
    holder_id: int | None = None,
    card_id: int | None = None,
    workstation: str | None = None,
) -> Iterator[None]:
    """Audit any domain refusal raised inside (except ``NotPermitted``, audited by
    :func:`require`, and the non-refusals listed above)."""
    try:
        yield
    except NotPermitted:
        raise
    except _NOT_REFUSALS:
        raise
    except ServiceError as error:
        record_refusal(
            ctx,
            actor,
            f"{action}.refused",
            error,
            holder_id=holder_id,
            card_id=card_id,
            workstation=workstation,
        )
        raise
