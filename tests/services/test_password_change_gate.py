"""A one-time staff password (``staff add`` / ``staff reset-password``: it must be changed
before any work, RULES S3 and the one-time rule P8 applies to staff passwords alike) is
enforced by the in-process services themselves, not only by the screens: every call but
``password_gate.WHILE_MUST_CHANGE`` is refused with ``PasswordChangeRequired`` — the error
and the Chinese message ``counter-server`` gives (tests/server/test_password_gate_remote.py
shows the two agree on the allowed set). SQLite, and PostgreSQL with ``CI=true``."""

from __future__ import annotations

import inspect

import pytest

from counter_app.api.inprocess import InProcessServices
from counter_app.api.interface import CounterServices
from counter_app.api.password_gate import WHILE_MUST_CHANGE, gated_methods
from counter_app.demo.accounts import ROLE_PASSWORDS
from counter_app.services import staff_accounts
from counter_app.services.context import Actor, ServiceContext
from counter_app.services.errors import PasswordChangeRequired
from counter_app.services.staff_login import LoginResult

NEW_STAFF = "YB500103-09"
GOOD = "Xin-Mima#2026"
HOLDER_SSN = "500103196803150310"  # demo holder 王建国


def _first_login(ctx: ServiceContext) -> tuple[InProcessServices, LoginResult, str]:
    _info, initial = staff_accounts.add_staff(
        ctx, None, NEW_STAFF, "新经办", "500103-YB", "subcenter_staff"
    )
    services = InProcessServices(ctx)
    login = services.login(NEW_STAFF, initial.value)
    assert login.must_change_password
    return services, login, initial.value


def _placeholder_call(services: InProcessServices, name: str, actor: Actor) -> None:
    """``name`` called with ``actor`` and ``None`` for every other required argument: the
    gate refuses before the arguments are looked at."""
    method = getattr(services, name)
    args = [
        actor if p.name == "actor" else None
        for p in inspect.signature(method).parameters.values()
        if p.default is inspect.Parameter.empty and p.kind is not p.KEYWORD_ONLY
    ]
    method(*args)


def test_P8_one_time_staff_password_refuses_work_until_changed(ctx: ServiceContext) -> None:
    services, login, initial = _first_login(ctx)
    with pytest.raises(PasswordChangeRequired) as refused:
        services.find_holders(login.actor, HOLDER_SSN)
    assert str(refused.value) == PasswordChangeRequired.message
    assert "先修改密码" in str(refused.value)
    # A call that names no actor is the logged-in clerk's: refused too.
    with pytest.raises(PasswordChangeRequired):
        services.search_drugs("阿莫西林")
    # What the change dialog needs still works.
    services.heartbeat(login.actor)
    assert isinstance(services.four_eyes_required(), bool)

    services.change_own_password(login.actor, initial, GOOD)
    assert services.find_holders(login.actor, HOLDER_SSN)
    services.search_drugs("阿莫西林")


@pytest.mark.parametrize("name", sorted(gated_methods(CounterServices)))
def test_P8_every_call_but_the_allowed_ones_is_refused_in_process(
    sqlite_ctx: ServiceContext, name: str
) -> None:
    services, login, _initial = _first_login(sqlite_ctx)
    with pytest.raises(PasswordChangeRequired):
        _placeholder_call(services, name, login.actor)


def test_P8_the_allowed_calls_are_not_refused(sqlite_ctx: ServiceContext) -> None:
    services, login, initial = _first_login(sqlite_ctx)
    assert WHILE_MUST_CHANGE == {"logout", "change_own_password", "heartbeat", "four_eyes_required"}
    services.heartbeat(login.actor)
    services.four_eyes_required()
    services.change_own_password(login.actor, initial, GOOD)
    services.logout(login.actor)


def test_P8_a_clerk_logged_in_after_the_one_time_account_works(sqlite_ctx: ServiceContext) -> None:
    """Another clerk taking over the workstation (lock screen) is not held by the previous
    login's pending change, for calls with or without an actor."""
    services, login, _initial = _first_login(sqlite_ctx)
    other = services.login("YB500103-01", ROLE_PASSWORDS["subcenter_staff"])
    assert not other.must_change_password
    assert services.find_holders(other.actor, HOLDER_SSN)
    services.search_drugs("阿莫西林")
    with pytest.raises(PasswordChangeRequired):  # the account itself still must change it
        services.find_holders(login.actor, HOLDER_SSN)
