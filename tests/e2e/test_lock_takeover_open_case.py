"""Another staff member taking over at the lock screen is offered the case left open at this
workstation, as a login is (RULES E1: every case is ended; the next staff member here is
told of one a crash or a lost connection left open and may end it). Before, only a login
made the offer: a clerk who took over at the lock screen was never told of the case, and it
stayed open. The real stack: the in-process composition on the demo SQLite database."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtWidgets import QApplication

from counter_app.demo.accounts import fixed_holder
from tests.e2e.test_lock_takeover_like_login import take_over
from tests.e2e.test_logout_database_gone import button
from tests.id_documents import manual_doc

pytestmark = pytest.mark.gui

FIRST, SECOND = "YB500103-01", "YB500103-02"


def leave_a_case_open(c: Any) -> str:
    """A case opened at this workstation and never ended (as a crashed run leaves it): the
    services open it; the window knows nothing of it."""
    win = c.window
    holder = fixed_holder("active_default_pin")
    [hit] = win.gateway.find_holders(win.actor, holder.ssn)
    session = win.gateway.open_id_session(win.actor, hit.holder_id, manual_doc(holder.ssn), "查询")
    return str(win.gateway.case_of_session(win.actor, session.session_id).case_no)


def test_E1_a_takeover_at_the_lock_screen_is_offered_the_case_left_open(counter: Any) -> None:
    c = counter(FIRST)
    assert c.window.open_case_box is None  # none open at the login
    case_no = leave_a_case_open(c)

    win = take_over(c, SECOND)
    box = win.open_case_box
    assert box is not None and box.isVisible(), "the takeover was not offered the case"
    assert case_no in box.text() and "未结束的办件" in box.windowTitle()

    c.click(button(box, "结束该办件"))
    QApplication.processEvents()
    assert f"办件 {case_no} 已结束" in win.statusBar().currentMessage()
    assert win.gateway.open_case_at_workstation(win.actor) is None


def test_E1_a_login_is_offered_the_same_case(counter: Any) -> None:
    """What the takeover above gets is what a login here gets."""
    first = counter(FIRST)
    case_no = leave_a_case_open(first)
    box = counter(SECOND).window.open_case_box
    assert box is not None and box.isVisible() and case_no in box.text()


def test_E1_the_first_clerks_service_ended_by_the_takeover_is_not_offered(
    counter: Any,
) -> None:
    """The first clerk's holder, ended as the takeover ends their work, is no case left
    open: the offer is asked after that end, so it is not made."""
    c = counter(FIRST)
    c.id_session("active_default_pin")
    win = take_over(c, SECOND)
    assert win.holder.session is None
    assert win.open_case_box is None or not win.open_case_box.isVisible()
