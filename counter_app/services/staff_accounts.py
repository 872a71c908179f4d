"""Staff account administration: add, disable, unlock, reset the password, list (RULES S3).

A supervisor manages the accounts of their own office, an admin those of their office's
district (a city-level admin: everyone's); nobody grants or manages a role above their own
(RULES S3, :data:`ROLE_RANK`); ``actor=None``
is the technician's command line on the server (trusted, audited as workstation ``cli``).
Initial and reset passwords are random (:func:`staff_credentials.one_time_password`),
returned once and must be changed at the next login. Disabling an account ends its staff
and holder sessions on every workstation; a reset ends its staff sessions.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from counter_app.models.audit_actions import AuditAction
from counter_app.models.office import Office, Staff
from counter_app.services import audit
from counter_app.services.context import Actor, ServiceContext
from counter_app.services.errors import NotPermitted, StaffNotFound
from counter_app.services.password_hashing import hash_password
from counter_app.services.permissions import ROLE_OFFICE, Action, Role
from counter_app.services.refusals import record_refusal
from counter_app.services.sessions import end_sessions_of_staff
from counter_app.services.staff_active import ensure_active
from counter_app.services.staff_credentials import InitialPassword, one_time_password
from counter_app.services.staff_login import end_staff_sessions
from counter_app.services.uow import UnitOfWork
from counter_app.validation import ValidationError
from counter_app.validation.text_policy import clean_staff_name, clean_staff_no

#: What :func:`unlock_staff` did.
Unlocked = Literal["unlocked", "cleared", "unchanged"]


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


#: RULES S3: how far a role reaches. Nobody grants, nor manages an account of, a role above
#: their own (a supervisor can neither create an admin nor reset an admin's password).
ROLE_RANK: dict[Role, int] = {
    Role.CLERK: 1,
    Role.SUBCENTER_STAFF: 1,
    Role.CARD_CENTER_STAFF: 1,
    Role.SUPERVISOR: 2,
    Role.ADMIN: 3,
}


def _in_scope(actor: Actor, office: Office) -> bool:
    """RULES S2/S3: a supervisor's scope is their own office; an admin's is their office's
    district (every office of it), or the whole city for an admin of a city-level office
    (no district code)."""
    if actor.role is Role.ADMIN:
        return actor.district_code is None or office.district_code == actor.district_code
    return actor.office_id == office.id


def _may_manage(
    ctx: ServiceContext, actor: Actor | None, office: Office, role: Role | str | None
) -> str | None:
    """``None`` when ``actor`` may manage (or create) an account of ``role`` at ``office``;
    otherwise the Chinese reason. ``actor=None`` is the technician's command line on the
    server (trusted). A disabled actor is refused outright (``StaffSessionEnded``)."""
    if actor is None:
        return None
    ensure_active(ctx, actor)
    if not actor.may(Action.MANAGE_STAFF):
        return actor.why_not(Action.MANAGE_STAFF)
    if not _in_scope(actor, office):
        return "只能管理本机构（系统管理员：本区县）范围内的工作人员账户。"
    if role is not None and ROLE_RANK[Role(role)] > ROLE_RANK[actor.role]:
        return "不能授予或管理高于本人岗位的账户（如主管不能设立或管理系统管理员）。"
    return None


#: A staff number that names its district: letters, the 6-digit district code, a hyphen and
#: a number (YB500103-04 at 500103-YB, CK500103-01 at 500103-CK01, KZX500000-05 at the
#: card center 500000-KZX; counter_app/demo/accounts.py).
_DISTRICT_STAFF_NO = re.compile(r"[A-Za-z]+(\d{6})-\d+")


def district_of_staff_no(staff_no: str) -> str | None:
    """The district code a staff number names (YB500103-04: 500103), or None."""
    named = _DISTRICT_STAFF_NO.fullmatch(staff_no.strip())
    return named.group(1) if named is not None else None


def check_staff_no_district(staff_no: str, office_code: str) -> None:
    """Refuse a staff number whose district code is not the office's (the office code
    starts with it): YB500105-07 at 500103-YB is a typo in one or the other. A staff
    number of another shape is not checked."""
    named = district_of_staff_no(staff_no)
    district = office_code.strip()[:6]
    if named is not None and district.isdigit() and named != district:
        raise ValidationError(
            f"工号 {staff_no.strip()} 中的区县代码 {named} 与机构 {office_code.strip()} "
            f"的区县代码 {district} 不符（工号为 字母＋区县代码-序号，如 YB{district}-01）。"
            "请核对工号或机构代码。",
            field="staff_no",
            code="district",
        )


def _office_of(db: Session, staff: Staff) -> Office:
    office = db.get(Office, staff.office_id)
    assert office is not None  # foreign key
    return office


def _target(db: Session, staff_no: str) -> Staff:
    staff = db.scalars(select(Staff).where(Staff.staff_no == staff_no.strip())).first()
    if staff is None:
        raise StaffNotFound()
    return staff


def _managed(
    ctx: ServiceContext,
    actor: Actor | None,
    db: Session,
    staff_no: str,
    what: str,
    *,
    not_self: str | None = None,
) -> Staff:
    """The account ``staff_no`` once ``actor`` may manage it (refused and audited as
    ``<what>.refused`` otherwise); ``not_self``: the reason an actor may not do it to their
    own account."""
    staff = _target(db, staff_no)
    why = _may_manage(ctx, actor, _office_of(db, staff), staff.role)
    if why is None and not_self and actor is not None and actor.staff_id == staff.id:
        why = not_self
    if why is not None:
        raise _refuse_manage(ctx, actor, what, why)
    return staff


def _refuse_manage(
    ctx: ServiceContext, actor: Actor | None, what: str, reason: str
) -> NotPermitted:
    error = NotPermitted(reason)
    # The command line (actor None) is workstation ``cli``, as its changes are.
    record_refusal(ctx, actor, f"{what}.refused", error, workstation=None if actor else "cli")
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
    staff_no = clean_staff_no(staff_no)  # the input policy: letters, digits, hyphens
    name = clean_staff_name(name)
    password = initial_password or one_time_password()
    role = Role(role)
    password_hash = hash_password(password)
    now = ctx.now()
    with ctx.uow() as uow:
        db = uow.session
        office = db.scalars(select(Office).where(Office.code == office_code.strip())).first()
        if office is None and db.scalars(select(Office.id).limit(1)).first() is None:
            # A new city database: the code may be right, the offices are not registered.
            raise StaffNotFound(
                "没有该机构代码：数据库中尚未登记任何机构。请先用 counter-admin office add"
                "（或 office import）登记机构，再新增账户。"
            )
        if office is None:
            raise StaffNotFound("没有该机构代码。请核对机构代码。")
        home = ROLE_OFFICE[role]
        if home is not None and home.value != office.kind:
            raise _refuse_manage(
                ctx,
                actor,
                AuditAction.STAFF_ADD,
                "该岗位不属于此类机构，账户未建立。请核对岗位与机构代码。",
            )
        why = _may_manage(ctx, actor, office, role)
        if why is not None:
            raise _refuse_manage(ctx, actor, AuditAction.STAFF_ADD, why)
        check_staff_no_district(staff_no, office.code)
        staff = Staff(
            staff_no=staff_no.strip(),
            name=name.strip(),
            office_id=office.id,
            role=role.value,
            password_hash=password_hash,
            must_change_password=True,
            active=True,
            failed_logins=0,
            created_at=now,
        )
        db.add(staff)
        db.flush()
        details = {"staff_no": staff.staff_no, "role": role.value, "office_code": office.code}
        _audit(uow, actor, AuditAction.STAFF_ADD, now, details)
        info = _info(staff, office)
        uow.commit()
    return info, InitialPassword(password)


def disable_staff(ctx: ServiceContext, actor: Actor | None, staff_no: str) -> bool:
    """Disable an account; its staff and holder sessions end on every workstation (their
    next heartbeat, within a minute, locks the screen). False (nothing done, nothing
    audited) when it was disabled already."""

    def change(db: Session, staff: Staff, now: dt.datetime) -> dict[str, object] | None:
        if not staff.active:
            return None
        staff.active = False
        staff.disabled_at = now
        ended = end_staff_sessions(db, staff.id, "disabled", now)
        end_sessions_of_staff(db, staff.id, "staff_disabled", now)
        return {"sessions_ended": ended}

    return _change_account(
        ctx, actor, staff_no, AuditAction.STAFF_DISABLE, change, not_self="不能停用本人的账户。"
    )


def unlock_staff(ctx: ServiceContext, actor: Actor | None, staff_no: str) -> Unlocked:
    """Lift a lockout before its time (a supervisor of the office, or the command line).

    ``"unlocked"``: it was locked; ``"cleared"``: not locked, its count of failed logins
    set back to 0; ``"unchanged"``: neither (nothing done, nothing audited)."""
    outcome: list[Unlocked] = ["unchanged"]

    def change(db: Session, staff: Staff, now: dt.datetime) -> dict[str, object] | None:
        locked = staff.locked_until is not None and _aware(staff.locked_until) > now
        if not locked and not staff.failed_logins:
            return None
        outcome[0] = "unlocked" if locked else "cleared"
        staff.locked_until = None
        staff.failed_logins = 0
        return {"was_locked": locked}

    _change_account(ctx, actor, staff_no, AuditAction.STAFF_UNLOCK, change)
    return outcome[0]


def _aware(value: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def reset_staff_password(
    ctx: ServiceContext, actor: Actor | None, staff_no: str, new_password: str | None = None
) -> InitialPassword:
    """Give an account a one-time password (returned; must be changed at next login)."""
    password = new_password or one_time_password()
    password_hash = hash_password(password)

    def change(db: Session, staff: Staff, now: dt.datetime) -> dict[str, object]:
        staff.password_hash = password_hash
        staff.must_change_password = True
        staff.failed_logins = 0
        staff.locked_until = None
        staff.password_changed_at = now
        end_staff_sessions(db, staff.id, "password_reset", now)
        return {}

    _change_account(ctx, actor, staff_no, AuditAction.STAFF_RESET_PASSWORD, change)
    return InitialPassword(password)


def _change_account(
    ctx: ServiceContext,
    actor: Actor | None,
    staff_no: str,
    action: str,
    change: Callable[[Session, Staff, dt.datetime], dict[str, object] | None],
    *,
    not_self: str | None = None,
) -> bool:
    """One change to the account ``staff_no``, in one transaction: refused (audited) unless
    ``actor`` may manage it (:func:`_managed`), then ``change(db, staff, now)`` and its
    audit record (``staff_no`` and the details ``change`` returns). ``change`` returns
    None when there is nothing to change (already so): then nothing is audited and the
    result is False."""
    now = ctx.now()
    with ctx.uow() as uow:
        staff = _managed(ctx, actor, uow.session, staff_no, action, not_self=not_self)
        details = change(uow.session, staff, now)
        if details is None:
            return False
        _audit(uow, actor, action, now, {"staff_no": staff.staff_no, **details})
        uow.commit()
    return True


def _audit(
    uow: UnitOfWork,
    actor: Actor | None,
    action: str,
    now: dt.datetime,
    details: Mapping[str, object],
) -> None:
    """An account change's audit record (the command line is workstation ``cli``)."""
    audit.record(uow, actor, action, at=now, workstation=None if actor else "cli", details=details)


def list_staff(
    ctx: ServiceContext, actor: Actor | None, office_code: str | None = None
) -> list[StaffInfo]:
    """Accounts (of one office, or all); a supervisor sees only their own office."""
    with ctx.uow() as uow:
        query = select(Staff, Office).join(Office, Office.id == Staff.office_id)
        if actor is not None:
            ensure_active(ctx, actor)
            if not actor.may(Action.MANAGE_STAFF):
                raise _refuse_manage(
                    ctx, actor, AuditAction.STAFF_LIST, actor.why_not(Action.MANAGE_STAFF)
                )
            if actor.role is not Role.ADMIN:
                query = query.where(Office.id == actor.office_id)
            elif actor.district_code is not None:
                query = query.where(Office.district_code == actor.district_code)
        if office_code:
            query = query.where(Office.code == office_code)
        rows = uow.session.execute(query.order_by(Office.code, Staff.staff_no)).all()
        return [_info(staff, office) for staff, office in rows]


def _info(staff: Staff, office: Office) -> StaffInfo:
    return StaffInfo(
        staff.id,
        staff.staff_no,
        staff.name,
        staff.role,
        office.code,
        office.name,
        staff.active,
        staff.locked_until,
        staff.must_change_password,
        staff.last_login_at,
    )
