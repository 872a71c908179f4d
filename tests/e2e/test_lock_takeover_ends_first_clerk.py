"""Another clerk logs in at the lock screen while the first one was serving a holder: the
first one's work ends (RULES Q7: records only in one's own session with the holder; E1: the
case closes) and the second one works on — on one workstation and through counter-server.

From a probe of the city tier: the takeover's end of the first clerk's service went to the
server with the second clerk's token (refused: another staff member's session), and its
logout of the first clerk logged out the second one instead — whose very next search said
您的登录已失效 — while the first clerk's service stayed open on the server."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtWidgets import QApplication

from counter_app.demo.accounts import fixed_holder
from tests.e2e.conftest import account
from tests.e2e.test_logout_database_gone import open_staff_sessions, stored

pytestmark = pytest.mark.gui


@pytest.mark.also_remote
def test_Q7_a_takeover_at_the_lock_screen_ends_the_first_clerks_case_and_the_second_works(
    counter: Any,
) -> None:
    c = counter("YB500103-01")
    c.id_session("active_default_pin")
    win = c.window
    session_id = int(win.holder.session.session_id)
    win.lock()
    form = win.lock_screen.form
    form.staff_no.setText("YB500103-02")
    form.password.setText(account("YB500103-02").password)
    c.click(form.submit)
    QApplication.processEvents()
    assert not win.locked and win.actor.staff_no == "YB500103-02", form.error.text()
    assert win.holder.session is None
    c.search(fixed_holder("active_default_pin").ssn)  # still logged in, at the server too
    assert not win.locked and not win.banner.isVisible()
    row, case, ended = stored(c, session_id)
    assert row.closed_at is not None and case.closed_at is not None  # nothing left open
    assert {action for action, _reason in ended} == {"session.end", "case.close"}
    assert open_staff_sessions(c, "YB500103-01") == 0  # the first clerk is logged out
