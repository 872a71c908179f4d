"""Staff login, logout, the staff session's heartbeat, and the own-password change (RULES S1–S3).

- :func:`login` checks the password (``staff_credentials``; argon2 runs outside any
  database transaction) and starts one staff session per workstation; a wrong password
  counts toward the lockout, in the database, for every workstation of the city.
- No user enumeration: an unknown staff number, a wrong password, a locked or a disabled
  account all give the same :class:`LoginFailed` message, and each costs one argon2
  verification, so the time is similar too.
- :func:`heartbeat` keeps the staff session alive and says when it was ended elsewhere
  (disabled account, logout): the UI then locks within its heartbeat period (≤ 1 minute).
- :func:`change_own_password`: required after an initial or reset password.

No password is ever logged, audited, stored in clear or put into an exception text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from counter_app.models.audit_actions import AuditAction
from counter_app.models.office import Office, Staff
from counter_app.models.security import StaffLoginEvent, StaffSession
from counter_app.services import audit
from counter_app.services.concurrency import begin_writer
from counter_app.services.context import Actor, ServiceContext
from counter_app.services.errors import (
    LoginFailed,
    OtherOfficeWorkstation,
    StaffAccountDisabled,
    StaffSessionEnded,
    WeakStaffPassword,
)
from counter_app.services.password_hashing import hash_password, needs_rehash, verify_password
from counter_app.services.permissions import OfficeKind, Role
from counter_app.services.refusals import record_refusal
from counter_app.services.sessions import end_sessions_of_staff
from counter_app.services.staff_credentials import (
    Account,
    check_new_password,
    is_locked,
    load_account,
    recorded_staff_no,
    reserve_attempt,
)
from counter_app.services.uow import UnitOfWork

# --------------------------------------------------------------------------- login


@dataclass(frozen=True)
class LoginResult:
    actor: Actor
    #: An initial or reset password: the UI must have it changed before any work.
    must_change_password: bool
    staff_session_id: int = 0


def _actor(account: Account, workstation_id: str) -> Actor:
    return Actor(
        staff_id=account.id,
        staff_no=account.staff_no,
        name=account.name,
        role=Role(account.role),
        office_id=account.office_id,
        office_code=account.office_code,
        office_name=account.office_name,
        office_kind=OfficeKind(account.office_kind),
        district_code=account.district_code,
        workstation_id=workstation_id,
    )


def login(
    ctx: ServiceContext,
    staff_no: str,
    password: str,
    workstation_id: str | None = None,
    *,
    workstation_office: str | None = None,
) -> LoginResult:
    """Log a staff member in at ``workstation_id`` (default: the settings' one).

    Raises :class:`LoginFailed` — one message for unknown user, wrong password, locked or
    disabled account. Every attempt is recorded (``staff_login_events``) and audited.
    ``workstation_office`` (counter-server: the office its certificate names) refuses, with
    :class:`OtherOfficeWorkstation` and audited, an account of another office — only once
    the password was found right, so the refusal tells a guesser nothing.
    """
    workstation = workstation_id or ctx.settings.workstation_id
    typed = (staff_no or "").strip()
    now = ctx.now()
    # 1. Under the account's row lock, in one transaction: check it may try, and count this
    #    attempt before its hash is verified — concurrent guesses cannot outrun the lockout.
    with ctx.uow() as uow:
        db = uow.session
        begin_writer(db, ctx.settings.lock_timeout_ms)
        account = load_account(db, typed, for_update=True)
        refusal = None
        locked_now = False
        if account is None:
            refusal = "unknown_user"
        elif not account.active:
            refusal = "disabled"
        elif is_locked(account, now):
            refusal = "locked"
        else:
            locked_now = reserve_attempt(ctx, db, account.id, now)
        if refusal is not None:
            _login_failed(uow, account, typed, workstation, refusal, now, locked=False)
            uow.commit()
        else:
            uow.commit()
    if refusal is not None or account is None:
        verify_password(None, password)  # the same time as a real check (no enumeration)
        raise LoginFailed()
    # 2. The hash, outside any transaction (argon2 takes a while).
    password_ok = verify_password(account.password_hash, password)
    now = ctx.now()
    with ctx.uow() as uow:
        db = uow.session
        begin_writer(db, ctx.settings.lock_timeout_ms)
        # Re-read under the lock: another workstation may have disabled or reset it.
        current = load_account(db, typed, for_update=True)
        assert current is not None
        refusal = None
        if not password_ok or current.password_hash != account.password_hash:
            refusal = "wrong_password"
        elif not current.active:
            refusal = "disabled"
        if refusal is not None:
            _login_failed(uow, current, typed, workstation, refusal, now, locked=locked_now)
            uow.commit()
            raise LoginFailed()
        if workstation_office is not None and current.office_code != workstation_office:
            # The right password: the attempt does not count toward the lockout.
            db.execute(
                update(Staff)
                .where(Staff.id == current.id)
                .values(failed_logins=0, locked_until=None)
            )
            here = db.scalar(select(Office.name).where(Office.code == workstation_office))
            _login_refused(uow, current, workstation, workstation_office, now)
            uow.commit()
            raise OtherOfficeWorkstation(here or workstation_office, current.office_name)
        values: dict[str, Any] = {"failed_logins": 0, "locked_until": None, "last_login_at": now}
        if needs_rehash(current.password_hash):
            values["password_hash"] = hash_password(password)
        db.execute(update(Staff).where(Staff.id == current.id).values(**values))
        _login_event(db, current.id, typed, workstation, "success", now)
        # One live session per staff member and workstation: an older one is superseded.
        db.execute(
            update(StaffSession)
            .where(
                StaffSession.staff_id == current.id,
                StaffSession.workstation == workstation,
                StaffSession.ended_at.is_(None),
            )
            .values(ended_at=now, end_reason="superseded")
        )
        staff_session = StaffSession(
            staff_id=current.id, workstation=workstation, started_at=now, last_seen_at=now
        )
        db.add(staff_session)
        db.flush()
        actor = _actor(current, workstation)
        audit.record(
            uow,
            actor,
            AuditAction.STAFF_LOGIN,
            at=now,
            details={"staff_session_id": staff_session.id, "rehashed": "password_hash" in values},
        )
        uow.commit()
        return LoginResult(actor, current.must_change, staff_session.id)


def _login_failed(
    uow: UnitOfWork,
    account: Account | None,
    typed: str,
    workstation: str,
    refusal: str,
    now: dt.datetime,
    *,
    locked: bool,
) -> None:
    """Record and audit one failed login (never what was typed unless it is an existing
    account's staff number: :func:`recorded_staff_no`)."""
    _login_event(uow.session, account.id if account else None, typed, workstation, refusal, now)
    details: dict[str, Any] = {"refusal": refusal}
    if account is not None:
        details.update(staff_no=account.staff_no, locked=locked)
    audit.record(
        uow,
        None,
        AuditAction.STAFF_LOGIN,
        outcome="failed",
        at=now,
        workstation=workstation,
        details=details,
    )


def _login_refused(
    uow: UnitOfWork, account: Account, workstation: str, office: str, now: dt.datetime
) -> None:
    """Audit a login refused at another office's workstation (the password was right)."""
    audit.record(
        uow,
        None,
        AuditAction.STAFF_LOGIN,
        outcome="refused",
        at=now,
        workstation=workstation,
        details={
            "refusal": OtherOfficeWorkstation.reason,
            "staff_no": account.staff_no,
            "staff_office": account.office_code,
            "workstation_office": office,
        },
    )


def _login_event(
    db: Session,
    staff_id: int | None,
    typed: str,
    workstation: str,
    outcome: str,
    now: dt.datetime,
) -> None:
    db.add(
        StaffLoginEvent(
            at=now,
            staff_id=staff_id,
            staff_no_tried=recorded_staff_no(typed, staff_id is not None),
            workstation=workstation[:32],
            outcome=outcome,
        )
    )


def logout(ctx: ServiceContext, actor: Actor) -> None:
    """End the actor's staff session at this workstation and its open holder sessions."""
    now = ctx.now()
    with ctx.uow() as uow:
        end_staff_sessions(uow.session, actor.staff_id, "logout", now, actor.workstation_id)
        end_sessions_of_staff(uow.session, actor.staff_id, "staff_logout", now)
        audit.record(uow, actor, AuditAction.STAFF_LOGOUT, at=now)
        uow.commit()


def end_staff_sessions(
    db: Session, staff_id: int, why: str, now: dt.datetime, workstation: str | None = None
) -> int:
    query = update(StaffSession).where(
        StaffSession.staff_id == staff_id, StaffSession.ended_at.is_(None)
    )
    if workstation is not None:
        query = query.where(StaffSession.workstation == workstation)
    result = db.execute(query.values(ended_at=now, end_reason=why[:20]))
    return int(getattr(result, "rowcount", 0) or 0)


def heartbeat(ctx: ServiceContext, actor: Actor) -> None:
    """Keep the actor's staff session alive. Raises :class:`StaffSessionEnded` when it was
    ended elsewhere (logout, a new login, a password reset) — ``StaffAccountDisabled``
    when the account was disabled — the UI then locks and asks to log in."""
    now = ctx.now()
    with ctx.uow() as uow:
        db = uow.session
        active = db.scalar(select(Staff.active).where(Staff.id == actor.staff_id))
        result = db.execute(
            update(StaffSession)
            .where(
                StaffSession.staff_id == actor.staff_id,
                StaffSession.workstation == actor.workstation_id,
                StaffSession.ended_at.is_(None),
            )
            .values(last_seen_at=now)
        )
        if not active or not getattr(result, "rowcount", 0):
            uow.rollback()
            raise StaffAccountDisabled() if not active else StaffSessionEnded()
        uow.commit()


def change_own_password(ctx: ServiceContext, actor: Actor, old: str, new: str) -> None:
    """The actor changes their own password (required after an initial or reset one).

    A new password the policy refuses raises ``WeakStaffPassword`` (which rule, in its
    message) before ``old`` is even checked: it costs no attempt toward the lockout — a
    clerk trying passwords against the policy is not locked out — and tells a guesser
    nothing. A wrong ``old`` counts as a failed login (lockout applies) and raises
    ``LoginFailed``.
    """
    try:
        check_new_password(actor.staff_no, old, new)
    except WeakStaffPassword as error:
        record_refusal(ctx, actor, AuditAction.STAFF_PASSWORD_CHANGE.refused, error)
        raise
    now = ctx.now()
    with ctx.uow() as uow:  # checked and counted under the row lock, as at login
        db = uow.session
        begin_writer(db, ctx.settings.lock_timeout_ms)
        account = load_account(db, actor.staff_no, for_update=True)
        if account is None or not account.active:
            raise LoginFailed()
        if is_locked(account, now):
            audit.record(
                uow,
                actor,
                AuditAction.STAFF_PASSWORD_CHANGE,
                outcome="failed",
                at=now,
                details={"refusal": "locked"},
            )
            uow.commit()
            raise LoginFailed()
        locked = reserve_attempt(ctx, db, account.id, now)
        uow.commit()
    ok = verify_password(account.password_hash, old)
    now = ctx.now()
    if not ok:
        with ctx.uow() as uow:
            audit.record(
                uow,
                actor,
                AuditAction.STAFF_PASSWORD_CHANGE,
                outcome="failed",
                at=now,
                details={"refusal": "wrong_password", "locked": locked},
            )
            uow.commit()
        raise LoginFailed()
    new_hash = hash_password(new)
    with ctx.uow() as uow:
        changed = uow.session.execute(
            update(Staff)
            .where(Staff.id == account.id, Staff.password_hash == account.password_hash)
            .values(
                password_hash=new_hash,
                must_change_password=False,
                password_changed_at=now,
                failed_logins=0,
                locked_until=None,
            )
        )
        if not getattr(changed, "rowcount", 0):
            raise LoginFailed()  # changed meanwhile (reset by a supervisor): log in again
        audit.record(uow, actor, AuditAction.STAFF_PASSWORD_CHANGE, at=now)
        uow.commit()
