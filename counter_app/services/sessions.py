"""Holder sessions (RULES Q1, Q7): records are shown only while the holder is identified.

A session opens in one of two ways:

- **card + PIN** (Q1): ``card_sessions``.
- **ID document** (Q7): staff check a resident ID card, temporary ID card or
  household-register certificate whose number must match the holder's; the reason for the
  look-up is recorded.

Every opening, failed attempt and end is audited. A card session ends when that card
leaves the reader (:func:`card_removed`). :func:`end_session` returns the data of the
access slip (查阅告知单): what was viewed and done, by whom, where and when — read by
``session_summary``. How a holder was identified and the ID-document types
(``SessionVia``, ``IdDocument``, ``IdDocumentKind``) are ``idcheck``'s.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from counter_app.models.audit_actions import AuditAction
from counter_app.models.card import IN_USE_STATES, Card
from counter_app.models.holder import Holder
from counter_app.models.holder_session import HolderSessionRow
from counter_app.services import audit, cases
from counter_app.services.context import Actor, ServiceContext
from counter_app.services.errors import (
    HolderNotFound,
    IdDocumentNotAccepted,
    ReasonRequired,
    ServiceError,
    SessionEnded,
    SessionRequired,
)
from counter_app.services.holder_presence import deceased
from counter_app.services.idcheck import (
    IdDocument,
    IdDocumentKind,
    SessionVia,
    check_id,
    id_check_details,
)
from counter_app.services.permissions import Action
from counter_app.services.refusals import record_refusal, require
from counter_app.services.session_summary import AccessSummary, access_summary
from counter_app.services.uow import UnitOfWork
from counter_app.validation.text_policy import SESSION_REASON, clean_text


@dataclass(frozen=True)
class HolderSession:
    """An open holder session at this workstation (plain data; the row is the truth)."""

    session_id: int
    holder_id: int
    card_id: int | None
    via: SessionVia
    #: 卡识别码 of the card read (card sessions only).
    card_id_code: str | None
    opened_at: dt.datetime
    staff_id: int
    office_id: int
    #: The card the session is about: the card read, or the holder's card in use.
    card_number: str | None = None


@dataclass(frozen=True)
class CardRef:
    """The database's card a session is opened with (``card_sessions``)."""

    id: int
    holder_id: int
    card_number: str


_END_REASONS = {"done", "card_removed", "staff_logout", "staff_disabled", "timeout", "superseded"}


# --------------------------------------------------------------------------- ID document


def open_id_session(
    ctx: ServiceContext,
    actor: Actor,
    holder_id: int,
    document: IdDocument,
    reason: str,
) -> HolderSession:
    """RULES Q7: open a session after staff checked an ID document of the holder.

    The document's number must be the holder's citizen ID number (:class:`IdDocumentMismatch`
    otherwise, audited); ``reason`` must say why (:class:`ReasonRequired`). A holder
    recorded as deceased cannot be present: :class:`HolderDeceased`, audited
    (``holder_presence``).
    """
    require(ctx, actor, Action.VIEW_RECORDS, holder_id=holder_id)
    why = (reason or "").strip()
    if why:  # the input policy: no control/bidi/zero-width characters, at most 100
        why = clean_text(why, SESSION_REASON)
    try:
        kind = IdDocumentKind(document.kind)
    except ValueError:
        kind = None
    with ctx.uow() as uow:
        holder = uow.session.execute(
            select(Holder.id, Holder.ssn, Holder.name, Holder.status).where(Holder.id == holder_id)
        ).first()
        dead = deceased(uow.session, holder_id, holder.status) if holder is not None else None
    error: ServiceError | None = None
    if holder is None:
        error = HolderNotFound()
    elif dead is not None:  # Q7: the holder cannot be the one at the window
        error = dead
    elif kind is None:
        error = IdDocumentNotAccepted()
    elif not why:
        error = ReasonRequired()
    else:  # IDCARD.md: number, chip name and validity, the manual-forbidden setting
        try:
            check_id(ctx, Action.VIEW_RECORDS, holder, document, name=holder.name)
        except ServiceError as refused:
            error = refused
    if error is not None or kind is None:
        error = error or IdDocumentNotAccepted()
        record_refusal(
            ctx,
            actor,
            AuditAction.SESSION_OPEN.refused,
            error,
            holder_id=holder_id if holder is not None else None,
            details={"via": SessionVia.ID_DOCUMENT.value, **id_check_details(document)},
        )
        raise error
    return open_session(
        ctx,
        actor,
        holder_id,
        None,
        SessionVia.ID_DOCUMENT,
        document_kind=kind,
        reason=why,
        document=document,
    )


# --------------------------------------------------------------------------- open / check / end


def open_session(
    ctx: ServiceContext,
    actor: Actor,
    holder_id: int,
    card: CardRef | None,
    via: SessionVia,
    *,
    card_id_code: str | None = None,
    document_kind: IdDocumentKind | None = None,
    reason: str | None = None,
    document: IdDocument | None = None,
    extra: dict[str, Any] | None = None,
) -> HolderSession:
    """Open the session row, its case (RULES E1) and audit it — one transaction."""
    now = ctx.now()
    with ctx.uow() as uow:
        card_id, card_number = (card.id, card.card_number) if card else (None, None)
        if card is None:
            in_use = uow.session.execute(
                select(Card.id, Card.card_number)
                .where(Card.holder_id == holder_id, Card.state.in_(IN_USE_STATES))
                .limit(1)
            ).first()
            card_number = in_use.card_number if in_use else None
        row = HolderSessionRow(
            holder_id=holder_id,
            card_id=card_id,
            via=via.value,
            card_id_code=card_id_code.upper() if card_id_code else None,
            document_kind=document_kind.value if document_kind else None,
            reason=reason[:200] if reason else None,
            staff_id=actor.staff_id,
            office_id=actor.office_id,
            workstation=actor.workstation_id,
            opened_at=now,
        )
        uow.session.add(row)
        uow.session.flush()
        cases.open_case(uow.session, actor, session_id=row.id, holder_id=holder_id, at=now)
        details: dict[str, Any] = {"session_id": row.id, "via": via.value}
        if document_kind is not None:
            details["document_kind"] = document_kind.value
        if document is not None:  # how the ID check was made (chip + SAM ID, or manual)
            details.update(id_check_details(document))
        details.update(extra or {})
        audit.record(
            uow,
            actor,
            AuditAction.SESSION_OPEN,
            holder_id=holder_id,
            card_id=card_id,
            reason=reason,
            details=details,
            at=now,
        )
        uow.commit()
        return HolderSession(
            session_id=row.id,
            holder_id=holder_id,
            card_id=card_id,
            via=via,
            card_id_code=row.card_id_code,
            opened_at=now,
            staff_id=actor.staff_id,
            office_id=actor.office_id,
            card_number=card_number,
        )


def check_open(db: Session, session: HolderSession, actor: Actor | None = None) -> None:
    """Inside a caller's transaction: the session exists, is open, and (given ``actor``)
    belongs to that staff member at that workstation (RULES Q7: staff see a holder's
    records only in their own session with the holder). Raises ``SessionRequired`` /
    ``SessionEnded``."""
    row = db.execute(
        select(
            HolderSessionRow.holder_id,
            HolderSessionRow.staff_id,
            HolderSessionRow.workstation,
            HolderSessionRow.closed_at,
        ).where(HolderSessionRow.id == session.session_id)
    ).first()
    if row is None or row.holder_id != session.holder_id:
        raise SessionRequired()
    if actor is not None and (
        row.staff_id != actor.staff_id
        or (row.workstation is not None and row.workstation != actor.workstation_id)
    ):
        raise SessionRequired()
    if row.closed_at is not None:
        raise SessionEnded()


def require_open(ctx: ServiceContext, session: HolderSession | None, actor: Actor) -> None:
    """RULES Q7: the session is open and is ``actor``'s own, at the actor's workstation.

    Raises ``SessionRequired`` (no session, or another clerk's / another workstation's) or
    ``SessionEnded`` (closed)."""
    if session is None:
        raise SessionRequired()
    with ctx.uow() as uow:
        check_open(uow.session, session, actor)


def _close(db: Session, session_id: int, why: str, at: dt.datetime) -> bool:
    result = db.execute(
        update(HolderSessionRow)
        .where(HolderSessionRow.id == session_id, HolderSessionRow.closed_at.is_(None))
        .values(closed_at=at, end_reason=why[:24])
    )
    return bool(getattr(result, "rowcount", 0))


def card_removed(ctx: ServiceContext, session: HolderSession) -> None:
    """A card session ends when its card leaves the reader (RULES Q1/Q7). ID sessions are
    not affected. Audited when it closed something."""
    if session.via is not SessionVia.CARD_PIN:
        return
    now = ctx.now()
    with ctx.uow() as uow:
        if _close(uow.session, session.session_id, "card_removed", now):
            where = _workstation_of(uow.session, session)
            _audit_end(uow, None, session, "card_removed", now, workstation=where)
            uow.commit()


def _workstation_of(db: Session, session: HolderSession) -> str | None:
    return db.scalar(
        select(HolderSessionRow.workstation).where(HolderSessionRow.id == session.session_id)
    )


def _audit_end(
    uow: UnitOfWork,
    actor: Actor | None,
    session: HolderSession,
    reason: str,
    now: dt.datetime,
    workstation: str | None = None,
) -> None:
    """The session's end, audited in the transaction that closed it."""
    audit.record(
        uow,
        actor,
        AuditAction.SESSION_END,
        holder_id=session.holder_id,
        card_id=session.card_id,
        reason=reason,
        at=now,
        details={"session_id": session.session_id},
        workstation=workstation,
    )


def end_sessions_of_staff(db: Session, staff_id: int, why: str, at: dt.datetime) -> int:
    """Close every open holder session of ``staff_id`` (logout, disable); in the caller's
    transaction. Returns how many were closed."""
    result = db.execute(
        update(HolderSessionRow)
        .where(HolderSessionRow.staff_id == staff_id, HolderSessionRow.closed_at.is_(None))
        .values(closed_at=at, end_reason=why[:24])
    )
    return int(getattr(result, "rowcount", 0) or 0)


def end_session(
    ctx: ServiceContext, actor: Actor, session: HolderSession, why: str = "done"
) -> AccessSummary:
    """End the session (if still open; audited) and return the access slip's data.

    Safe to call after :func:`card_removed` closed it: the summary is still returned.
    """
    now = ctx.now()
    with ctx.uow() as uow:
        db = uow.session
        if _close(db, session.session_id, why if why in _END_REASONS else "done", now):
            _audit_end(uow, actor, session, why[:200], now)
        summary = access_summary(db, session)
        cases.close_case_of_session(db, actor, session.session_id, why, now, summary)
        uow.commit()
    return summary


def audit_now(ctx: ServiceContext, actor: Actor | None, action: str, **kwargs: Any) -> None:
    """One audit event in its own transaction (a failed attempt whose use case ends)."""
    with ctx.uow() as uow:
        audit.record(uow, actor, action, at=ctx.now(), **kwargs)
        uow.commit()
