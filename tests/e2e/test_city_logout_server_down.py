"""退出登录 and 退出程序 with a holder being served and ``counter-server`` stopped (real mutual
TLS and PostgreSQL; the server restarted on the same port, as ``scripts/city`` does).

The clerk reads that the business server cannot be reached and the service could not be
ended (never a database this workstation does not have), leaves with the service left open
and nothing of the holder on screen; once the server is back, the next login at this
workstation offers the case left open and ends it with its holder session, audited
(RULES E1, Q7)."""

from __future__ import annotations

import pytest
from PyQt6.QtWidgets import QApplication

from tests.e2e.conftest import Counter
from tests.e2e.test_city_server_outage import (  # noqa: F401 - fixture by name
    RestartableServer,
    city_counter,
)
from tests.e2e.test_counter import visible_text
from tests.e2e.test_logout_database_gone import (
    TitleBarClose,
    button,
    next_login_ends_the_case,
    stored,
)

pytestmark = [pytest.mark.gui, pytest.mark.remote_only]


def test_E1_logout_with_the_server_stopped_leaves_locally_and_the_case_ends_when_it_is_back(
    city_counter: tuple[Counter, RestartableServer],  # noqa: F811
) -> None:
    c, server = city_counter
    c.id_session("active_default_pin")
    win = c.window
    session_id = int(win.holder.session.session_id)
    server.stop()
    c.click(win.action_panel.logout_button)
    c.click(button(win.logout_box, "结束服务"))
    box = win.logout_box
    assert box is not None and box.isVisible() and win.isVisible()
    told = box.text() + box.informativeText()
    assert "无法连接业务服务器，本次服务未能结束" in told and "数据库" not in told
    assert "保持未结束" in told and "下次登录时" in told
    with c.qtbot.waitSignal(win.logged_out):
        c.click(button(box, "退出登录"))
    assert not win.isVisible() and win.holder.session is None
    QApplication.processEvents()
    assert "王建国" not in visible_text(c)
    server.start()
    next_login_ends_the_case(c, session_id, "YB500103-02")  # another clerk comes


def test_E1_quit_with_the_server_stopped_tells_the_clerk_as_logout_does(
    city_counter: tuple[Counter, RestartableServer],  # noqa: F811
) -> None:
    c, server = city_counter
    c.id_session("active_default_pin")
    win = c.window
    session_id = int(win.holder.session.session_id)
    server.stop()
    win.closeEvent(TitleBarClose())
    c.click(button(win.quit_box, "退出程序"))
    box = win.quit_box
    assert box is not None and box.isVisible() and win.isVisible()
    told = box.text() + box.informativeText()
    assert "无法连接业务服务器，本次服务未能结束" in told and "下次登录时" in told
    c.click(button(box, "退出程序"))
    assert not win.isVisible() and win.holder.session is None
    row, case, _ended = stored(c, session_id)
    assert row.closed_at is None and case.closed_at is None  # left open, as told
    server.start()
    next_login_ends_the_case(c, session_id)
