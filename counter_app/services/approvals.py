"""Four-eyes approvals as the use cases consume them (issue 8 item 2).

The supervisor approves on the spot through ``auth.verify_supervisor_approval(ctx, actor,
staff_no, password, request_digest)``; the approval is bound to the digest of the exact
request (:func:`request_digest`) and is consumed here, once, in the use case's own
transaction by a compare-and-set on ``approvals.used_at`` — a reused, foreign, rejected or
self-made approval changes nothing and is refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Protocol

from sqlalchemy import update
from sqlalchemy.orm import Session

from counter_app.models.security import Approval
from counter_app.services.context import Actor
from counter_app.services.errors import ApprovalInvalid, ApprovalRequired


class ApprovalLike(Protocol):
    """``auth.Approval`` or the model row: what identifies the approval."""

    @property
    def id(self) -> int: ...


def request_digest(action: str, actor: Actor, **fields: str | int | None) -> str:
    """SHA-256 (hex) of the request a supervisor approves: action, initiator, office, and
    what the request is about (holder, card …). The UI computes it with the same call."""
    content = {"action": action, "initiator": actor.staff_id, "office": actor.office_id,
               **fields}  # fmt: skip
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def consume(
    session: Session,
    approval: ApprovalLike | None,
    *,
    required: bool,
    action: str,
    digest: str,
    actor: Actor,
    now: dt.datetime,
) -> int | None:
    """Mark ``approval`` used for this request; refuse one that does not fit. Returns its id."""
    if approval is None:
        if required:
            raise ApprovalRequired()
        return None
    result = session.execute(
        update(Approval)
        .where(
            Approval.id == approval.id,
            Approval.used_at.is_(None),
            Approval.outcome == "approved",
            Approval.request_digest == digest,
            Approval.action == action,
            Approval.initiator_staff_id == actor.staff_id,
            Approval.approver_staff_id != actor.staff_id,
            Approval.office_id == actor.office_id,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        raise ApprovalInvalid()
    return approval.id
