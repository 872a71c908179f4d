"""A clerk who left a workstation while the services could not be reached (退出登录 or
退出程序 with the service not ended): the next clerk logged in there ends the case left open
(RULES E1: ``recovered``) — and with it the first clerk's staff session, which their logout
never reached. Both audited; the closing clerk's own staff session stays."""

from __future__ import annotations

from sqlalchemy import select

from counter_app.demo.accounts import DEMO_ACCOUNTS
from counter_app.models import AuditEvent
from counter_app.models.security import StaffSession
from counter_app.services import cases, staff_login
from counter_app.services.context import ServiceContext
from tests.services.test_cases import CLERK, CLERK_2, id_session

WS = "WS-07"


def _password(staff_no: str) -> str:
    return next(a.password for a in DEMO_ACCOUNTS if a.staff_no == staff_no)


def _reasons(ctx: ServiceContext, staff_id: int) -> list[tuple[str, str | None]]:
    """(workstation, end reason) of every staff session of ``staff_id``."""
    with ctx.uow() as uow:
        rows = uow.session.execute(
            select(StaffSession.workstation, StaffSession.end_reason).where(
                StaffSession.staff_id == staff_id
            )
        ).all()
    return [(r.workstation, r.end_reason) for r in rows]


def _still_open(ctx: ServiceContext, staff_id: int) -> int:
    with ctx.uow() as uow:
        return len(
            uow.session.execute(
                select(StaffSession.id).where(
                    StaffSession.staff_id == staff_id,
                    StaffSession.workstation == WS,
                    StaffSession.ended_at.is_(None),
                )
            ).all()
        )


def test_E1_closing_a_case_left_by_another_clerk_ends_their_staff_session_too(
    ctx: ServiceContext,
) -> None:
    first = staff_login.login(ctx, CLERK, _password(CLERK), WS).actor
    session = id_session(ctx, CLERK, WS)
    # 退出登录 with the services unreachable: neither end_session nor logout arrived.
    second = staff_login.login(ctx, CLERK_2, _password(CLERK_2), WS).actor
    found = cases.open_case_at_workstation(ctx, second)
    assert found is not None and found.session_id == session.session_id
    assert _still_open(ctx, first.staff_id) == 1
    closed = cases.close_recovered_case(ctx, second, found.case_no)
    assert closed.close_reason == "recovered"
    assert _still_open(ctx, first.staff_id) == 0
    assert _still_open(ctx, second.staff_id) == 1  # the clerk working here now stays
    assert _reasons(ctx, first.staff_id) == [(WS, "recovered")]
    with ctx.uow() as uow:
        [event] = uow.session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "staff.logout", AuditEvent.reason == "recovered"
            )
        ).all()
        assert event.staff_id is None and event.workstation == WS
        assert event.details == {"staff_no": CLERK, "case_no": found.case_no}


def test_E1_the_same_clerk_closing_their_own_left_case_keeps_their_session(
    ctx: ServiceContext,
) -> None:
    """Back at the same workstation, the clerk's new login superseded the old session; the
    one they work in now is not ended by closing the case."""
    staff_login.login(ctx, CLERK, _password(CLERK), WS)
    id_session(ctx, CLERK, WS)
    again = staff_login.login(ctx, CLERK, _password(CLERK), WS).actor
    found = cases.open_case_at_workstation(ctx, again)
    assert found is not None
    cases.close_recovered_case(ctx, again, found.case_no)
    assert _still_open(ctx, again.staff_id) == 1
    with ctx.uow() as uow:
        assert not uow.session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "staff.logout", AuditEvent.reason == "recovered"
            )
        ).all()
