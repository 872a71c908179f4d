"""Why a clerk's login no longer holds, said truthfully through the remote client.

After the server's token secret is replaced (``counter-server secret FILE --replace``, then a
restart) every token signed with the old one is refused: that is not the account's doing,
so the clerk reads 您的登录已失效，请重新登录 — never 账户已停用, which is kept for an account
that was disabled. A session ended elsewhere (logout, a new login) says so. All three are
``StaffSessionEnded`` (the window locks for each); the subclass and its message say which.
"""

from __future__ import annotations

import pytest

from counter_app.services import staff_accounts, staff_login
from counter_app.services.errors import (
    StaffAccountDisabled,
    StaffLoginInvalid,
    StaffSessionEnded,
)
from tests.server.conftest import CLERK, City, start_city

pytestmark = pytest.mark.postgres

HOLDER_SSN = "500103196803150310"


def test_replaced_token_secret_says_log_in_again_not_account_disabled(
    city: City, server_login_url: str
) -> None:
    services = city.services("WS-A")
    login = services.login(*CLERK)
    token = services.connection._token
    assert token
    # The server as restarted with a replaced secret: the same database and PKI, a new
    # random secret (the old server stays up only for the fixture to stop it).
    restarted = start_city(city.pki, server_login_url)
    try:
        assert restarted.config.token_secret != city.config.token_secret
        again = restarted.services("WS-A")
        again.connection.set_token(token)  # the clerk's window keeps its token
        with pytest.raises(StaffSessionEnded) as ended:
            again.heartbeat(login.actor)
        assert type(ended.value) is StaffLoginInvalid
        assert str(ended.value) == "您的登录已失效，请重新登录。"
        assert "停用" not in str(ended.value)
        # Nothing was wrong with the account: logging in again works.
        relogin = again.login(*CLERK)
        assert again.find_holders(relogin.actor, HOLDER_SSN)
    finally:
        restarted.server.stop()
        restarted.release()  # type: ignore[attr-defined]


def test_disabled_account_keeps_the_account_disabled_wording(city: City) -> None:
    services = city.services("WS-A")
    login = services.login(*CLERK)
    staff_accounts.disable_staff(city.parts.services.ctx, None, CLERK[0])
    with pytest.raises(StaffSessionEnded) as ended:
        services.heartbeat(login.actor)
    assert type(ended.value) is StaffAccountDisabled
    assert "账户已停用" in str(ended.value) and "主管" in str(ended.value)


def test_inactive_flag_alone_is_told_as_disabled(city: City, sql) -> None:  # type: ignore[no-untyped-def]
    services = city.services("WS-A")
    login = services.login(*CLERK)
    assert sql("UPDATE staff SET active = false WHERE staff_no = :no", no=CLERK[0]) == 1
    with pytest.raises(StaffAccountDisabled):
        services.find_holders(login.actor, HOLDER_SSN)


def test_session_ended_elsewhere_names_neither_the_account_nor_the_token(city: City) -> None:
    services = city.services("WS-A")
    login = services.login(*CLERK)
    staff_login.logout(city.parts.services.ctx, login.actor)  # e.g. logged out elsewhere
    with pytest.raises(StaffSessionEnded) as ended:
        services.heartbeat(login.actor)
    assert type(ended.value) is StaffSessionEnded
    assert "停用" not in str(ended.value) and "重新登录" in str(ended.value)
