"""A clerk who left a workstation without their logout reaching the services.

退出登录 or 退出程序 while the business server or the database could not be reached leaves
the clerk's staff session open where it is recorded (and, with a holder served, the case and
its holder session: ``cases.close_recovered_case``); in the city, another clerk's login at the
lock screen cannot end the first one's session either — the server acts for the token's
staff member only. When another clerk, logged in at that workstation now, closes the case the
first one left there, that staff session ends too (:func:`end_left_staff_session`): nobody
can be using it, one clerk works at a workstation at a time.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from counter_app.models.audit_actions import AuditAction
from counter_app.models.office import Staff
from counter_app.models.security import StaffSession
from counter_app.services import audit
from counter_app.services.uow import UnitOfWork


def end_left_staff_session(
    uow: UnitOfWork, staff_id: int, workstation: str | None, case_no: str, at: dt.datetime
) -> int:
    """In the caller's transaction: end ``staff_id``'s staff sessions still open at
    ``workstation`` (reason ``recovered``), audited by the system for that workstation with
    the staff number and the case found left there. Returns how many ended."""
    if workstation is None:
        return 0
    ended = uow.session.execute(
        update(StaffSession)
        .where(
            StaffSession.staff_id == staff_id,
            StaffSession.workstation == workstation,
            StaffSession.ended_at.is_(None),
        )
        .values(ended_at=at, end_reason="recovered")
    )
    count = int(getattr(ended, "rowcount", 0) or 0)
    if count:
        staff_no = uow.session.scalar(select(Staff.staff_no).where(Staff.id == staff_id))
        audit.record(
            uow,
            None,
            AuditAction.STAFF_LOGOUT,
            reason="recovered",
            at=at,
            workstation=workstation,
            details={"staff_no": staff_no, "case_no": case_no},
        )
    return count
