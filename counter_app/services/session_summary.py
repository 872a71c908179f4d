"""What happened in one holder session: the access slip's data (RULES Q7).

:func:`access_summary` reads, in the caller's transaction, whose records were looked at,
which categories were viewed, what was done for the holder (with form serials), by whom,
where, when and why — from the session row and the audit trail of that staff member
inside the session's span. It writes nothing and never returns the full ID number (the
summary carries it masked). ``sessions.end_session`` returns it; ``access_slips`` issues
it as a registered form.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from counter_app.models.audit import AuditEvent
from counter_app.models.audit_actions import AuditAction, action_label
from counter_app.models.holder import Holder
from counter_app.models.holder_session import HolderSessionRow
from counter_app.models.office import Office, Staff
from counter_app.services.errors import SessionRequired
from counter_app.services.idcheck import (
    ID_DOCUMENT_LABELS,
    IdDocumentKind,
    SessionVia,
    check_text,
)
from counter_app.services.queries.category import category_label
from forms.masking import mask_id_number


@dataclass(frozen=True)
class SessionActionItem:
    """One thing done for the holder in the session (for the access slip)."""

    at: dt.datetime
    action: str
    description: str
    outcome: str
    serial: str = ""


@dataclass(frozen=True)
class AccessSummary:
    """RULES Q7 — the access slip: whose records, viewed by whom, where, when, why."""

    session_id: int
    holder_id: int
    holder_name: str
    masked_ssn: str
    card_number: str | None
    via: SessionVia
    #: How the holder was identified, in Chinese (e.g. 社保卡+密码, 居民身份证).
    identified_by: str
    #: Why records were looked up without the card (ID sessions), else empty.
    purpose: str
    staff_no: str
    staff_name: str
    office_code: str
    office_name: str
    workstation: str | None
    opened_at: dt.datetime
    closed_at: dt.datetime
    end_reason: str
    #: Category values viewed, in first-viewed order, and their Chinese labels.
    categories: tuple[str, ...]
    category_labels: tuple[str, ...]
    actions: tuple[SessionActionItem, ...]


class SessionRef(Protocol):
    """What names a session: a ``sessions.HolderSession`` or the ``AccessSummary`` of one."""

    @property
    def session_id(self) -> int: ...

    @property
    def card_number(self) -> str | None: ...


#: What the slip and the end-of-service summary add to an action that did not succeed: a
#: wrong PIN at a lift, a failed PIN check after an unblock. Listed bare under 办理的业务
#: they read as done — a clerk's trial in the city printed 解除挂失 twice, the first the
#: try refused by the card (RULES Q7: the holder is told what was done with the card).
_NOT_DONE = {"failed": "（未成功）", "unknown": "（结果待核实）"}


def access_summary(db: Session, session: SessionRef) -> AccessSummary:
    """The access slip's data of ``session`` (read in the caller's transaction).

    Raises ``SessionRequired`` when no such session exists.
    """
    row = db.execute(
        select(
            HolderSessionRow,
            Holder.name,
            Holder.ssn,
            Staff.staff_no,
            Staff.name,
            Office.code,
            Office.name,
        )
        .join(Holder, Holder.id == HolderSessionRow.holder_id)
        .join(Staff, Staff.id == HolderSessionRow.staff_id)
        .join(Office, Office.id == HolderSessionRow.office_id)
        .where(HolderSessionRow.id == session.session_id)
    ).one_or_none()
    if row is None:
        raise SessionRequired()
    hs, holder_name, ssn, staff_no, staff_name, office_code, office_name = row
    closed_at = hs.closed_at or hs.opened_at
    events = db.execute(
        select(
            AuditEvent.at,
            AuditEvent.action,
            AuditEvent.category,
            AuditEvent.outcome,
            AuditEvent.details,
        )
        .where(
            AuditEvent.holder_id == hs.holder_id,
            AuditEvent.at >= hs.opened_at,
            AuditEvent.at <= closed_at,
            AuditEvent.staff_id == hs.staff_id,
        )
        .order_by(AuditEvent.seq)
    ).all()
    categories: list[str] = []
    actions: list[SessionActionItem] = []
    checked = ""  # how the ID document was checked: chip, or typed and why
    for at, action, category, outcome, details in events:
        if (
            action == AuditAction.SESSION_OPEN
            and isinstance(details, dict)
            and details.get("session_id") == hs.id
            and details.get("id_check")
        ):
            checked = check_text(str(details["id_check"]), details.get("manual_reason"))
        if action == AuditAction.RECORD_VIEW and category and outcome == "success":
            if category not in categories:
                categories.append(category)
        elif not action.startswith(("session.", "record.", "case.")) and outcome != "refused":
            serial = ""
            if isinstance(details, dict):
                serial = str(details.get("serial") or details.get("form_serial") or "")
            description = action_label(action) + _NOT_DONE.get(outcome, "")
            actions.append(SessionActionItem(at, action, description, outcome, serial))
    via = SessionVia(hs.via)
    if via is SessionVia.CARD_PIN:
        identified_by = "社保卡+密码"
    else:
        identified_by = ID_DOCUMENT_LABELS.get(
            IdDocumentKind(hs.document_kind) if hs.document_kind else IdDocumentKind.RESIDENT_ID,
            "有效身份证件",
        )
        if checked:  # a typed number says so on the slip (a clerk's trial: it did not)
            identified_by += f"，{checked}"
    return AccessSummary(
        session_id=hs.id,
        holder_id=hs.holder_id,
        holder_name=holder_name,
        masked_ssn=mask_id_number(ssn),
        card_number=session.card_number,
        via=via,
        identified_by=identified_by,
        purpose=hs.reason or "",
        staff_no=staff_no,
        staff_name=staff_name,
        office_code=office_code,
        office_name=office_name,
        workstation=hs.workstation,
        opened_at=hs.opened_at,
        closed_at=closed_at,
        end_reason=hs.end_reason or "",
        categories=tuple(categories),
        category_labels=tuple(category_label(c) for c in categories),
        actions=tuple(actions),
    )
