"""Four-eyes approvals as the use cases consume them (issue 8 item 2).

The supervisor approves on the spot through ``auth.verify_supervisor_approval(ctx, actor,
staff_no, password, request_digest)``; the approval is bound to the digest of the exact
request (:func:`request_digest`, built on ``auth.request_digest``) and is spent here, once,
in the use case's own transaction (``auth.consume_approval``: compare-and-set on
``approvals.used_at``) — a reused, foreign, rejected or stale approval changes nothing and
is refused with ``ApprovalInvalid``; none at all, when required, with ``ApprovalRequired``.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from sqlalchemy.orm import Session

from counter_app.services import auth
from counter_app.services.context import Actor
from counter_app.services.errors import ApprovalRequired


class ApprovalLike(Protocol):
    """``auth.verify_supervisor_approval``'s result (the approval row): its id."""

    @property
    def id(self) -> int: ...


def request_digest(action: str, actor: Actor, **fields: str | int | None) -> str:
    """The digest a supervisor approves: action, initiator, office, and what the request is
    about (holder, card, submission key …). The UI computes it with the same call."""
    return auth.request_digest(
        action, {"initiator": actor.staff_id, "office": actor.office_id, **fields}
    )


def consume(
    session: Session,
    approval: ApprovalLike | None,
    *,
    required: bool,
    digest: str,
    actor: Actor,
    now: dt.datetime,
) -> int | None:
    """Spend ``approval`` for this request; returns its id (None when none was needed)."""
    if approval is None:
        if required:
            raise ApprovalRequired()
        return None
    auth.consume_approval(session, actor, approval.id, digest, now)
    return approval.id
