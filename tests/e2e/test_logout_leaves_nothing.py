"""退出登录 then the next login, on the real stack: nothing of the last holder's service is
left for the next staff member (RULES Q7: records only for the holder being served).

From a new clerk's trial: after 退出登录 and a new login the last holder's 查阅告知单 stayed
open behind the new window and could still be printed; 解除挂失 (F9) was enabled with no
holder on screen and opened a lift for a card that was not lost; the 演示卡 panel said
读卡器中没有卡 while the status bar said 已插卡 (the card was still in the reader)."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtWidgets import QApplication, QDialog

from counter_app.services.permissions import Action
from counter_app.ui.workflows.access_slip import AccessSlipDialog
from tests.e2e.conftest import account

pytestmark = pytest.mark.gui


def _open_dialogs() -> list[QDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()]


def _log_out_ending_the_rating(c: Any) -> None:
    win = c.window
    c.click(win.action_panel.logout_button)
    box = win.logout_box
    [end] = [b for b in box.buttons() if "记为未评价" in b.text()]
    with c.qtbot.waitSignal(win.logged_out):
        c.click(end)
    assert not win.isVisible()


def test_Q7_logout_closes_the_last_holders_slip_and_the_next_login_starts_clean(
    counter: Any,
) -> None:
    c = counter("YB500103-01")
    c.card_session("active_default_pin")
    first = c.window
    c.click(first.end_button)  # F12: the access slip of 王建国's service opens
    [slip] = [d for d in _open_dialogs() if isinstance(d, AccessSlipDialog)]
    assert "王建国" in slip.result_label.text()
    _log_out_ending_the_rating(c)  # his card stays in the reader
    assert not [d for d in _open_dialogs() if isinstance(d, AccessSlipDialog)]

    second = c.log_in("YB500103-01")
    assert second is not first and second.holder.session is None
    assert not _open_dialogs()
    # The reader's real state, the same on the status bar and the demo panel.
    assert second.bridge.identity is not None
    reader_line = second.status_bar.reader_label
    assert reader_line.text().startswith("读卡器：已插卡（上一位持卡人留下的卡")
    assert reader_line.isVisible() and not second.statusBar().currentMessage()
    assert second.demo_panel.current.text().startswith("读卡器中：王建国")  # type: ignore[attr-defined]
    # No holder: no action, not even 解除挂失 for the card left in the reader.
    lift = second.action_buttons[Action.LIFT_LOSS_REPORT]
    assert not lift.isEnabled() and "取出卡后重新插入" in lift.toolTip()
    assert not any(b.isEnabled() for b in second.action_buttons.values())

    # Inserted again, the card is the new clerk's to serve: only the new window asks for
    # the PIN — the closed one no longer hears the shared reader.
    c.remove()
    assert second.status_bar.reader_label.text() == "读卡器：读卡器就绪，请插卡"
    c.insert("active_default_pin")
    assert second.status_bar.reader_label.text() == "读卡器：已插卡"
    assert second.card_login.busy and not first.card_login.busy
    c.type_pin("123456")
    assert second.holder.session is not None and first.holder.session is None


def test_logout_waits_for_an_open_lift_and_closes_it_when_done(counter: Any) -> None:
    """解除挂失 starts from the card alone, with no holder session: 退出登录 did not wait for
    it, and its dialog stayed on screen after the window had gone."""
    c = counter("YB500103-01")
    c.insert("phone_lost")
    win = c.window
    lift = c.start(Action.LIFT_LOSS_REPORT)
    c.click(win.action_panel.logout_button)
    assert win.isVisible() and lift.isVisible() and win.workflow is lift
    assert "请先完成或取消正在办理的业务" in win.statusBar().currentMessage()
    lift.reject()  # the clerk cancels it (nothing typed yet: no question)
    with c.qtbot.waitSignal(win.logged_out):
        c.click(win.action_panel.logout_button)
    assert not win.isVisible() and not _open_dialogs()


def test_Q7_another_clerk_unlocking_closes_the_lift_and_starts_with_no_holder(
    counter: Any,
) -> None:
    """The lock screen's other side (RULES Q7): another staff member unlocks, the first
    one's work ends — the open lift closes without asking, and 陈明's lost card left in
    the reader is no one's until it is inserted again."""
    c = counter("YB500105-01")  # 江北区, 陈明's district
    c.insert("written_lost")
    win = c.window
    f9 = win.action_buttons[Action.LIFT_LOSS_REPORT]
    assert f9.isEnabled(), f9.toolTip()
    lift = c.start(Action.LIFT_LOSS_REPORT)
    c.next(lift)  # a step passed: leaving would ask 确认放弃本次办理？
    win.lock()
    form = win.lock_screen.form
    form.staff_no.setText("YB500105-03")
    form.password.setText(account("YB500105-03").password)
    c.click(form.submit)
    assert not win.locked and win.actor.staff_no == "YB500105-03"
    assert win.workflow is None and not lift.isVisible() and not _open_dialogs()
    assert not f9.isEnabled() and "取出卡后重新插入" in f9.toolTip()
    c.remove()
    c.insert("written_lost")
    assert f9.isEnabled(), f9.toolTip()
