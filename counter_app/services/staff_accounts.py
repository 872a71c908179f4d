"""Staff account administration: add, disable, unlock, reset the password, list (RULES S3).

A supervisor manages the accounts of their own office, an admin everyone's; ``actor=None``
is the technician's command line on the server (trusted, audited as workstation ``cli``).
Initial and reset passwords are random (:func:`staff_credentials.one_time_password`),
returned once and must be changed at the next login. Disabling an account ends its staff
and holder sessions on every workstation; a reset ends its staff sessions.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from counter_app.models.audit_actions import AuditAction
from counter_app.models.office import Office, Staff
from counter_app.services import audit
from counter_app.services.context import Actor, ServiceContext
from counter_app.services.errors import NotPermitted, StaffNotFound
from counter_app.services.permissions import Action, Role
from counter_app.services.refusals import record_refusal
from counter_app.services.sessions import end_sessions_of_staff
from counter_app.services.staff_credentials import (
    InitialPassword,
    hash_password,
    one_time_password,
)
from counter_app.services.staff_login import end_staff_sessions


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


def add_staff(
    ctx: ServiceContext,
    actor: Actor | None,
    staff_no: str,
    name: str,
    office_code: str,
    role: Role | str,
    initial_password: str | None = None,
) -> tuple[StaffInfo, InitialPassword]:
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
    return info, InitialPassword(password)


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
        ended = end_staff_sessions(db, staff.id, "disabled", now)
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
) -> InitialPassword:
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
        end_staff_sessions(db, staff.id, "password_reset", now)
        audit.record(uow, actor, AuditAction.STAFF_RESET_PASSWORD, at=now,
                     workstation=None if actor else "cli",
                     details={"staff_no": staff.staff_no})  # fmt: skip
        uow.commit()
    return InitialPassword(password)


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
