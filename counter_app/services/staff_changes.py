"""Staff account changes beyond :mod:`staff_accounts`: enable a disabled account, move an
account to another office, correct its name (RULES S3); and whether an office exists.

The same rules as the other account changes (``staff_accounts._change_account``): the
actor must manage the account (``actor=None``: the technician's command line, audited as
workstation ``cli``), one transaction with its audit event, and a change that finds the
account already so does nothing and audits nothing (returns False / None).

A move is checked against the new office as an ``add`` is: the role must belong to that
kind of office (a window clerk cannot move to a sub-center) and the actor must manage the
new office too. The staff number stays (the audit trail and the forms name it), even when
it names the old district: :attr:`Moved.number_district` says so for the operator. It ends
the account's staff and holder sessions: a workstation of the old office must not go on
working as the new one's (the server takes the office from the workstation certificate).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from counter_app.models.audit_actions import AuditAction
from counter_app.models.office import Office, Staff
from counter_app.services.context import Actor, ServiceContext
from counter_app.services.errors import NotPermitted, StaffNotFound
from counter_app.services.permissions import ROLE_OFFICE, Role
from counter_app.services.sessions import end_sessions_of_staff
from counter_app.services.staff_accounts import (
    _change_account,
    _may_manage,
    _refuse_manage,
    _target,
    district_of_staff_no,
)
from counter_app.services.staff_login import end_staff_sessions
from counter_app.validation.text_policy import clean_staff_name


@dataclass(frozen=True)
class Moved:
    """An account moved: from and to which office (codes), and the new office's name."""

    staff_no: str
    old_office: str
    new_office: str
    new_office_name: str
    #: The district the staff number names when it is not the new office's, else None.
    number_district: str | None = None


def office_exists(ctx: ServiceContext, office_code: str) -> bool:
    with ctx.uow() as uow:
        found = uow.session.scalar(select(Office.id).where(Office.code == office_code.strip()))
        return found is not None


def enable_staff(ctx: ServiceContext, actor: Actor | None, staff_no: str) -> bool:
    """Enable a disabled account (its password unchanged; lockout cleared). False when it
    was not disabled."""

    def change(db: Session, staff: Staff, now: dt.datetime) -> dict[str, object] | None:
        if staff.active:
            return None
        staff.active = True
        staff.disabled_at = None
        staff.failed_logins = 0
        staff.locked_until = None
        return {}

    return _change_account(ctx, actor, staff_no, AuditAction.STAFF_ENABLE, change)


def move_staff(
    ctx: ServiceContext, actor: Actor | None, staff_no: str, office_code: str
) -> Moved | None:
    """Move the account ``staff_no`` to the office ``office_code``; None when it is there
    already. Refused (audited, outcome ``refused``) when the actor may not manage the new
    office or the role does not belong to that kind of office."""
    with ctx.uow() as uow:  # the refusal is audited in a transaction of its own
        staff = _target(uow.session, staff_no)
        office = _office(uow.session, office_code)
        why = _why_not_move(ctx, actor, Role(staff.role), office)
    if why is not None:
        raise _refuse_manage(ctx, actor, AuditAction.STAFF_MOVE, why)
    moved: list[Moved] = []

    def change(db: Session, staff: Staff, now: dt.datetime) -> dict[str, object] | None:
        office = _office(db, office_code)
        if office.id == staff.office_id:
            return None
        why = _why_not_move(ctx, actor, Role(staff.role), office)
        if why is not None:  # changed in between: refused all the same
            raise NotPermitted(why)
        old = db.get(Office, staff.office_id)
        assert old is not None  # foreign key
        staff.office_id = office.id
        ended = end_staff_sessions(db, staff.id, "moved", now)
        end_sessions_of_staff(db, staff.id, "staff_logout", now)
        named = district_of_staff_no(staff.staff_no)
        other = named if named is not None and named != office.code[:6] else None
        moved.append(Moved(staff.staff_no, old.code, office.code, office.name, other))
        return {"from_office": old.code, "to_office": office.code, "sessions_ended": ended}

    _change_account(ctx, actor, staff_no, AuditAction.STAFF_MOVE, change)
    return moved[0] if moved else None


def _office(db: Session, office_code: str) -> Office:
    office = db.scalars(select(Office).where(Office.code == office_code.strip())).first()
    if office is None:
        raise StaffNotFound("没有该机构代码。请核对机构代码。")
    return office


def _why_not_move(
    ctx: ServiceContext, actor: Actor | None, role: Role, office: Office
) -> str | None:
    home = ROLE_OFFICE[role]
    if home is not None and home.value != office.kind:
        return "该账户的岗位不属于此类机构，未调动。请先核对岗位与机构代码。"
    return _may_manage(ctx, actor, office, role)


def rename_staff(ctx: ServiceContext, actor: Actor | None, staff_no: str, name: str) -> bool:
    """Correct the name of the account (printed as 经办人 on its forms from now on; forms
    already issued keep the name they were printed with). False when it is that already."""
    clean = clean_staff_name(name)

    def change(db: Session, staff: Staff, now: dt.datetime) -> dict[str, object] | None:
        if staff.name == clean:
            return None
        staff.name = clean
        return {}  # the names are on the account, not in the audit trail

    return _change_account(ctx, actor, staff_no, AuditAction.STAFF_RENAME, change)
