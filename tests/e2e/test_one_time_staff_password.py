"""A staff account as ``counter-admin staff add`` makes it (a one-time password, printed once)
works at the workstation: the login asks for the new password before any window, and then
the clerk looks a holder up (RULES S1–S3; Q7) — on the real composition, in-process and
through counter-server (``CI=true``), where every call but the change was refused with
请先修改密码后再办理业务 and no screen offered the change.

取消 at the new password logs that login out; the next login asks again."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtCore import Qt

from counter_app.cli.main import main as counter_admin
from counter_app.demo.accounts import fixed_holder
from counter_app.services.errors import LoginFailed
from counter_app.ui.main_window import MainWindow
from tests.e2e.test_logout_database_gone import open_staff_sessions

pytestmark = pytest.mark.gui

NEW_STAFF = "YB500103-08"
NEW_PASSWORD = "Xin-Mima#2026"


def staff_add(db_url: str, capsys: pytest.CaptureFixture[str]) -> str:
    """``counter-admin staff add``; the one-time password it prints once."""
    capsys.readouterr()
    rc = counter_admin(
        [
            "staff",
            "--db",
            db_url,
            "add",
            NEW_STAFF,
            "--name",
            "新经办",
            "--office",
            "500103-YB",
            "--role",
            "subcenter_staff",
        ]
    )
    out = capsys.readouterr().out
    assert rc == 0, out
    (line,) = [x for x in out.splitlines() if x.startswith("初始密码")]
    return line.split(": ", 1)[1].strip()


def type_login(c: Any, password: str) -> Any:
    """The login dialog the program shows, typed and submitted like a clerk; opened main
    windows are put into the returned dialog's ``opened``."""
    from counter_app.ui.app import make_login, make_main_window

    dialog = make_login(c.ws)
    c.qtbot.addWidget(dialog)
    dialog.opened = []

    def logged_in(result: Any) -> None:
        window = make_main_window(c.ws, result.actor)
        c.qtbot.addWidget(window)
        window.show()
        dialog.opened.append(window)

    dialog.logged_in.connect(logged_in)
    dialog.show()
    c.qtbot.keyClicks(dialog.form.staff_no, NEW_STAFF)
    c.qtbot.keyClicks(dialog.form.password, password)
    c.qtbot.mouseClick(dialog.form.submit, Qt.MouseButton.LeftButton)
    c.login_dialog = dialog
    c.qtbot.waitUntil(
        lambda: bool(dialog.opened or dialog.change.isVisible() or dialog.form.error.text()),
        timeout=20000,
    )
    return dialog


def type_new_password(c: Any, dialog: Any, new: str, again: str) -> None:
    change = dialog.change
    c.qtbot.keyClicks(change.new, new)
    c.qtbot.keyClicks(change.again, again)
    c.qtbot.mouseClick(change.submit, Qt.MouseButton.LeftButton)
    c.qtbot.waitUntil(lambda: not change.busy, timeout=20000)


@pytest.mark.also_remote
def test_S1_staff_add_account_changes_its_password_at_login_then_looks_a_holder_up(
    counter: Any, demo_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    one_time = staff_add(demo_url, capsys)
    c = counter(NEW_STAFF, log_in=False)
    dialog = type_login(c, one_time)
    assert dialog.opened == [] and dialog.change.isVisible(), dialog.form.error.text()
    # The policy of the services, beside the new password; nothing recorded.
    type_new_password(c, dialog, one_time, one_time)
    assert "不能与原密码相同" in dialog.change.new_error.text()
    type_new_password(c, dialog, "Duan#1", "Duan#1")
    assert "太短" in dialog.change.new_error.text()
    assert dialog.opened == []
    type_new_password(c, dialog, NEW_PASSWORD, NEW_PASSWORD)
    assert len(dialog.opened) == 1, dialog.change.error.text() + dialog.change.new_error.text()
    window: MainWindow = dialog.opened[0]
    c.win = window
    assert window.actor.staff_no == NEW_STAFF
    holder = fixed_holder("active_default_pin")
    c.search(holder.ssn)  # served now, also by counter-server
    assert not window.banner.isVisible()
    shown = c.id_check(holder.ssn)
    assert not shown.isVisible(), shown.error.text()
    assert window.holder.session is not None
    # One-time indeed: the new password logs in without asking, the first one no more.
    assert not c.ws.gateway.login(NEW_STAFF, NEW_PASSWORD).must_change_password
    with pytest.raises(LoginFailed):
        c.ws.gateway.login(NEW_STAFF, one_time)


@pytest.mark.also_remote
def test_S1_cancel_at_the_new_password_logs_out_and_the_next_login_asks_again(
    counter: Any, demo_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    one_time = staff_add(demo_url, capsys)
    c = counter(NEW_STAFF, log_in=False)
    dialog = type_login(c, one_time)
    assert dialog.change.isVisible(), dialog.form.error.text()
    assert open_staff_sessions(c, NEW_STAFF) == 1
    c.qtbot.mouseClick(dialog.change.cancel_button, Qt.MouseButton.LeftButton)
    c.qtbot.waitUntil(lambda: open_staff_sessions(c, NEW_STAFF) == 0, timeout=20000)
    assert dialog.opened == [] and dialog.form.isVisible() and dialog.isVisible()
    assert "未修改密码" in dialog.form.error.text()
    dialog.close()
    again = type_login(c, one_time)
    assert again.opened == [] and again.change.isVisible(), again.form.error.text()
