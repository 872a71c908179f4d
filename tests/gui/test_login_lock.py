from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QLabel

from counter_app.demo.accounts import DEMO_ACCOUNTS
from counter_app.ui.login import LoginDialog, account_rows
from tests.gui.fakes import DOC, SSN

pytestmark = pytest.mark.gui


def test_demo_login_lists_accounts_and_fills_on_double_click(
    qtbot: Any, gateway: Any, runner: Any
) -> None:
    dialog = LoginDialog(gateway, runner, "WS-01", DEMO_ACCOUNTS)
    qtbot.addWidget(dialog)
    # The workstation, never an office: after login the office shown is the staff
    # member's own, which the login screen cannot know (a CK clerk at a YB-configured PC).
    assert dialog.windowTitle() == "社保卡经办窗口工作站 — WS-01"
    from PyQt6.QtWidgets import QLabel

    shown = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "分中心" not in shown and "登录后显示" in shown
    assert dialog.accounts is not None and dialog.accounts.rowCount() == len(DEMO_ACCOUNTS)
    rows = account_rows(DEMO_ACCOUNTS)
    assert rows[0][0] == "CK500103-01" and rows[0][4] == DEMO_ACCOUNTS[0].password
    dialog.use_account(rows[2])
    assert dialog.form.staff_no.text() == "YB500103-01"


def test_login_refused_then_accepted(qtbot: Any, gateway: Any, runner: Any) -> None:
    dialog = LoginDialog(gateway, runner, "x")
    qtbot.addWidget(dialog)
    dialog.form.staff_no.setText("YB500103-01")
    dialog.form.password.setText("wrong")
    qtbot.mouseClick(dialog.form.submit, Qt.MouseButton.LeftButton)
    assert "错误" in dialog.form.error.text()
    assert dialog.form.password.text() == ""
    dialog.form.password.setText("pw1")
    with qtbot.waitSignal(dialog.logged_in) as blocker:
        qtbot.mouseClick(dialog.form.submit, Qt.MouseButton.LeftButton)
    assert blocker.args[0].actor.staff_no == "YB500103-01"


def test_login_needs_staff_number(qtbot: Any, gateway: Any, runner: Any) -> None:
    dialog = LoginDialog(gateway, runner, "x")
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.form.submit, Qt.MouseButton.LeftButton)
    assert dialog.form.error.text() == "请输入工号。"


def open_id_session(window: Any) -> None:
    window.search_pane.box.edit.setText(SSN)
    window.search_pane.box.button.click()
    window.hits.row_object(0)
    window._id_session_opened(window.gateway.open_id_session(window.actor, 7, DOC, "test"))


def visible_text(window: Any) -> str:
    return " ".join(lab.text() for lab in window.findChildren(QLabel) if lab.isVisible())


def test_lock_hides_personal_data_and_same_staff_unlocks(qtbot: Any, window: Any) -> None:
    open_id_session(window)
    assert "张三" in visible_text(window)
    window.lock()
    assert window.stack.currentWidget() is window.lock_screen
    assert "张三" not in visible_text(window)
    assert not window.holder.isVisible() and not window.search_pane.view.isVisible()
    window.lock_screen.form.password.setText("wrong")
    window.lock_screen.form.submit.click()
    assert window.locked and window.lock_screen.form.error.text()
    window.lock_screen.form.password.setText("pw1")
    window.lock_screen.form.submit.click()
    assert not window.locked
    assert window.holder.session is not None  # the same staff member carries on


def test_other_staff_login_ends_the_first_session(qtbot: Any, window: Any, gateway: Any) -> None:
    open_id_session(window)
    session = window.holder.session
    window.lock()
    window.lock_screen.form.staff_no.setText("YB500103-02")
    window.lock_screen.form.password.setText("pw2")
    window.lock_screen.form.submit.click()
    assert not window.locked
    assert window.actor.staff_no == "YB500103-02"
    assert window.holder.session is None
    assert gateway.ended == [session]
    assert gateway.logged_out == ["YB500103-01"]
    assert "医保经办乙" in window.status_bar.staff_label.text()


def test_idle_timer_locks(qtbot: Any, window: Any) -> None:
    window.idle.timer.setInterval(30)
    window.idle.start()
    qtbot.waitUntil(lambda: window.locked, timeout=2000)


def test_demo_accounts_show_the_post_in_words() -> None:
    from counter_app.demo.accounts import DEMO_ACCOUNTS
    from counter_app.ui.login import account_rows

    posts = {row[2] for row in account_rows(DEMO_ACCOUNTS)}
    assert "主管" in posts and "医保分中心经办" in posts
    assert not any(p.isascii() for p in posts)


def test_a_long_refusal_is_shown_whole(qtbot: Any, gateway: Any, runner: Any) -> None:
    """Another office's workstation names both offices: the dialog grows to show the whole
    message (it was cut to two clipped lines in a narrow city login)."""
    from counter_app.services.errors import OtherOfficeWorkstation

    def other_office(_staff_no: str, _password: str) -> Any:
        raise OtherOfficeWorkstation("北碚区医疗保险分中心", "渝中区医疗保险分中心")

    gateway.login = other_office
    dialog = LoginDialog(gateway, runner, "WS-CITY-01")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.form.staff_no.setText("YB500103-01")
    dialog.form.password.setText("Yibao#2024")
    qtbot.mouseClick(dialog.form.submit, Qt.MouseButton.LeftButton)
    error = dialog.form.error
    assert "北碚区医疗保险分中心" in error.text()
    assert error.height() >= error.heightForWidth(error.width()) > 0
    assert error.geometry().bottom() <= dialog.form.height()
