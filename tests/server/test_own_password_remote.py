"""``CounterServices.change_own_password`` through counter-server (real mutual TLS and
PostgreSQL): the one-time password of a reset account is changed by the typed interface,
the policy's refusal arrives with the same class and the same sentence as in-process, costs
no attempt toward the lockout, and no password is in the audit trail (RULES S1–S3)."""

from __future__ import annotations

from typing import Any

import pytest

from counter_app.api.interface import CounterServices
from counter_app.services.errors import LoginFailed, PasswordChangeRequired, WeakStaffPassword
from counter_app.services.staff_credentials import SAME_AS_STAFF_NO, TOO_SIMPLE
from tests.server.conftest import CLERK, City

pytestmark = pytest.mark.postgres

HOLDER_SSN = "500103196803150310"
NEW = "Xin-Mima#2026"


def _one_time(sql: Any) -> None:
    """As ``staff reset-password`` leaves the account (its password kept for the test)."""
    sql("UPDATE staff SET must_change_password = true WHERE staff_no = :no", no=CLERK[0])


def _failed_logins(sql: Any) -> int:
    rows = sql("SELECT failed_logins FROM staff WHERE staff_no = :no", no=CLERK[0])
    return int(rows[0][0])


def test_S1_the_one_time_password_is_changed_through_the_typed_interface(
    city: City, sql: Any
) -> None:
    _one_time(sql)
    remote: CounterServices = city.services("WS-A")
    login = remote.login(*CLERK)
    assert login.must_change_password
    with pytest.raises(PasswordChangeRequired):
        remote.find_holders(login.actor, HOLDER_SSN)
    remote.change_own_password(login.actor, CLERK[1], NEW)
    assert remote.find_holders(login.actor, HOLDER_SSN)  # the same login works on
    assert not remote.login(CLERK[0], NEW).must_change_password
    with pytest.raises(LoginFailed):
        remote.login(*CLERK)
    audit = " ".join(
        str(row) for row in sql("SELECT action, reason, details::text FROM audit_events")
    )
    assert "staff.password_change" in audit
    assert NEW not in audit and CLERK[1] not in audit


@pytest.mark.parametrize(("new", "message"), [("aaaabbbbaaaabbbb", TOO_SIMPLE), (None, None)])
def test_S1_a_weak_new_password_arrives_as_in_process_and_costs_no_attempt(
    city: City, sql: Any, new: str | None, message: str | None
) -> None:
    if new is None:  # the staff number itself, in lower case
        new, message = CLERK[0].lower(), SAME_AS_STAFF_NO
    _one_time(sql)
    remote = city.services("WS-A")
    login = remote.login(*CLERK)
    before = _failed_logins(sql)
    with pytest.raises(WeakStaffPassword) as refused:
        remote.change_own_password(login.actor, CLERK[1], new)
    assert type(refused.value) is WeakStaffPassword and str(refused.value) == message
    assert _failed_logins(sql) == before
    assert remote.login(*CLERK).must_change_password  # nothing changed
