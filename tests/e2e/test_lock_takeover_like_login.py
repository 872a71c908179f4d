"""Another staff member logging in at the lock screen gets exactly what a fresh login gives
(RULES S2, L2, E3): the 报表 entries for their role, the 查询 entries, the 电话挂失即将失效 count
(the one reminder L2 relies on) and the 待整改 badge. From a new clerk's trial: after a
supervisor's 锁定 a clerk logged in there had the supervisor's report entries enabled and no
lapsing count at all — the badges were asked while the window was still locked, and unlocking
gave back the menu entries enabled for the one who locked."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtWidgets import QApplication

from counter_app.ui.lookup_menu import LookupMenu
from tests.e2e.conftest import account

pytestmark = pytest.mark.gui

CLERK, SUPERVISOR = "YB500103-01", "YB500103-03"


def what_the_staff_member_has(win: Any) -> dict[str, Any]:
    """Everything of the window that follows the logged-in staff member."""
    QApplication.processEvents()
    reports = win.reports_menu
    lookups = win.findChild(LookupMenu, "lookupMenu")
    followups = win.followup_badge
    return {
        "title": win.windowTitle(),
        "staff": win.status_bar.staff_label.text(),
        "reports": {k: a.isEnabled() for k, a in reports.report_actions.items()},
        "why_reports": reports.why_note.text() if reports.why_note.isVisible() else "",
        "lapsing_list": reports.lapsing_list.isEnabled(),
        "lapsing_badge": win.lapsing_badge.text() if win.lapsing_badge.isVisible() else None,
        "followup_badge": followups.text() if followups.isVisible() else None,
        "followup_menu": followups.menu_action.isVisible(),
        "lookups": {k.value: a.isEnabled() for k, a in lookups.lookup_actions.items()},
    }


def take_over(c: Any, staff_no: str) -> Any:
    win = c.window
    win.lock()
    form = win.lock_screen.form
    form.staff_no.setText(staff_no)
    form.password.setText(account(staff_no).password)
    c.click(form.submit)
    QApplication.processEvents()
    assert not win.locked and win.actor.staff_no == staff_no, form.error.text()
    return win


@pytest.mark.parametrize(("first", "second"), [(SUPERVISOR, CLERK), (CLERK, SUPERVISOR)])
def test_S2_L2_a_takeover_at_the_lock_screen_gives_what_a_fresh_login_gives(
    counter: Any, first: str, second: str
) -> None:
    fresh = what_the_staff_member_has(counter(second).window)
    taken = what_the_staff_member_has(take_over(counter(first), second))
    assert taken == fresh
    assert fresh["lapsing_badge"] and "电话挂失即将失效" in fresh["lapsing_badge"]  # L2
    if second == CLERK:  # the supervisor's entries are not the clerk's
        assert not any(fresh["reports"].values()) and fresh["why_reports"]
        assert fresh["followup_badge"] is None and not fresh["followup_menu"]
    else:
        assert all(fresh["reports"].values()) and fresh["followup_menu"]
