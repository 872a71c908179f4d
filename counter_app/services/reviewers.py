"""Who approved (复核人, four-eyes RULES S1–S3): the supervisor of a spent approval, read
from the database, for the papers of the transaction it was spent on (``lift_record``,
``pin_receipts``). Never from what a workstation sends: the approval's row names its
approver.

A lift spends its approval in its record step, where the form is issued
(:func:`reviewer_of`). A reset or unblock spends it in its rule step, before the card is
touched, and issues its receipt in the record step — in the city a separate request that
carries only the password event's id. So the rule step writes down which approval it spent
on which password event (:func:`record_spent_on_event`, an ``approval.spent`` audit
event), and the record step reads it back (:func:`reviewer_of_event`).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from counter_app.models.audit import AuditEvent
from counter_app.models.audit_actions import AuditAction
from counter_app.models.office import Staff
from counter_app.models.security import Approval
from counter_app.services import audit
from counter_app.services.context import Actor, ServiceContext
from forms import data as fd


def reviewer_of(session: Session, approval_id: int | None) -> fd.Staff | None:
    """The supervisor who granted approval ``approval_id`` (None for no approval)."""
    if approval_id is None:
        return None
    row = session.execute(
        select(Staff.name, Staff.staff_no)
        .join(Approval, Approval.approver_staff_id == Staff.id)
        .where(Approval.id == approval_id, Approval.outcome == "approved")
    ).first()
    return None if row is None else fd.Staff(row.name, row.staff_no)


def record_spent_on_event(
    ctx: ServiceContext, actor: Actor, approval_id: int, event_id: int, card_id: int | None
) -> None:
    """Write down, in its own transaction, that ``approval_id`` was spent on the password
    event ``event_id`` (just opened by ``actor``'s rule step)."""
    with ctx.uow() as uow:
        audit.record(
            uow,
            actor,
            AuditAction.APPROVAL_SPENT,
            card_id=card_id,
            details={"approval_id": approval_id, "event_id": event_id},
            at=ctx.now(),
        )
        uow.commit()


def reviewer_of_event(
    session: Session, actor: Actor, event_id: int, card_id: int | None
) -> fd.Staff | None:
    """The supervisor whose approval ``actor``'s rule step spent on password event
    ``event_id`` (:func:`record_spent_on_event`); None when none was spent."""
    rows = session.scalars(
        select(AuditEvent.details)
        .where(
            AuditEvent.card_id == card_id,
            AuditEvent.action == AuditAction.APPROVAL_SPENT.value,
            AuditEvent.staff_id == actor.staff_id,
        )
        .order_by(AuditEvent.seq.desc())
    )
    for details in rows:
        if details and details.get("event_id") == event_id:
            approval_id = details.get("approval_id")
            return reviewer_of(session, approval_id if isinstance(approval_id, int) else None)
    return None
