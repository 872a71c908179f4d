"""Four-eyes approvals: a supervisor approves one request on the spot; the use case spends
it once (RULES S1–S3).

- :func:`verify_supervisor_approval`: a supervisor of the initiator's own office (never the
  initiator) types their staff number and password at the initiator's workstation; the
  approval is recorded bound to the digest of the exact request (:func:`request_digest`,
  built on :func:`fields_digest`). A wrong password counts toward the approver's lockout.
- :func:`consume` (on :func:`consume_approval`) spends it once, in the use case's own
  transaction (compare-and-set on ``approvals.used_at``) — a reused, foreign, rejected or
  stale approval changes nothing and is refused with ``ApprovalInvalid``; none at all,
  when required, with ``ApprovalRequired``.

No password is ever logged, audited, stored in clear or put into an exception text.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from typing import Any, Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from counter_app.models.audit_actions import AuditAction
from counter_app.models.security import Approval
from counter_app.services import audit
from counter_app.services.concurrency import begin_writer
from counter_app.services.context import Actor, ServiceContext
from counter_app.services.errors import ApprovalInvalid, ApprovalRequired
from counter_app.services.password_hashing import verify_password
from counter_app.services.permissions import Role
from counter_app.services.staff_credentials import (
    clear_attempts,
    is_locked,
    load_account,
    recorded_staff_no,
    reserve_attempt,
)

#: How long a four-eyes approval may wait before it is spent ("on the spot").
APPROVAL_MAX_AGE = dt.timedelta(minutes=10)


def fields_digest(action: str, fields: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the exact request a supervisor approves: ``action`` and ``fields``
    in canonical JSON. Include the submission's idempotency key in ``fields`` so that two
    separate requests never share a digest (an approval is single use)."""
    payload = audit.canonical_json({"action": action, "fields": dict(fields)})
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def verify_supervisor_approval(
    ctx: ServiceContext,
    actor: Actor,
    staff_no: str,
    password: str,
    request_digest: str,
    action: str = "approve",
) -> Approval:
    """Four-eyes (RULES S1–S3): a supervisor of ``actor``'s office approves one request.

    The approver types their own staff number and password at the initiator's workstation.
    Refused with :class:`ApprovalInvalid` (audited as ``approval.rejected``) when the
    approver is unknown, not a supervisor, of another office, the initiator themself,
    locked or disabled, the password is wrong (counted toward the approver's lockout), or
    the digest was already approved. Returns the stored approval, to be spent once with
    :func:`consume_approval` in the business transaction.
    """
    typed = (staff_no or "").strip()
    now = ctx.now()
    refusal: str | None = None
    locked = False
    if len(request_digest) != 64 or any(c not in "0123456789abcdef" for c in request_digest):
        refusal = "bad_digest"
    # Checked and counted under the approver's row lock before the hash is verified, as at
    # login (staff_credentials.reserve_attempt): concurrent guesses cannot outrun the lockout.
    with ctx.uow() as uow:
        begin_writer(uow.session, ctx.settings.lock_timeout_ms)
        approver = load_account(uow.session, typed, for_update=True)
        if refusal is not None:
            pass
        elif approver is None:
            refusal = "unknown_approver"
        elif approver.id == actor.staff_id:
            refusal = "self_approval"
        elif not approver.active or is_locked(approver, now):
            refusal = "approver_unavailable"
        else:
            locked = reserve_attempt(ctx, uow.session, approver.id, now)
        uow.commit()
    checked = approver.password_hash if approver is not None and refusal is None else None
    password_ok = verify_password(checked, password)
    now = ctx.now()
    if refusal is None and not password_ok:
        refusal = "wrong_password"
    elif refusal is None and approver is not None:
        with ctx.uow() as uow:
            clear_attempts(uow.session, approver.id)
            uow.commit()
        if approver.role != Role.SUPERVISOR.value:
            refusal = "not_supervisor"
        elif approver.office_id != actor.office_id:
            refusal = "other_office"
    with ctx.uow() as uow:
        db = uow.session
        if refusal is None:
            taken = db.scalar(select(Approval.id).where(Approval.request_digest == request_digest))
            refusal = "already_approved" if taken is not None else None
        if refusal is not None:
            audit.record(
                uow,
                actor,
                AuditAction.APPROVAL_REJECTED,
                outcome="refused",
                at=now,
                reason=ApprovalInvalid.message,
                details={
                    "action": action,
                    "approver_staff_no": recorded_staff_no(typed, approver is not None),
                    "refusal": refusal,
                    "request_digest": request_digest[:64],
                    "locked": locked,
                },
            )
            uow.commit()
            # Past the right password the cause is no secret: it is named (RULES S1-S3).
            raise ApprovalInvalid(NAMED_REFUSALS.get(refusal) if password_ok else None)
        assert approver is not None
        approval = Approval(
            action=action[:40],
            request_digest=request_digest,
            initiator_staff_id=actor.staff_id,
            approver_staff_id=approver.id,
            office_id=actor.office_id,
            outcome="approved",
            at=now,
        )
        db.add(approval)
        db.flush()
        audit.record(
            uow,
            actor,
            AuditAction.APPROVAL_GRANTED,
            at=now,
            details={
                "approval_id": approval.id,
                "action": action,
                "approver_staff_no": approver.staff_no,
                "request_digest": request_digest,
            },
        )
        uow.commit()
        return approval


#: Refusals named to the clerk; they are decided only after the approver's password matched.
NAMED_REFUSALS = {
    "not_supervisor": "该工号不是主管岗位，不能复核。请由本机构主管复核。",
    "other_office": "该主管不属于本机构，其他机构的主管不能复核。请由本机构主管复核。",
    "already_approved": "本次业务已复核过，同一业务只能复核一次。"
    "如需重新复核，请结束服务后重新办理。",
}


def consume_approval(
    db: Session,
    actor: Actor,
    approval_id: int,
    request_digest: str,
    now: dt.datetime,
    max_age: dt.timedelta = APPROVAL_MAX_AGE,
) -> None:
    """Spend approval ``approval_id`` for exactly this request, once, in the caller's
    transaction (compare-and-set on ``used_at``). Raises :class:`ApprovalInvalid` when it is
    for another request or initiator, already used, rejected, or older than ``max_age``."""
    result = db.execute(
        update(Approval)
        .where(*_usable(actor, approval_id, request_digest, now, max_age))
        .values(used_at=now)
    )
    if getattr(result, "rowcount", 0) != 1:
        raise ApprovalInvalid()


def _usable(
    actor: Actor, approval_id: int, request_digest: str, now: dt.datetime, max_age: dt.timedelta
) -> tuple[Any, ...]:
    """An approval that may still be spent on this request by this initiator."""
    return (
        Approval.id == approval_id,
        Approval.request_digest == request_digest,
        Approval.initiator_staff_id == actor.staff_id,
        Approval.outcome == "approved",
        Approval.used_at.is_(None),
        Approval.at >= now - max_age,
    )


def check_unspent(
    db: Session,
    approval: ApprovalLike | None,
    *,
    required: bool,
    digest: str,
    actor: Actor,
    now: dt.datetime,
) -> None:
    """What :func:`consume` would refuse, without spending the approval: for a step that
    must not run before four-eyes although the approval is spent later (the server's key
    ticket for a lift's APPLICATION UNBLOCK; the record step consumes it)."""
    if approval is None:
        if required:
            raise ApprovalRequired()
        return
    found = db.scalar(
        select(Approval.id).where(*_usable(actor, approval.id, digest, now, APPROVAL_MAX_AGE))
    )
    if found is None:
        raise ApprovalInvalid()


class ApprovalLike(Protocol):
    """:func:`verify_supervisor_approval`'s result (the approval row): its id."""

    @property
    def id(self) -> int: ...


def request_digest(action: str, actor: Actor, **fields: str | int | None) -> str:
    """The digest a supervisor approves: action, initiator, office, and what the request is
    about (holder, card, submission key …). The UI computes it with the same call."""
    return fields_digest(action, {"initiator": actor.staff_id, "office": actor.office_id, **fields})


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
    consume_approval(session, actor, approval.id, digest, now)
    return approval.id
