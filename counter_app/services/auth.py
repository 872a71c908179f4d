"""Staff accounts: login, lockout, passwords, four-eyes approvals, staff sessions (issue 8).

- Passwords are argon2id hashes (argon2-cffi) with at least the OWASP parameters
  (m ≥ 19 MiB, t ≥ 2, p = 1: :data:`HASH_POLICY`); a hash made with other parameters is
  re-hashed at the next successful login, so raising the policy upgrades every account.
- Failed logins are counted **in the database** (``staff.failed_logins``), so every
  workstation of the city counts together; after ``settings.staff_lockout_failures`` the
  account locks for ``staff_lockout_minutes`` or until a supervisor unlocks it.
- No user enumeration: an unknown staff number, a wrong password, a locked or a disabled
  account all give the same :class:`LoginFailed` message, and each costs one argon2
  verification (a dummy hash for an unknown user), so the time is similar too.
- argon2 runs outside any database transaction; the result is applied with an atomic
  ``UPDATE … SET failed_logins = failed_logins + 1`` so two workstations never lose a count.
- Four-eyes (issue 8 item 2): :func:`verify_supervisor_approval` checks a supervisor of the
  initiator's own office (never the initiator) and records an approval bound to one request
  digest; :func:`consume_approval` spends it once, inside the business transaction.
- Staff sessions: login starts one per workstation, :func:`heartbeat` keeps it alive and
  says when it was ended elsewhere (disabled account, logout): the UI then locks within
  its heartbeat period (≤ 1 minute).

No password is ever logged, audited, stored in clear or put into an exception text.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from argon2 import PasswordHasher, Type, extract_parameters
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from counter_app.models.audit_actions import AuditAction
from counter_app.models.office import Office, Staff
from counter_app.models.security import Approval, StaffLoginEvent, StaffSession
from counter_app.services import audit
from counter_app.services.context import Actor, ServiceContext
from counter_app.services.errors import (
    ApprovalInvalid,
    LoginFailed,
    NotPermitted,
    StaffNotFound,
    StaffSessionEnded,
    WeakStaffPassword,
)
from counter_app.services.permissions import Action, OfficeKind, Role
from counter_app.services.refusals import record_refusal
from counter_app.services.sessions import end_sessions_of_staff


@dataclass(frozen=True)
class HashPolicy:
    """argon2id parameters for staff passwords (OWASP: m ≥ 19 MiB, t ≥ 2, p = 1)."""

    time_cost: int = 2
    memory_cost_kib: int = 19 * 1024
    parallelism: int = 1

    def hasher(self) -> PasswordHasher:
        return _hasher(self)


#: The policy in force. Raise it here; existing hashes are upgraded at each next login.
HASH_POLICY = HashPolicy()

MIN_PASSWORD_LENGTH = 10
#: How long a four-eyes approval may wait before it is spent ("on the spot").
APPROVAL_MAX_AGE = dt.timedelta(minutes=10)


@lru_cache(maxsize=8)
def _hasher(policy: HashPolicy) -> PasswordHasher:
    return PasswordHasher(
        time_cost=policy.time_cost,
        memory_cost=policy.memory_cost_kib,
        parallelism=policy.parallelism,
        type=Type.ID,
    )


@lru_cache(maxsize=8)
def _dummy_hash(policy: HashPolicy) -> str:
    """A hash of a random secret: verified for unknown users so they cost the same time."""
    return policy.hasher().hash(secrets.token_urlsafe(16))


def hash_password(password: str, policy: HashPolicy | None = None) -> str:
    """An argon2id hash of ``password`` under ``policy`` (default: :data:`HASH_POLICY`)."""
    return (policy or HASH_POLICY).hasher().hash(password)


def needs_rehash(password_hash: str, policy: HashPolicy | None = None) -> bool:
    """True when ``password_hash`` was not made with exactly the policy's parameters."""
    policy = policy or HASH_POLICY
    try:
        params = extract_parameters(password_hash)
    except InvalidHashError:
        return True
    return (
        params.type is not Type.ID
        or params.time_cost != policy.time_cost
        or params.memory_cost != policy.memory_cost_kib
        or params.parallelism != policy.parallelism
    )


def _verify(password_hash: str | None, password: str) -> bool:
    """One argon2 verification; a missing hash still costs one (the dummy)."""
    target = password_hash or _dummy_hash(HASH_POLICY)
    try:
        ok = HASH_POLICY.hasher().verify(target, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return bool(ok) and password_hash is not None


# --------------------------------------------------------------------------- login


@dataclass(frozen=True)
class LoginResult:
    actor: Actor
    #: An initial or reset password: the UI must have it changed before any work.
    must_change_password: bool
    staff_session_id: int = 0


@dataclass(frozen=True)
class _Account:
    id: int
    staff_no: str
    name: str
    role: str
    active: bool
    password_hash: str
    must_change: bool
    failed_logins: int
    locked_until: dt.datetime | None
    office_id: int
    office_code: str
    office_name: str
    office_kind: str
    district_code: str | None


def _load_account(db: Session, staff_no: str) -> _Account | None:
    row = db.execute(
        select(Staff.id, Staff.staff_no, Staff.name, Staff.role, Staff.active,
               Staff.password_hash, Staff.must_change_password, Staff.failed_logins,
               Staff.locked_until, Office.id, Office.code, Office.name, Office.kind,
               Office.district_code)
        .join(Office, Office.id == Staff.office_id)
        .where(Staff.staff_no == staff_no)
    ).first()  # fmt: skip
    if row is None:
        return None
    values: tuple[Any, ...] = tuple(row)
    return _Account(*values)


def _actor(account: _Account, workstation_id: str) -> Actor:
    return Actor(
        staff_id=account.id, staff_no=account.staff_no, name=account.name,
        role=Role(account.role), office_id=account.office_id, office_code=account.office_code,
        office_name=account.office_name, office_kind=OfficeKind(account.office_kind),
        district_code=account.district_code, workstation_id=workstation_id,
    )  # fmt: skip


def _is_locked(account: _Account, now: dt.datetime) -> bool:
    return account.locked_until is not None and account.locked_until > now


def login(
    ctx: ServiceContext, staff_no: str, password: str, workstation_id: str | None = None
) -> LoginResult:
    """Log a staff member in at ``workstation_id`` (default: the settings' one).

    Raises :class:`LoginFailed` — one message for unknown user, wrong password, locked or
    disabled account. Every attempt is recorded (``staff_login_events``) and audited.
    """
    workstation = workstation_id or ctx.settings.workstation_id
    typed = (staff_no or "").strip()
    with ctx.uow() as uow:
        account = _load_account(uow.session, typed)
    password_ok = _verify(account.password_hash if account else None, password)
    now = ctx.now()
    with ctx.uow() as uow:
        db = uow.session
        if account is None:
            _login_event(db, None, typed, workstation, "unknown_user", now)
            audit.record(uow, None, AuditAction.STAFF_LOGIN, outcome="failed", at=now,
                         workstation=workstation, details={"refusal": "unknown_user"})  # fmt: skip
            uow.commit()
            raise LoginFailed()
        # Re-read inside the writing transaction: another workstation may have moved it.
        current = _load_account(db, typed)
        assert current is not None
        refusal = None
        if not current.active:
            refusal = "disabled"
        elif _is_locked(current, now):
            refusal = "locked"
        elif not password_ok or current.password_hash != account.password_hash:
            refusal = "wrong_password"
        if refusal is not None:
            locked_now = False
            if refusal == "wrong_password":
                locked_now = _count_failure(ctx, db, current.id, now)
            _login_event(db, current.id, typed, workstation, refusal, now)
            audit.record(uow, None, AuditAction.STAFF_LOGIN, outcome="failed", at=now,
                         workstation=workstation,
                         details={"staff_no": current.staff_no, "refusal": refusal,
                                  "locked": locked_now})  # fmt: skip
            uow.commit()
            raise LoginFailed()
        values: dict[str, Any] = {"failed_logins": 0, "locked_until": None, "last_login_at": now}
        if needs_rehash(current.password_hash):
            values["password_hash"] = hash_password(password)
        db.execute(update(Staff).where(Staff.id == current.id).values(**values))
        _login_event(db, current.id, typed, workstation, "success", now)
        # One live session per staff member and workstation: an older one is superseded.
        db.execute(
            update(StaffSession)
            .where(StaffSession.staff_id == current.id, StaffSession.workstation == workstation,
                   StaffSession.ended_at.is_(None))
            .values(ended_at=now, end_reason="superseded")
        )  # fmt: skip
        staff_session = StaffSession(staff_id=current.id, workstation=workstation,
                                     started_at=now, last_seen_at=now)  # fmt: skip
        db.add(staff_session)
        db.flush()
        actor = _actor(current, workstation)
        audit.record(uow, actor, AuditAction.STAFF_LOGIN, at=now,
                     details={"staff_session_id": staff_session.id,
                              "rehashed": "password_hash" in values})  # fmt: skip
        uow.commit()
        return LoginResult(actor, current.must_change, staff_session.id)


def _count_failure(ctx: ServiceContext, db: Session, staff_id: int, now: dt.datetime) -> bool:
    """Add one failure atomically; lock the account at the threshold. True if it locked."""
    db.execute(
        update(Staff).where(Staff.id == staff_id)
        .values(failed_logins=Staff.failed_logins + 1)
    )  # fmt: skip
    failures = db.scalar(select(Staff.failed_logins).where(Staff.id == staff_id)) or 0
    if failures >= ctx.settings.staff_lockout_failures:
        until = now + dt.timedelta(minutes=ctx.settings.staff_lockout_minutes)
        db.execute(
            update(Staff).where(Staff.id == staff_id)
            .values(locked_until=until, failed_logins=0)
        )  # fmt: skip
        return True
    return False


def _login_event(
    db: Session, staff_id: int | None, typed: str, workstation: str, outcome: str,
    now: dt.datetime,
) -> None:
    db.add(StaffLoginEvent(at=now, staff_id=staff_id, staff_no_tried=typed[:40],
                           workstation=workstation[:32], outcome=outcome))  # fmt: skip


def logout(ctx: ServiceContext, actor: Actor) -> None:
    """End the actor's staff session at this workstation and its open holder sessions."""
    now = ctx.now()
    with ctx.uow() as uow:
        _end_staff_sessions(uow.session, actor.staff_id, "logout", now, actor.workstation_id)
        end_sessions_of_staff(uow.session, actor.staff_id, "staff_logout", now)
        audit.record(uow, actor, AuditAction.STAFF_LOGOUT, at=now)
        uow.commit()


def _end_staff_sessions(
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
    ended elsewhere (account disabled, logout) — the UI then locks and asks to log in."""
    now = ctx.now()
    with ctx.uow() as uow:
        db = uow.session
        active = db.scalar(select(Staff.active).where(Staff.id == actor.staff_id))
        result = db.execute(
            update(StaffSession)
            .where(StaffSession.staff_id == actor.staff_id,
                   StaffSession.workstation == actor.workstation_id,
                   StaffSession.ended_at.is_(None))
            .values(last_seen_at=now)
        )  # fmt: skip
        if not active or not getattr(result, "rowcount", 0):
            uow.rollback()
            raise StaffSessionEnded()
        uow.commit()


# --------------------------------------------------------------------------- own password


def _check_new_password(staff_no: str, old: str, new: str) -> None:
    if len(new) < MIN_PASSWORD_LENGTH or new == old or new.strip().upper() == staff_no.upper():
        raise WeakStaffPassword()
    if len(set(new)) < 4:
        raise WeakStaffPassword()


def change_own_password(ctx: ServiceContext, actor: Actor, old: str, new: str) -> None:
    """The actor changes their own password (required after an initial or reset one).

    A wrong ``old`` counts as a failed login (lockout applies) and raises ``LoginFailed``.
    """
    with ctx.uow() as uow:
        account = _load_account(uow.session, actor.staff_no)
    if account is None or not account.active:
        raise LoginFailed()
    ok = _verify(account.password_hash, old)
    now = ctx.now()
    if not ok:
        with ctx.uow() as uow:
            locked = _count_failure(ctx, uow.session, account.id, now)
            audit.record(uow, actor, AuditAction.STAFF_PASSWORD_CHANGE, outcome="failed", at=now,
                         details={"refusal": "wrong_password", "locked": locked})  # fmt: skip
            uow.commit()
        raise LoginFailed()
    try:
        _check_new_password(actor.staff_no, old, new)
    except WeakStaffPassword as error:
        record_refusal(ctx, actor, AuditAction.STAFF_PASSWORD_CHANGE.refused, error)
        raise
    new_hash = hash_password(new)
    with ctx.uow() as uow:
        changed = uow.session.execute(
            update(Staff)
            .where(Staff.id == account.id, Staff.password_hash == account.password_hash)
            .values(password_hash=new_hash, must_change_password=False,
                    password_changed_at=now, failed_logins=0)
        )  # fmt: skip
        if not getattr(changed, "rowcount", 0):
            raise LoginFailed()  # changed meanwhile (reset by a supervisor): log in again
        audit.record(uow, actor, AuditAction.STAFF_PASSWORD_CHANGE, at=now)
        uow.commit()


# --------------------------------------------------------------------------- four-eyes


def request_digest(action: str, fields: Mapping[str, Any]) -> str:
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
    """Four-eyes (issue 8 item 2): a supervisor of ``actor``'s office approves one request.

    The approver types their own staff number and password at the initiator's workstation.
    Refused with :class:`ApprovalInvalid` (audited as ``approval.rejected``) when the
    approver is unknown, not a supervisor, of another office, the initiator themself,
    locked or disabled, the password is wrong (counted toward the approver's lockout), or
    the digest was already approved. Returns the stored approval, to be spent once with
    :func:`consume_approval` in the business transaction.
    """
    typed = (staff_no or "").strip()
    with ctx.uow() as uow:
        approver = _load_account(uow.session, typed)
    password_ok = _verify(approver.password_hash if approver else None, password)
    now = ctx.now()
    refusal: str | None = None
    if len(request_digest) != 64 or any(c not in "0123456789abcdef" for c in request_digest):
        refusal = "bad_digest"
    elif approver is None:
        refusal = "unknown_approver"
    elif approver.id == actor.staff_id:
        refusal = "self_approval"
    elif not approver.active or _is_locked(approver, now):
        refusal = "approver_unavailable"
    elif not password_ok:
        refusal = "wrong_password"
    elif approver.role != Role.SUPERVISOR.value:
        refusal = "not_supervisor"
    elif approver.office_id != actor.office_id:
        refusal = "other_office"
    with ctx.uow() as uow:
        db = uow.session
        if refusal is None:
            taken = db.scalar(select(Approval.id).where(Approval.request_digest == request_digest))
            refusal = "already_approved" if taken is not None else None
        if refusal is not None:
            locked = False
            if refusal == "wrong_password" and approver is not None:
                locked = _count_failure(ctx, db, approver.id, now)
            audit.record(uow, actor, AuditAction.APPROVAL_REJECTED, outcome="refused", at=now,
                         reason=ApprovalInvalid.message,
                         details={"action": action, "approver_staff_no": typed[:40],
                                  "refusal": refusal, "request_digest": request_digest[:64],
                                  "locked": locked})  # fmt: skip
            uow.commit()
            raise ApprovalInvalid()
        assert approver is not None
        approval = Approval(
            action=action[:40], request_digest=request_digest, initiator_staff_id=actor.staff_id,
            approver_staff_id=approver.id, office_id=actor.office_id, outcome="approved", at=now,
        )  # fmt: skip
        db.add(approval)
        db.flush()
        audit.record(uow, actor, AuditAction.APPROVAL_GRANTED, at=now,
                     details={"approval_id": approval.id, "action": action,
                              "approver_staff_no": approver.staff_no,
                              "request_digest": request_digest})  # fmt: skip
        uow.commit()
        return approval


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
        .where(Approval.id == approval_id, Approval.request_digest == request_digest,
               Approval.initiator_staff_id == actor.staff_id, Approval.outcome == "approved",
               Approval.used_at.is_(None), Approval.at >= now - max_age)
        .values(used_at=now)
    )  # fmt: skip
    if getattr(result, "rowcount", 0) != 1:
        raise ApprovalInvalid()


# --------------------------------------------------------------------------- staff admin


@dataclass(frozen=True)
class StaffInfo:
    staff_id: int
    staff_no: str
    name: str
    role: str
    office_code: str
    office_name: str
    active: bool
    locked_until: dt.datetime | None
    must_change_password: bool
    last_login_at: dt.datetime | None


def _may_manage(actor: Actor | None, office_id: int) -> bool:
    """``None`` is the technician's command line on the server (trusted). A supervisor
    manages staff of their own office; an admin manages everyone (RULES S3)."""
    if actor is None:
        return True
    if not actor.may(Action.MANAGE_STAFF):
        return False
    return actor.role is Role.ADMIN or actor.office_id == office_id


def _target(db: Session, staff_no: str) -> Staff:
    staff = db.scalars(select(Staff).where(Staff.staff_no == staff_no.strip())).first()
    if staff is None:
        raise StaffNotFound()
    return staff


def _refuse_manage(ctx: ServiceContext, actor: Actor | None, what: str) -> NotPermitted:
    error = NotPermitted(
        actor.why_not(Action.MANAGE_STAFF) if actor and not actor.may(Action.MANAGE_STAFF)
        else "只能管理本机构的工作人员账户。"
    )  # fmt: skip
    record_refusal(ctx, actor, f"{what}.refused", error)
    return error


def one_time_password() -> str:
    """A random initial password (must be changed at first login)."""
    return secrets.token_urlsafe(9)


def add_staff(
    ctx: ServiceContext,
    actor: Actor | None,
    staff_no: str,
    name: str,
    office_code: str,
    role: Role | str,
    initial_password: str | None = None,
) -> tuple[StaffInfo, str]:
    """Create an account; returns it and its initial password (shown once, must change)."""
    password = initial_password or one_time_password()
    role = Role(role)
    password_hash = hash_password(password)
    now = ctx.now()
    with ctx.uow() as uow:
        db = uow.session
        office = db.scalars(select(Office).where(Office.code == office_code.strip())).first()
        if office is None:
            raise StaffNotFound("没有该机构代码。请核对机构代码。")
        if not _may_manage(actor, office.id):
            raise _refuse_manage(ctx, actor, AuditAction.STAFF_ADD)
        staff = Staff(staff_no=staff_no.strip(), name=name.strip(), office_id=office.id,
                      role=role.value, password_hash=password_hash, must_change_password=True,
                      active=True, failed_logins=0, created_at=now)  # fmt: skip
        db.add(staff)
        db.flush()
        audit.record(uow, actor, AuditAction.STAFF_ADD, at=now,
                     workstation=None if actor else "cli",
                     details={"staff_no": staff.staff_no, "role": role.value,
                              "office_code": office.code})  # fmt: skip
        info = _info(staff, office)
        uow.commit()
    return info, password


def disable_staff(ctx: ServiceContext, actor: Actor | None, staff_no: str) -> None:
    """Disable an account; its staff and holder sessions end on every workstation (their
    next heartbeat, within a minute, locks the screen)."""
    now = ctx.now()
    with ctx.uow() as uow:
        db = uow.session
        staff = _target(db, staff_no)
        if not _may_manage(actor, staff.office_id) or (actor and actor.staff_id == staff.id):
            raise _refuse_manage(ctx, actor, AuditAction.STAFF_DISABLE)
        staff.active = False
        staff.disabled_at = now
        ended = _end_staff_sessions(db, staff.id, "disabled", now)
        end_sessions_of_staff(db, staff.id, "staff_disabled", now)
        audit.record(uow, actor, AuditAction.STAFF_DISABLE, at=now,
                     workstation=None if actor else "cli",
                     details={"staff_no": staff.staff_no, "sessions_ended": ended})  # fmt: skip
        uow.commit()


def unlock_staff(ctx: ServiceContext, actor: Actor | None, staff_no: str) -> None:
    """Lift a lockout before its time (a supervisor of the office, or the command line)."""
    now = ctx.now()
    with ctx.uow() as uow:
        db = uow.session
        staff = _target(db, staff_no)
        if not _may_manage(actor, staff.office_id):
            raise _refuse_manage(ctx, actor, AuditAction.STAFF_UNLOCK)
        staff.locked_until = None
        staff.failed_logins = 0
        audit.record(uow, actor, AuditAction.STAFF_UNLOCK, at=now,
                     workstation=None if actor else "cli",
                     details={"staff_no": staff.staff_no})  # fmt: skip
        uow.commit()


def reset_staff_password(
    ctx: ServiceContext, actor: Actor | None, staff_no: str, new_password: str | None = None
) -> str:
    """Give an account a one-time password (returned; must be changed at next login)."""
    password = new_password or one_time_password()
    password_hash = hash_password(password)
    now = ctx.now()
    with ctx.uow() as uow:
        db = uow.session
        staff = _target(db, staff_no)
        if not _may_manage(actor, staff.office_id):
            raise _refuse_manage(ctx, actor, AuditAction.STAFF_RESET_PASSWORD)
        staff.password_hash = password_hash
        staff.must_change_password = True
        staff.failed_logins = 0
        staff.locked_until = None
        staff.password_changed_at = now
        _end_staff_sessions(db, staff.id, "password_reset", now)
        audit.record(uow, actor, AuditAction.STAFF_RESET_PASSWORD, at=now,
                     workstation=None if actor else "cli",
                     details={"staff_no": staff.staff_no})  # fmt: skip
        uow.commit()
    return password


def list_staff(
    ctx: ServiceContext, actor: Actor | None, office_code: str | None = None
) -> list[StaffInfo]:
    """Accounts (of one office, or all); a supervisor sees only their own office."""
    with ctx.uow() as uow:
        query = select(Staff, Office).join(Office, Office.id == Staff.office_id)
        if actor is not None and actor.role is not Role.ADMIN:
            if not actor.may(Action.MANAGE_STAFF):
                raise _refuse_manage(ctx, actor, AuditAction.STAFF_LIST)
            query = query.where(Office.id == actor.office_id)
        if office_code:
            query = query.where(Office.code == office_code)
        rows = uow.session.execute(query.order_by(Office.code, Staff.staff_no)).all()
        return [_info(staff, office) for staff, office in rows]


def _info(staff: Staff, office: Office) -> StaffInfo:
    return StaffInfo(staff.id, staff.staff_no, staff.name, staff.role, office.code, office.name,
                     staff.active, staff.locked_until, staff.must_change_password,
                     staff.last_login_at)  # fmt: skip
