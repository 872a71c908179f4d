"""A staff member's own password after ``staff add`` / ``staff reset-password`` (RULES S1–S3:
a one-time password must be changed before any work), through the typed interface the
workstation uses (``InProcessServices``; SQLite, and PostgreSQL with ``CI=true``).

The policy says which rule a new password breaks — the clerk reads it beside the field —,
a refused new password costs no attempt toward the lockout, and no password reaches the
audit trail or an error's text."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from counter_app.api.inprocess import InProcessServices
from counter_app.models import AuditEvent, Staff
from counter_app.services import staff_accounts
from counter_app.services.context import ServiceContext
from counter_app.services.errors import LoginFailed, WeakStaffPassword
from counter_app.services.staff_credentials import (
    SAME_AS_OLD,
    SAME_AS_STAFF_NO,
    TOO_SHORT,
    TOO_SIMPLE,
)

NEW_STAFF = "YB500103-09"
GOOD = "Xin-Mima#2026"


def _new_account(ctx: ServiceContext) -> str:
    """An account as ``counter-admin staff add`` makes it: its one-time password."""
    _info, initial = staff_accounts.add_staff(
        ctx, None, NEW_STAFF, "新经办", "500103-YB", "subcenter_staff"
    )
    return initial.value


def _failed_logins(ctx: ServiceContext) -> int:
    with ctx.uow() as uow:
        return int(
            uow.session.scalar(select(Staff.failed_logins).where(Staff.staff_no == NEW_STAFF)) or 0
        )


def _audit_text(ctx: ServiceContext) -> str:
    with ctx.uow() as uow:
        rows = uow.session.scalars(select(AuditEvent)).all()
        return " ".join(
            f"{r.action} {r.reason or ''} {json.dumps(r.details, ensure_ascii=False)}" for r in rows
        )


def test_one_time_password_changed_through_the_interface_then_work_goes_on(
    ctx: ServiceContext,
) -> None:
    services = InProcessServices(ctx)
    initial = _new_account(ctx)
    login = services.login(NEW_STAFF, initial)
    assert login.must_change_password
    services.change_own_password(login.actor, initial, GOOD)
    again = services.login(NEW_STAFF, GOOD)
    assert not again.must_change_password
    with pytest.raises(LoginFailed):  # one-time: the initial password is gone
        services.login(NEW_STAFF, initial)
    text = _audit_text(ctx)
    assert "staff.password_change" in text
    assert initial not in text and GOOD not in text


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("Ab#12345", TOO_SHORT),
        (None, SAME_AS_OLD),  # the one-time password itself
        (NEW_STAFF.lower(), SAME_AS_STAFF_NO),
        ("abababababab", TOO_SIMPLE),
    ],
)
def test_weak_new_password_says_which_rule_and_costs_no_attempt(
    ctx: ServiceContext, new: str | None, message: str
) -> None:
    services = InProcessServices(ctx)
    initial = _new_account(ctx)
    login = services.login(NEW_STAFF, initial)
    typed = initial if new is None else new
    before = _failed_logins(ctx)
    with pytest.raises(WeakStaffPassword) as refused:
        services.change_own_password(login.actor, initial, typed)
    assert str(refused.value) == message
    assert typed not in str(refused.value) and initial not in str(refused.value)
    assert _failed_logins(ctx) == before
    text = _audit_text(ctx)
    assert "weak_staff_password" in text  # the refusal is audited …
    assert typed not in text and initial not in text  # … never what was typed
    assert services.login(NEW_STAFF, initial).must_change_password  # nothing changed


def test_many_weak_tries_never_lock_the_clerk_out(ctx: ServiceContext) -> None:
    """Trying passwords against the policy is not guessing the old one: after more weak
    tries than the lockout allows, the right change still goes through."""
    services = InProcessServices(ctx)
    initial = _new_account(ctx)
    login = services.login(NEW_STAFF, initial)
    for _ in range(ctx.settings.staff_lockout_failures + 1):
        with pytest.raises(WeakStaffPassword):
            services.change_own_password(login.actor, initial, "short")
    services.change_own_password(login.actor, initial, GOOD)
    assert not services.login(NEW_STAFF, GOOD).must_change_password


def test_wrong_old_password_still_counts_toward_the_lockout(ctx: ServiceContext) -> None:
    services = InProcessServices(ctx)
    initial = _new_account(ctx)
    login = services.login(NEW_STAFF, initial)
    before = _failed_logins(ctx)
    with pytest.raises(LoginFailed) as refused:
        services.change_own_password(login.actor, "not-the-old-one", GOOD)
    assert _failed_logins(ctx) == before + 1
    assert "not-the-old-one" not in str(refused.value) and GOOD not in str(refused.value)
