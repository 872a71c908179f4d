"""Service cases (办件, RULES E1): every service of one holder at a window is one case.

A case opens with the holder session (:func:`open_case`, called by ``sessions`` inside the
transaction that opens the session, card + PIN or ID document alike) and closes at 结束服务
(:func:`close_case_of_session`, called by ``sessions.end_session``; a card removed closes
the session at once but the case only when the clerk confirms, i.e. ends the service).
Its number is the office code, the Shanghai day and a sequence without gaps per office
and day: the ``case_counters`` row for (office, day) is incremented in the same
transaction, so it is the lock and a rolled-back opening gives its number back.

What was done (categories viewed, actions with outcomes, form serials) is read from the
audit trail through ``session_summary.access_summary`` when the case closes, and kept on
the case. A workstation that crashed with a case open, or that a clerk left with the
service not ended (the services unreachable at 退出登录), finds it again at the next login
(:func:`open_case_at_workstation`) and closes it (:func:`close_recovered_case`).

The data returned here is the clerk's: it never carries the holder's rating (``ratings``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from counter_app.models.audit_actions import AuditAction
from counter_app.models.case import CaseCounter, ServiceCase
from counter_app.models.holder_session import HolderSessionRow
from counter_app.models.office import Office, Staff
from counter_app.services import audit
from counter_app.services.case_errors import (
    CaseAlreadyClosed,
    CaseNotFound,
    QueueTicketInvalid,
)
from counter_app.services.context import Actor, ServiceContext
from counter_app.services.left_staff import end_left_staff_session
from counter_app.services.session_summary import AccessSummary, access_summary

SHANGHAI = ZoneInfo("Asia/Shanghai")
_TICKET = re.compile(r"^[0-9A-Za-z-]{1,20}$")


class CaseAudit(StrEnum):
    """Audit action names of cases, ratings and follow-ups (all under ``case.``, which the
    access slip leaves out of "what was done")."""

    OPEN = "case.open"
    CLOSE = "case.close"
    QUEUE_TICKET = "case.queue_ticket"
    RATING = "case.rating"
    FOLLOWUP_OPEN = "case.followup_open"
    FOLLOWUP_LIST = "case.followup_list"
    FOLLOWUP_CLOSE = "case.followup_close"
    FOLLOWUP_REVEAL_PHONE = "case.followup_reveal_phone"


@dataclass(frozen=True)
class CaseItem:
    """One thing done in the case: a viewed category, or an action with its outcome."""

    kind: str  # "view" or "action"
    label: str
    outcome: str = ""
    serial: str = ""


@dataclass(frozen=True)
class CaseInfo:
    """RULES E1 — a case as the clerk sees it (never with the rating's level)."""

    case_no: str
    session_id: int
    holder_id: int
    staff_no: str
    staff_name: str
    office_code: str
    workstation: str | None
    queue_ticket: str | None
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    close_reason: str | None
    items: tuple[CaseItem, ...]

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


def format_case_no(office_code: str, day: dt.date, sequence: int) -> str:
    return f"{office_code}-{day:%Y%m%d}-{sequence:04d}"


def shanghai_day(at: dt.datetime) -> dt.date:
    return at.astimezone(SHANGHAI).date()


def _allocate(db: Session, office_id: int, day: dt.date) -> int:
    """The next sequence of ``office_id`` on ``day``; the counter row stays locked until the
    caller's transaction ends (only that office's windows wait on it, only that day)."""
    dialect = db.get_bind().dialect.name
    insert: Callable[..., Any] = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = CaseCounter.__table__
    stmt = (
        insert(table)
        .values(office_id=office_id, day=day, last_sequence=1)
        .on_conflict_do_update(
            index_elements=["office_id", "day"],
            set_={"last_sequence": table.c.last_sequence + 1},
        )
        .returning(table.c.last_sequence)
    )
    return int(db.execute(stmt).scalar_one())


# --------------------------------------------------------------------------- open / close


def open_case(
    db: Session, actor: Actor, *, session_id: int, holder_id: int, at: dt.datetime
) -> str:
    """RULES E1: open the case of a new holder session in the caller's transaction (audited
    with it); returns the case number."""
    day = shanghai_day(at)
    sequence = _allocate(db, actor.office_id, day)
    case_no = format_case_no(actor.office_code, day, sequence)
    db.add(
        ServiceCase(
            case_no=case_no,
            office_id=actor.office_id,
            day=day,
            sequence=sequence,
            session_id=session_id,
            holder_id=holder_id,
            staff_id=actor.staff_id,
            workstation=actor.workstation_id,
            opened_at=at,
        )
    )
    audit.record(
        db,
        actor,
        CaseAudit.OPEN,
        holder_id=holder_id,
        at=at,
        details={"case_no": case_no, "session_id": session_id},
    )
    return case_no


@dataclass(frozen=True)
class _SessionRef:
    session_id: int
    card_number: str | None = None


def _items_of(db: Session, session_id: int, summary: AccessSummary | None = None) -> dict[str, Any]:
    """What was done in the session, as the case stores it; from ``summary`` when the
    caller already read the session's access summary in this transaction."""
    summary = summary or access_summary(db, _SessionRef(session_id))
    return {
        "categories": list(summary.category_labels),
        "actions": [
            {"label": a.description, "outcome": a.outcome, "serial": a.serial}
            for a in summary.actions
        ],
    }


def close_case_of_session(
    db: Session,
    actor: Actor | None,
    session_id: int,
    why: str,
    at: dt.datetime,
    summary: AccessSummary | None = None,
) -> str | None:
    """Close the open case of ``session_id`` in the caller's transaction (audited); returns
    its number, or None when it had none open (closed already, or a session older than
    cases). ``why``: ``card_removed`` when the clerk confirmed a removed card, else done.
    ``summary``: the closed session's access summary, if the caller has read it already."""
    case = db.execute(
        select(ServiceCase)
        .where(ServiceCase.session_id == session_id, ServiceCase.closed_at.is_(None))
        .with_for_update()
    ).scalar_one_or_none()
    if case is None:
        return None
    reason = why if why in ("card_removed", "recovered") else "done"
    _finish(db, actor, case, reason, at, summary)
    return case.case_no


def _finish(
    db: Session,
    actor: Actor | None,
    case: ServiceCase,
    reason: str,
    at: dt.datetime,
    summary: AccessSummary | None = None,
) -> None:
    items = _items_of(db, case.session_id, summary)
    case.closed_at = at
    case.close_reason = reason
    case.items = items
    db.flush()
    audit.record(
        db,
        actor,
        CaseAudit.CLOSE,
        holder_id=case.holder_id,
        at=at,
        reason=reason,
        workstation=None if actor else case.workstation,
        details={
            "case_no": case.case_no,
            "actions": len(items["actions"]),
            "categories": len(items["categories"]),
        },
    )


# --------------------------------------------------------------------------- reads


def _info(db: Session, case: ServiceCase) -> CaseInfo:
    staff_no, staff_name = db.execute(
        select(Staff.staff_no, Staff.name).where(Staff.id == case.staff_id)
    ).one()
    office_code = str(db.scalar(select(Office.code).where(Office.id == case.office_id)))
    if case.items is not None:
        stored = case.items
    else:  # still open: what has been done so far
        stored = _items_of(db, case.session_id)
    items = [CaseItem("view", label) for label in stored.get("categories", [])]
    items += [
        CaseItem(
            "action", str(a.get("label", "")), str(a.get("outcome", "")), str(a.get("serial", ""))
        )
        for a in stored.get("actions", [])
    ]
    return CaseInfo(
        case_no=case.case_no,
        session_id=case.session_id,
        holder_id=case.holder_id,
        staff_no=staff_no,
        staff_name=staff_name,
        office_code=office_code,
        workstation=case.workstation,
        queue_ticket=case.queue_ticket,
        opened_at=case.opened_at,
        closed_at=case.closed_at,
        close_reason=case.close_reason,
        items=tuple(items),
    )


def _case_at(db: Session, actor: Actor, case_no: str) -> ServiceCase:
    """The case ``case_no`` of this workstation's office, or :class:`CaseNotFound`."""
    case = db.execute(
        select(ServiceCase).where(
            ServiceCase.case_no == case_no.strip(), ServiceCase.office_id == actor.office_id
        )
    ).scalar_one_or_none()
    if case is None:
        raise CaseNotFound()
    return case


def case_of_session(ctx: ServiceContext, actor: Actor, session_id: int) -> CaseInfo:
    """The case of holder session ``session_id`` (open or closed) of this office."""
    with ctx.uow() as uow:
        case = uow.session.execute(
            select(ServiceCase).where(
                ServiceCase.session_id == session_id, ServiceCase.office_id == actor.office_id
            )
        ).scalar_one_or_none()
        if case is None:
            raise CaseNotFound()
        return _info(uow.session, case)


def get_case(ctx: ServiceContext, actor: Actor, case_no: str) -> CaseInfo:
    with ctx.uow() as uow:
        return _info(uow.session, _case_at(uow.session, actor, case_no))


def attach_queue_ticket(ctx: ServiceContext, actor: Actor, case_no: str, ticket: str) -> CaseInfo:
    """RULES E1: attach the 排队号 typed or scanned to an open case (audited)."""
    text = (ticket or "").strip()
    if not _TICKET.match(text):
        raise QueueTicketInvalid()
    now = ctx.now()
    with ctx.uow() as uow:
        case = _case_at(uow.session, actor, case_no)
        if case.closed_at is not None:
            raise CaseAlreadyClosed()
        case.queue_ticket = text
        audit.record(
            uow,
            actor,
            CaseAudit.QUEUE_TICKET,
            holder_id=case.holder_id,
            at=now,
            details={"case_no": case.case_no, "queue_ticket": text},
        )
        info = _info(uow.session, case)
        uow.commit()
    return info


# --------------------------------------------------------------------------- crash recovery


def open_case_at_workstation(ctx: ServiceContext, actor: Actor) -> CaseInfo | None:
    """The case left open at this workstation (a crash, a power cut), oldest first; None
    when there is none. Shown after login so that it can be closed."""
    with ctx.uow() as uow:
        case = uow.session.execute(
            select(ServiceCase)
            .where(
                ServiceCase.workstation == actor.workstation_id,
                ServiceCase.office_id == actor.office_id,
                ServiceCase.closed_at.is_(None),
            )
            .order_by(ServiceCase.opened_at)
            .limit(1)
        ).scalar_one_or_none()
        return _info(uow.session, case) if case is not None else None


def close_recovered_case(ctx: ServiceContext, actor: Actor, case_no: str) -> CaseInfo:
    """Close a case left open at this workstation, and its holder session if that is still
    open (both audited). :class:`CaseAlreadyClosed` when another window closed it first."""
    now = ctx.now()
    with ctx.uow() as uow:
        db = uow.session
        case = _case_at(db, actor, case_no)
        if case.workstation != actor.workstation_id:
            raise CaseNotFound()
        closed = db.execute(
            update(HolderSessionRow)
            .where(HolderSessionRow.id == case.session_id, HolderSessionRow.closed_at.is_(None))
            .values(closed_at=now, end_reason="recovered")
        )
        if getattr(closed, "rowcount", 0):
            audit.record(
                uow,
                actor,
                AuditAction.SESSION_END,
                holder_id=case.holder_id,
                at=now,
                reason="recovered",
                details={"session_id": case.session_id},
            )
        locked = db.execute(
            select(ServiceCase)
            .where(ServiceCase.id == case.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).scalar_one()
        if locked.closed_at is not None:
            raise CaseAlreadyClosed()
        _finish(db, actor, locked, "recovered", now)
        if locked.staff_id != actor.staff_id:
            end_left_staff_session(uow, locked.staff_id, locked.workstation, locked.case_no, now)
        info = _info(db, locked)
        uow.commit()
    return info
