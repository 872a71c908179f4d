"""A one-time staff password (``counter-admin staff add`` / ``staff reset-password``) is
changed at the login screen before any work, and a clerk changes their own password from
the 账户 menu (RULES S1–S3). The fake applies the services' policy
(``staff_credentials.check_new_password``)."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QLineEdit

from counter_app.services.staff_credentials import (
    MIN_DISTINCT_CHARACTERS,
    MIN_PASSWORD_LENGTH,
    SAME_AS_OLD,
    TOO_SHORT,
)
from counter_app.ui.account_menu import install_account_menu
from counter_app.ui.login import LoginDialog
from counter_app.ui.own_password import POLICY_HINT, WRONG_OLD
from tests.gui.fakes import FakeServices

pytestmark = pytest.mark.gui

CLERK = "YB500103-01"
ONE_TIME = "pw1"  # the fake's password of CLERK, one-time here
NEW = "Xin-Mima#2026"


@pytest.fixture
def asked(qtbot: Any, gateway: FakeServices, runner: Any) -> tuple[LoginDialog, list[Any]]:
    """The login dialog after CLERK typed the one-time password: asking for a new one."""
    gateway.must_change.add(CLERK)
    dialog = LoginDialog(gateway, runner, "WS-07")
    qtbot.addWidget(dialog)
    dialog.show()
    logged_in: list[Any] = []
    dialog.logged_in.connect(logged_in.append)
    dialog.form.staff_no.setText(CLERK)
    dialog.form.password.setText(ONE_TIME)
    qtbot.mouseClick(dialog.form.submit, Qt.MouseButton.LeftButton)
    return dialog, logged_in


def _type(qtbot: Any, dialog: LoginDialog, new: str, again: str) -> None:
    change = dialog.change
    qtbot.keyClicks(change.new, new)
    qtbot.keyClicks(change.again, again)
    qtbot.mouseClick(change.submit, Qt.MouseButton.LeftButton)


def test_S1_one_time_password_asks_for_a_new_one_before_any_window(
    asked: tuple[LoginDialog, list[Any]],
) -> None:
    dialog, logged_in = asked
    assert logged_in == []  # no main window yet
    assert dialog.isVisible() and dialog.change.isVisible() and not dialog.form.isVisible()
    assert not dialog.quit_button.isVisible()  # 取消 (which logs out) is the way back
    assert dialog.change.new.echoMode() == QLineEdit.EchoMode.Password
    assert dialog.change.again.echoMode() == QLineEdit.EchoMode.Password
    assert not dialog.change.old.isVisible()  # the one-time password just typed is the old one
    assert "初始密码或已被重置的密码" in dialog.change.heading.text()
    assert CLERK in dialog.change.heading.text()
    assert dialog.form.password.text() == ""  # the one-time password waits in no field


def test_S1_the_two_entries_must_match_before_anything_is_sent(
    qtbot: Any, asked: tuple[LoginDialog, list[Any]], gateway: FakeServices
) -> None:
    dialog, logged_in = asked
    _type(qtbot, dialog, NEW, NEW + "x")
    assert "不一致" in dialog.change.again_error.text()
    assert ("change_own_password", CLERK) not in gateway.calls
    assert dialog.change.new.text() == "" and dialog.change.again.text() == ""
    assert logged_in == [] and CLERK in gateway.must_change


@pytest.mark.parametrize(("new", "message"), [("Ab#12345", TOO_SHORT), (ONE_TIME, SAME_AS_OLD)])
def test_S1_the_policys_refusal_is_shown_beside_the_new_password(
    qtbot: Any,
    asked: tuple[LoginDialog, list[Any]],
    gateway: FakeServices,
    new: str,
    message: str,
) -> None:
    dialog, logged_in = asked
    if new == ONE_TIME:  # the fake's one-time password is too short to reach the same-as-old rule
        gateway.accounts[CLERK] = ("Yici-Mima#2026", gateway.accounts[CLERK][1])
        dialog.change.start(dialog.pending.actor, "Yici-Mima#2026")
        new = "Yici-Mima#2026"
    _type(qtbot, dialog, new, new)
    assert dialog.change.new_error.text() == message
    assert dialog.change.again_error.text() == "" and dialog.change.error.text() == ""
    assert dialog.change.new.text() == "" and dialog.change.again.text() == ""
    assert new not in dialog.change.new_error.text()
    assert logged_in == [] and dialog.change.isVisible()


def test_S1_the_new_password_recorded_then_the_login_carries_on(
    qtbot: Any, asked: tuple[LoginDialog, list[Any]], gateway: FakeServices
) -> None:
    dialog, logged_in = asked
    _type(qtbot, dialog, NEW, NEW)
    assert gateway.accounts[CLERK][0] == NEW and CLERK not in gateway.must_change
    assert len(logged_in) == 1
    assert logged_in[0].actor.staff_no == CLERK and not logged_in[0].must_change_password
    assert not dialog.isVisible()
    # Shown again at the next 退出登录: the login form, not the change.
    dialog.show()
    assert dialog.form.isVisible() and not dialog.change.isVisible()
    assert dialog.quit_button.isVisible()


@pytest.mark.parametrize("how", ["取消", "Esc"])
def test_S1_cancel_logs_out_and_shows_the_login_again(
    qtbot: Any, asked: tuple[LoginDialog, list[Any]], gateway: FakeServices, how: str
) -> None:
    dialog, logged_in = asked
    qtbot.keyClicks(dialog.change.new, NEW)
    if how == "取消":
        qtbot.mouseClick(dialog.change.cancel_button, Qt.MouseButton.LeftButton)
    else:
        qtbot.keyClick(dialog.change.new, Qt.Key.Key_Escape)
    assert gateway.logged_out == [CLERK]
    assert logged_in == [] and dialog.isVisible()  # the program is not quit
    assert dialog.quit_box is None
    assert dialog.form.isVisible() and not dialog.change.isVisible()
    assert dialog.form.staff_no.text() == CLERK and dialog.form.password.text() == ""
    assert "未修改密码" in dialog.form.error.text()
    assert dialog.change.new.text() == "" and dialog.pending is None
    assert CLERK in gateway.must_change  # still one-time: asked again at the next login


def test_S1_enter_in_the_second_field_submits_once(
    qtbot: Any, asked: tuple[LoginDialog, list[Any]], gateway: FakeServices
) -> None:
    dialog, logged_in = asked
    qtbot.keyClicks(dialog.change.new, NEW)
    qtbot.keyClick(dialog.change.new, Qt.Key.Key_Return)
    assert dialog.change.again.hasFocus()
    qtbot.keyClicks(dialog.change.again, NEW)
    qtbot.keyClick(dialog.change.again, Qt.Key.Key_Return)
    assert gateway.calls.count(("change_own_password", CLERK)) == 1
    assert len(logged_in) == 1


def test_S1_services_unreachable_says_so_and_keeps_asking(
    qtbot: Any, asked: tuple[LoginDialog, list[Any]], gateway: FakeServices
) -> None:
    dialog, logged_in = asked
    gateway.db_down = True
    _type(qtbot, dialog, NEW, NEW)
    assert "无法连接数据库" in dialog.change.error.text()
    assert "已填写的内容仍保留" not in dialog.change.error.text()  # the fields are emptied
    assert "请重新输入新密码" in dialog.change.error.text()
    assert logged_in == [] and dialog.change.isVisible()
    gateway.db_down = False
    _type(qtbot, dialog, NEW, NEW)
    assert len(logged_in) == 1


def test_the_hint_says_what_the_services_policy_asks() -> None:
    assert f"至少 {MIN_PASSWORD_LENGTH} 个字符" in POLICY_HINT
    assert f"至少用 {MIN_DISTINCT_CHARACTERS} 个不同的字符" in POLICY_HINT


def test_S1_account_menu_changes_the_own_password(
    qtbot: Any, window: Any, gateway: FakeServices
) -> None:
    menu = install_account_menu(window)
    assert menu.title() == "账户(&A)"
    menu.password_action.trigger()
    dialog = menu.dialog
    assert dialog is not None and dialog.isVisible()
    form = dialog.form
    assert form.old.isVisible() and form.old.echoMode() == QLineEdit.EchoMode.Password
    qtbot.keyClicks(form.old, "wrong")
    qtbot.keyClicks(form.new, NEW)
    qtbot.keyClicks(form.again, NEW)
    qtbot.mouseClick(form.submit, Qt.MouseButton.LeftButton)
    assert form.old_error.text() == WRONG_OLD and dialog.isVisible()  # beside the old one
    assert "工号" not in form.old_error.text()  # the login's sentence names what was not typed
    label = form.old_error  # three lines beside the field, none of them cut off
    assert label.height() >= label.heightForWidth(label.width()) > label.fontMetrics().height()
    assert gateway.accounts[CLERK][0] == ONE_TIME
    qtbot.keyClicks(form.old, ONE_TIME)
    qtbot.keyClicks(form.new, NEW)
    qtbot.keyClicks(form.again, NEW)
    qtbot.mouseClick(form.submit, Qt.MouseButton.LeftButton)
    assert gateway.accounts[CLERK][0] == NEW
    assert not dialog.isVisible()
    assert "登录密码已修改" in window.statusBar().currentMessage()


def test_account_menu_logs_out_like_the_button(qtbot: Any, window: Any) -> None:
    menu = install_account_menu(window)
    with qtbot.waitSignal(window.logged_out, timeout=2000):
        menu.logout_action.trigger()


def test_S1_a_refused_new_password_keeps_the_old_one_and_typing_clears_a_fields_refusal(
    qtbot: Any, window: Any, gateway: FakeServices
) -> None:
    """Only the new password was refused (the policy): the right old one stays typed; and a
    field's refusal goes when the field is typed in. From a new clerk's trial: the old one was
    emptied too, and 请输入原密码。 stayed beside the field filled again."""
    menu = install_account_menu(window)
    menu.password_action.trigger()
    dialog = menu.dialog
    assert dialog is not None
    form = dialog.form
    qtbot.keyClicks(form.old, ONE_TIME)
    qtbot.keyClicks(form.new, "Ab#12345")
    qtbot.keyClicks(form.again, "Ab#12345")
    qtbot.mouseClick(form.submit, Qt.MouseButton.LeftButton)
    assert form.new_error.text() == TOO_SHORT and form.old_error.text() == ""
    assert form.old.text() == ONE_TIME  # not refused: kept
    assert form.new.text() == "" and form.again.text() == ""  # refused: emptied
    qtbot.keyClicks(form.new, "X")
    assert form.new_error.text() == ""  # typed in: its refusal goes
    form.old.clear()
    form.new.clear()
    qtbot.keyClicks(form.new, NEW)
    qtbot.keyClicks(form.again, NEW)
    qtbot.mouseClick(form.submit, Qt.MouseButton.LeftButton)
    assert form.old_error.text() == "请输入原密码。"
    qtbot.keyClicks(form.old, ONE_TIME)
    assert form.old_error.text() == ""
    qtbot.mouseClick(form.submit, Qt.MouseButton.LeftButton)
    assert gateway.accounts[CLERK][0] == NEW and not dialog.isVisible()
