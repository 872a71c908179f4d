"""Staff rules on both back ends (RULES S1–S3): a disabled account stops at its next service
call, role grants are bounded by the granter's role and office, failed logins never keep
what was typed unless it is an existing staff number."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading

import pytest
from sqlalchemy import select

from counter_app.demo.accounts import ROLE_PASSWORDS, fixed_holder
from counter_app.models import AuditEvent, StaffLoginEvent
from counter_app.services import (
    approvals,
    search,
    sessions,
    staff_accounts,
    staff_active,
    staff_login,
)
from counter_app.services import written_reports as wr
from counter_app.services.context import ServiceContext
from counter_app.services.errors import (
    ApprovalInvalid,
    LoginFailed,
    NotPermitted,
    StaffSessionEnded,
)
from counter_app.services.permissions import Role
from tests.id_documents import manual_doc
from tests.services.conftest import actor_for, holder_id_of

CLERK = "YB500103-01"
CLERK_PW = ROLE_PASSWORDS["subcenter_staff"]
SUPERVISOR = "YB500103-03"
SUPERVISOR_PW = ROLE_PASSWORDS["supervisor"]
OTHER_SUPERVISOR = "YB500105-03"
ADMIN = "KZX500000-05"


# --------------------------------------------------------------------------- S1: active


def test_S1_disabled_staff_refused_at_the_next_service_call(ctx: ServiceContext) -> None:
    actor = staff_login.login(ctx, CLERK, CLERK_PW).actor
    holder = fixed_holder("active_default_pin")
    doc = manual_doc(holder.ssn)
    assert search.find_holders(ctx, actor, holder.ssn)  # works while active
    assert staff_active.still_active(ctx, actor)
    staff_accounts.disable_staff(ctx, actor_for(ctx, SUPERVISOR), CLERK)
    assert not staff_active.still_active(ctx, actor)
    holder_id = holder_id_of(ctx, "active_default_pin")
    with pytest.raises(StaffSessionEnded):
        search.find_holders(ctx, actor, holder.ssn)
    with pytest.raises(StaffSessionEnded):
        sessions.open_id_session(ctx, actor, holder_id, doc, "持卡人忘带卡")
    details = wr.WrittenLossInput(
        contact_phone="13883251234",
        loss_date=dt.date(2025, 3, 9),
        loss_place="解放碑",
        circumstances="遗失",
        id_document=doc,
    )
    with pytest.raises(StaffSessionEnded):
        wr.register_written_loss(ctx, actor, holder_id, details, "written-disabled-0001")
    with pytest.raises(StaffSessionEnded):
        staff_accounts.list_staff(ctx, actor)


def test_S1_disabled_supervisor_cannot_manage_staff(ctx: ServiceContext) -> None:
    supervisor = actor_for(ctx, SUPERVISOR)
    staff_accounts.disable_staff(ctx, None, SUPERVISOR)
    with pytest.raises(StaffSessionEnded):
        staff_accounts.unlock_staff(ctx, supervisor, CLERK)


# --------------------------------------------------------------------------- S3: scope


def test_S3_supervisor_cannot_create_an_admin(ctx: ServiceContext) -> None:
    supervisor = actor_for(ctx, SUPERVISOR)
    with pytest.raises(NotPermitted):
        staff_accounts.add_staff(ctx, supervisor, "YB500103-90", "越权", "500103-YB", Role.ADMIN)
    assert all(s.staff_no != "YB500103-90" for s in staff_accounts.list_staff(ctx, None))
    # within their rank and office it works
    info, _ = staff_accounts.add_staff(
        ctx, supervisor, "YB500103-91", "新员工", "500103-YB", Role.SUBCENTER_STAFF
    )
    assert info.role == "subcenter_staff"


def test_S3_supervisor_cannot_manage_another_offices_staff(ctx: ServiceContext) -> None:
    other = actor_for(ctx, OTHER_SUPERVISOR)
    with pytest.raises(NotPermitted):
        staff_accounts.add_staff(
            ctx, other, "YB500103-92", "越权", "500103-YB", Role.SUBCENTER_STAFF
        )
    for manage in (
        staff_accounts.disable_staff,
        staff_accounts.unlock_staff,
        staff_accounts.reset_staff_password,
    ):
        with pytest.raises(NotPermitted):
            manage(ctx, other, CLERK)
    assert staff_login.login(ctx, CLERK, CLERK_PW).actor.staff_no == CLERK  # untouched


def test_S3_supervisor_cannot_reset_an_admin_of_their_own_office(ctx: ServiceContext) -> None:
    staff_accounts.add_staff(ctx, None, "YB500103-93", "分中心管理员", "500103-YB", Role.ADMIN)
    supervisor = actor_for(ctx, SUPERVISOR)
    with pytest.raises(NotPermitted):
        staff_accounts.reset_staff_password(ctx, supervisor, "YB500103-93")
    with pytest.raises(NotPermitted):
        staff_accounts.disable_staff(ctx, supervisor, "YB500103-93")


def test_S3_district_admin_manages_only_their_district(ctx: ServiceContext) -> None:
    staff_accounts.add_staff(ctx, None, "YB500103-94", "区管理员", "500103-YB", Role.ADMIN)
    district_admin = actor_for(ctx, "YB500103-94")
    with pytest.raises(NotPermitted):
        staff_accounts.disable_staff(ctx, district_admin, OTHER_SUPERVISOR)
    offices = {s.office_code for s in staff_accounts.list_staff(ctx, district_admin)}
    assert offices and all(code.startswith("500103") for code in offices)
    city_admin = actor_for(ctx, ADMIN)
    staff_accounts.unlock_staff(ctx, city_admin, OTHER_SUPERVISOR)  # the city's admin may


def test_S3_role_must_fit_the_office_kind(ctx: ServiceContext) -> None:
    with pytest.raises(NotPermitted):  # a window clerk at a sub-center
        staff_accounts.add_staff(
            ctx, actor_for(ctx, SUPERVISOR), "YB500103-95", "错岗", "500103-YB", Role.CLERK
        )


# --------------------------------------------------------------------------- login records


def test_S1_password_typed_as_staff_number_never_stored(ctx: ServiceContext) -> None:
    typed = "Secret#Pass-in-the-wrong-box"
    with pytest.raises(LoginFailed):
        staff_login.login(ctx, typed, "whatever")
    with pytest.raises(LoginFailed):  # well-formed but no such account
        staff_login.login(ctx, "YB500103-77", "whatever")
    with pytest.raises(LoginFailed):  # an existing account: its number is kept
        staff_login.login(ctx, CLERK, "wrong-password")
    with ctx.uow() as uow:
        rows = uow.session.execute(
            select(StaffLoginEvent.staff_no_tried, StaffLoginEvent.outcome).order_by(
                StaffLoginEvent.id
            )
        ).all()
    tried = [r.staff_no_tried for r in rows]
    assert tried == ["unknown:17+", "unknown:9-16", CLERK]
    assert [r.outcome for r in rows] == ["unknown_user", "unknown_user", "wrong_password"]


def test_S1_staff_activity_report_never_prints_a_typed_password(ctx: ServiceContext) -> None:
    from reports.staff_activity import build_staff_activity

    typed = "Canary#Typed#4242"
    with pytest.raises(LoginFailed):
        staff_login.login(ctx, typed, "x")
    day = ctx.now().date()
    with ctx.uow() as uow:
        report = build_staff_activity(
            uow.session.connection(),
            day - dt.timedelta(days=1),
            day + dt.timedelta(days=1),
            now=ctx.now(),
        )
    cells = [str(cell) for table in report.rendered().tables for row in table.rows for cell in row]
    assert report.failed_logins  # the failed login is listed ...
    assert not any(typed in cell for cell in cells)  # ... without what was typed


def test_Q7_session_belongs_to_its_clerk_and_workstation(ctx: ServiceContext) -> None:
    actor = actor_for(ctx, CLERK, "WS-01")
    holder = fixed_holder("active_default_pin")
    session = sessions.open_id_session(
        ctx, actor, holder_id_of(ctx, "active_default_pin"), manual_doc(holder.ssn), "持卡人忘带卡"
    )
    sessions.require_open(ctx, session, actor)
    with pytest.raises(sessions.SessionRequired):
        sessions.require_open(ctx, session, dataclasses.replace(actor, workstation_id="WS-02"))
    with pytest.raises(sessions.SessionRequired):
        sessions.require_open(ctx, session, actor_for(ctx, "YB500103-02"))


# --------------------------------------------------------------------------- lockout


def test_S1_lockout_not_outrun_by_concurrent_guesses(
    ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Twelve workstations guess at once: at most ``staff_lockout_failures`` passwords are
    verified against the account's hash; every other attempt is refused as locked before
    its hash is looked at (checked and counted under the row lock)."""
    limit = ctx.settings.staff_lockout_failures
    verified: list[str] = []
    guard = threading.Lock()
    real_verify = staff_login.verify_password

    def counting_verify(password_hash: str | None, password: str) -> bool:
        if password_hash is not None:
            with guard:
                verified.append(password)
        return real_verify(password_hash, password)

    monkeypatch.setattr(staff_login, "verify_password", counting_verify)
    attempts = 12
    start = threading.Barrier(attempts)
    outcomes: list[str] = []

    def guess(n: int) -> None:
        start.wait()
        try:
            staff_login.login(ctx, CLERK, f"wrong-guess-{n:02d}", f"WS-{n:02d}")
            result = "success"
        except LoginFailed:
            result = "failed"
        except Exception as error:  # a conflict must not pass silently
            result = type(error).__name__
        with guard:
            outcomes.append(result)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(attempts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes == ["failed"] * attempts
    assert len(verified) <= limit
    with ctx.uow() as uow:
        checked = uow.session.scalars(
            select(StaffLoginEvent.outcome).where(StaffLoginEvent.staff_no_tried == CLERK)
        ).all()
    assert checked.count("wrong_password") <= limit
    assert checked.count("wrong_password") + checked.count("locked") == attempts
    with pytest.raises(LoginFailed):  # locked, even with the right password
        staff_login.login(ctx, CLERK, CLERK_PW)


def _digest(n: int) -> str:
    return f"{n:064x}"


def test_S1_approver_lockout_not_outrun_and_right_passwords_do_not_add_up(
    ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Four-eyes: a supervisor's password typed at a colleague's workstation is checked and
    counted under the row lock like a login; successful approvals never add up to a lock."""
    clerk = actor_for(ctx, CLERK)
    limit = ctx.settings.staff_lockout_failures
    for n in range(limit + 2):  # more right approvals than the limit: never locked
        approvals.verify_supervisor_approval(ctx, clerk, SUPERVISOR, SUPERVISOR_PW, _digest(n))
    verified: list[str] = []
    guard = threading.Lock()
    real_verify = approvals.verify_password

    def counting_verify(password_hash: str | None, password: str) -> bool:
        if password_hash is not None:
            with guard:
                verified.append(password)
        return real_verify(password_hash, password)

    monkeypatch.setattr(approvals, "verify_password", counting_verify)
    attempts = 10
    start = threading.Barrier(attempts)
    refused: list[bool] = []

    def guess(n: int) -> None:
        start.wait()
        try:
            approvals.verify_supervisor_approval(
                ctx, clerk, SUPERVISOR, f"guess-{n:02d}", _digest(100 + n)
            )
        except ApprovalInvalid:
            with guard:
                refused.append(True)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(attempts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(refused) == attempts
    assert len(verified) <= limit
    with pytest.raises(ApprovalInvalid):  # locked now, even with the right password
        approvals.verify_supervisor_approval(ctx, clerk, SUPERVISOR, SUPERVISOR_PW, _digest(999))


def test_S1_password_typed_as_approver_number_never_audited(ctx: ServiceContext) -> None:
    typed = "Canary#Approver#77"
    with pytest.raises(ApprovalInvalid):
        approvals.verify_supervisor_approval(ctx, actor_for(ctx, CLERK), typed, "x", _digest(1))
    with ctx.uow() as uow:
        texts = [str(e.details) for e in uow.session.scalars(select(AuditEvent))]
    assert texts and not any(typed in t for t in texts)
