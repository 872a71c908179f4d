"""Staff accounts (RULES S1–S3): argon2id, shared lockout, no user
enumeration, initial passwords, four-eyes approvals, sessions ended on disable."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from argon2 import PasswordHasher, extract_parameters
from sqlalchemy import func, select

from counter_app.demo.accounts import ROLE_PASSWORDS
from counter_app.models import AuditEvent, HolderSessionRow, Staff, StaffLoginEvent
from counter_app.services import (
    approvals,
    card_sessions,
    password_hashing,
    sessions,
    staff_accounts,
    staff_login,
)
from counter_app.services.context import ServiceContext
from counter_app.services.errors import (
    ApprovalInvalid,
    LoginFailed,
    NotPermitted,
    StaffSessionEnded,
    WeakStaffPassword,
)
from tests.id_documents import manual_doc
from tests.services.conftest import Clock, actor_for, card_for, make_ctx

CLERK = "YB500103-01"
CLERK_PW = ROLE_PASSWORDS["subcenter_staff"]
SUPERVISOR = "YB500103-03"
SUPERVISOR_PW = ROLE_PASSWORDS["supervisor"]


@pytest.fixture
def two_workstations(demo_url: str) -> Iterator[tuple[ServiceContext, ServiceContext, Clock]]:
    """Two workstations (own engines, own workstation ids) sharing one database and clock."""
    clock = Clock()
    a = make_ctx(demo_url, clock, workstation_id="WS-A")
    b = make_ctx(demo_url, clock, workstation_id="WS-B")
    yield a, b, clock
    for c in (a, b):
        c.session_factory().get_bind().dispose()  # type: ignore[union-attr]


def _staff(ctx: ServiceContext, staff_no: str) -> Staff:
    with ctx.uow() as uow:
        staff = uow.session.scalars(select(Staff).where(Staff.staff_no == staff_no)).one()
        uow.session.expunge(staff)
        return staff


def test_S1_login_returns_actor_of_office(ctx: ServiceContext) -> None:
    result = staff_login.login(ctx, CLERK, CLERK_PW, "WS-07")
    assert result.actor.staff_no == CLERK
    assert result.actor.office_code == "500103-YB"
    assert result.actor.workstation_id == "WS-07"
    assert result.must_change_password is False
    assert result.staff_session_id > 0


def test_argon2id_parameters_at_least_owasp() -> None:
    policy = password_hashing.HASH_POLICY
    assert policy.memory_cost_kib >= 19 * 1024 and policy.time_cost >= 2
    assert policy.parallelism == 1
    params = extract_parameters(password_hashing.hash_password("Correct#Horse1"))
    assert params.type.name == "ID"
    assert (params.memory_cost, params.time_cost, params.parallelism) == (
        policy.memory_cost_kib,
        policy.time_cost,
        policy.parallelism,
    )


def test_login_rehashes_when_policy_raised(
    ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    staff_login.login(ctx, CLERK, CLERK_PW)  # the demo's hash is re-hashed to the policy
    assert not password_hashing.needs_rehash(_staff(ctx, CLERK).password_hash)
    raised = password_hashing.HashPolicy(time_cost=password_hashing.HASH_POLICY.time_cost + 1)
    monkeypatch.setattr(password_hashing, "HASH_POLICY", raised)
    assert password_hashing.needs_rehash(_staff(ctx, CLERK).password_hash)
    staff_login.login(ctx, CLERK, CLERK_PW)
    stored = _staff(ctx, CLERK).password_hash
    assert extract_parameters(stored).time_cost == raised.time_cost
    staff_login.login(ctx, CLERK, CLERK_PW)  # and the new hash still verifies


def test_lockout_counted_across_two_workstations(
    two_workstations: tuple[ServiceContext, ServiceContext, Clock],
) -> None:
    a, b, clock = two_workstations
    failures = a.settings.staff_lockout_failures
    for n in range(failures):
        with pytest.raises(LoginFailed):
            staff_login.login(a if n % 2 else b, CLERK, "wrong-password")
    with pytest.raises(LoginFailed):  # locked now, even with the right password, anywhere
        staff_login.login(a, CLERK, CLERK_PW)
    with pytest.raises(LoginFailed):
        staff_login.login(b, CLERK, CLERK_PW)
    staff = _staff(a, CLERK)
    assert staff.locked_until is not None
    clock.advance(minutes=a.settings.staff_lockout_minutes + 1)
    assert staff_login.login(b, CLERK, CLERK_PW).actor.staff_no == CLERK
    with a.uow() as uow:
        outcomes = list(
            uow.session.scalars(
                select(StaffLoginEvent.outcome)
                .where(StaffLoginEvent.staff_no_tried == CLERK)
                .order_by(StaffLoginEvent.id)
            )
        )
    assert outcomes == ["wrong_password"] * failures + ["locked", "locked", "success"]


def test_S3_supervisor_unlocks_before_time(
    two_workstations: tuple[ServiceContext, ServiceContext, Clock],
) -> None:
    a, b, _ = two_workstations
    for _ in range(a.settings.staff_lockout_failures):
        with pytest.raises(LoginFailed):
            staff_login.login(a, CLERK, "nope-nope-nope")
    with pytest.raises(LoginFailed):
        staff_login.login(a, CLERK, CLERK_PW)
    other_supervisor = actor_for(b, "YB500105-03")
    with pytest.raises(NotPermitted):  # another office's supervisor may not
        staff_accounts.unlock_staff(b, other_supervisor, CLERK)
    clerk_peer = actor_for(b, "YB500103-02")
    with pytest.raises(NotPermitted):  # a clerk may not
        staff_accounts.unlock_staff(b, clerk_peer, CLERK)
    staff_accounts.unlock_staff(b, actor_for(b, SUPERVISOR), CLERK)
    assert staff_login.login(a, CLERK, CLERK_PW).actor.staff_no == CLERK


def test_no_user_enumeration_same_message_and_work(
    ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    original = PasswordHasher.verify

    def counting(self: PasswordHasher, hash: str, password: str | bytes) -> Any:
        calls.append("verify")
        return original(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    messages = {}
    for label, staff_no, password in [
        ("unknown", "YB999999-01", CLERK_PW),
        ("wrong", CLERK, "not-the-password"),
    ]:
        calls.clear()
        with pytest.raises(LoginFailed) as info:
            staff_login.login(ctx, staff_no, password)
        messages[label] = str(info.value)
        assert calls == ["verify"], label  # one argon2 verification either way
    staff_accounts.disable_staff(ctx, None, "YB500103-02")
    with pytest.raises(LoginFailed) as disabled:
        staff_login.login(ctx, "YB500103-02", CLERK_PW)
    messages["disabled"] = str(disabled.value)
    assert len(set(messages.values())) == 1, messages
    assert "YB999999" not in messages["unknown"]


def test_initial_password_must_be_changed(ctx: ServiceContext) -> None:
    info, initial = staff_accounts.add_staff(
        ctx, None, "YB500103-09", "新员工", "500103-YB", "subcenter_staff"
    )
    assert info.must_change_password
    assert initial.value not in repr(initial) + str(initial)  # never shown by a log line
    initial = initial.value
    result = staff_login.login(ctx, "YB500103-09", initial)
    assert result.must_change_password
    with pytest.raises(WeakStaffPassword):
        staff_login.change_own_password(ctx, result.actor, initial, "short")
    with pytest.raises(LoginFailed):
        staff_login.change_own_password(ctx, result.actor, "wrong-old-password", "Good#Password42")
    staff_login.change_own_password(ctx, result.actor, initial, "Good#Password42")
    again = staff_login.login(ctx, "YB500103-09", "Good#Password42")
    assert not again.must_change_password
    with pytest.raises(LoginFailed):
        staff_login.login(ctx, "YB500103-09", initial)


def test_reset_password_is_one_time(ctx: ServiceContext) -> None:
    temp = staff_accounts.reset_staff_password(ctx, actor_for(ctx, SUPERVISOR), CLERK)
    with pytest.raises(LoginFailed):
        staff_login.login(ctx, CLERK, CLERK_PW)
    assert temp.value not in repr(temp) + str(temp)
    assert staff_login.login(ctx, CLERK, temp.value).must_change_password


def test_disable_ends_sessions_on_every_workstation(
    two_workstations: tuple[ServiceContext, ServiceContext, Clock],
) -> None:
    a, b, _ = two_workstations
    on_a = staff_login.login(a, CLERK, CLERK_PW, "WS-A").actor
    on_b = staff_login.login(b, CLERK, CLERK_PW, "WS-B").actor
    staff_login.heartbeat(a, on_a)
    client, _t, _c = card_for(a, "active_changed_pin")
    from reader.pinbuffer import PinBuffer

    holder_session = card_sessions.open_card_session(
        a, on_a, client, PinBuffer.from_keys(b"135790")
    )
    staff_accounts.disable_staff(b, actor_for(b, SUPERVISOR), CLERK)
    for ctx, actor in ((a, on_a), (b, on_b)):
        with pytest.raises(StaffSessionEnded):
            staff_login.heartbeat(ctx, actor)
    with pytest.raises(sessions.SessionEnded):
        sessions.require_open(a, holder_session, on_a)
    with pytest.raises(LoginFailed):
        staff_login.login(a, CLERK, CLERK_PW)
    with a.uow() as uow:
        row = uow.session.get(HolderSessionRow, holder_session.session_id)
        assert row is not None and row.end_reason == "staff_disabled"


def test_logout_ends_holder_sessions(ctx: ServiceContext) -> None:
    actor = staff_login.login(ctx, CLERK, CLERK_PW).actor
    session = sessions.open_id_session(
        ctx, actor, 1, manual_doc("500103196803150310"), "持卡人忘带卡"
    )
    staff_login.logout(ctx, actor)
    with pytest.raises(sessions.SessionEnded):
        sessions.require_open(ctx, session, actor)
    with pytest.raises(StaffSessionEnded):
        staff_login.heartbeat(ctx, actor)


# --------------------------------------------------------------------------- four-eyes


def _digest(n: int = 1) -> str:
    return approvals.fields_digest("reset_pin", {"holder_id": 1, "card_id": 1, "key": f"k{n}"})


def _rejections(ctx: ServiceContext) -> int:
    with ctx.uow() as uow:
        return int(
            uow.session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "approval.rejected")
            )
            or 0
        )


def test_four_eyes_supervisor_of_same_office_approves_once(ctx: ServiceContext) -> None:
    clerk = actor_for(ctx, CLERK)
    approval = approvals.verify_supervisor_approval(
        ctx, clerk, SUPERVISOR, SUPERVISOR_PW, _digest(), "reset_pin"
    )
    assert approval.approver_staff_id != clerk.staff_id
    with ctx.uow() as uow:
        with pytest.raises(ApprovalInvalid):  # bound to that exact request
            approvals.consume_approval(uow.session, clerk, approval.id, _digest(2), ctx.now())
        approvals.consume_approval(uow.session, clerk, approval.id, _digest(), ctx.now())
        uow.commit()
    with ctx.uow() as uow, pytest.raises(ApprovalInvalid):  # single use
        approvals.consume_approval(uow.session, clerk, approval.id, _digest(), ctx.now())
    with pytest.raises(ApprovalInvalid):  # and the same request cannot be approved again
        approvals.verify_supervisor_approval(ctx, clerk, SUPERVISOR, SUPERVISOR_PW, _digest())


def test_four_eyes_initiator_cannot_approve_own(ctx: ServiceContext) -> None:
    supervisor = actor_for(ctx, SUPERVISOR)
    before = _rejections(ctx)
    with pytest.raises(ApprovalInvalid):
        approvals.verify_supervisor_approval(ctx, supervisor, SUPERVISOR, SUPERVISOR_PW, _digest())
    assert _rejections(ctx) == before + 1


@pytest.mark.parametrize(
    "approver,password",
    [
        ("YB500105-03", SUPERVISOR_PW),  # supervisor of another office
        ("YB500103-02", CLERK_PW),  # not a supervisor
        (SUPERVISOR, "wrong-password"),  # wrong password
        ("YB599999-03", SUPERVISOR_PW),  # unknown
    ],
)
def test_four_eyes_rejections_are_audited(
    ctx: ServiceContext, approver: str, password: str
) -> None:
    clerk = actor_for(ctx, CLERK)
    before = _rejections(ctx)
    with pytest.raises(ApprovalInvalid):
        approvals.verify_supervisor_approval(ctx, clerk, approver, password, _digest())
    assert _rejections(ctx) == before + 1


def test_four_eyes_approval_expires(ctx: ServiceContext, clock: Clock) -> None:
    clerk = actor_for(ctx, CLERK)
    approval = approvals.verify_supervisor_approval(
        ctx, clerk, SUPERVISOR, SUPERVISOR_PW, _digest()
    )
    clock.advance(minutes=11)
    with ctx.uow() as uow, pytest.raises(ApprovalInvalid):
        approvals.consume_approval(uow.session, clerk, approval.id, _digest(), ctx.now())


def test_no_password_in_audit_or_login_events(ctx: ServiceContext) -> None:
    canary = "Canary#Staff#4242"
    with pytest.raises(LoginFailed):
        staff_login.login(ctx, CLERK, canary)
    with pytest.raises(ApprovalInvalid):
        approvals.verify_supervisor_approval(
            ctx, actor_for(ctx, CLERK), SUPERVISOR, canary, _digest()
        )
    with ctx.uow() as uow:
        texts = [str(e.details) + str(e.reason) for e in uow.session.scalars(select(AuditEvent))]
        texts += [e.staff_no_tried for e in uow.session.scalars(select(StaffLoginEvent))]
    assert not any(canary in t for t in texts)


def test_staff_list_scoped_to_office(ctx: ServiceContext) -> None:
    mine = staff_accounts.list_staff(ctx, actor_for(ctx, SUPERVISOR))
    assert {s.office_code for s in mine} == {"500103-YB"}
    everyone = staff_accounts.list_staff(ctx, None)
    assert len(everyone) > len(mine)
    with pytest.raises(NotPermitted):
        staff_accounts.list_staff(ctx, actor_for(ctx, CLERK))
