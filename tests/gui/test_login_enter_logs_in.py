"""The login screen: Enter in the form logs in, and the program ends only when the clerk
confirms 确认退出？ (a new clerk's trial: after 退出登录 the 退出 button had become the
dialog's default, and Enter in the password field closed the program with no question)."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QMessageBox

from counter_app.ui.login import LoginDialog

pytestmark = pytest.mark.gui


def _shown(qtbot: Any, gateway: Any, runner: Any) -> LoginDialog:
    dialog = LoginDialog(gateway, runner, "WS-01")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()  # focus moves (and makes a default button) only when active
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def _quit_button_had_the_focus(dialog: LoginDialog) -> None:
    """What a clerk's Tab (or a click beside the form) does before typing again."""
    dialog.quit_button.setFocus(Qt.FocusReason.TabFocusReason)
    assert dialog.quit_button.hasFocus()
    dialog.form.password.setFocus(Qt.FocusReason.TabFocusReason)


def test_login_is_the_default_button_and_quit_never_is(
    qtbot: Any, gateway: Any, runner: Any
) -> None:
    dialog = _shown(qtbot, gateway, runner)
    assert dialog.form.submit.isDefault()
    _quit_button_had_the_focus(dialog)
    assert dialog.form.submit.isDefault()
    assert not dialog.quit_button.isDefault() and not dialog.quit_button.autoDefault()


def test_enter_in_the_password_field_logs_in_after_quit_had_the_focus(
    qtbot: Any, gateway: Any, runner: Any
) -> None:
    dialog = _shown(qtbot, gateway, runner)
    rejected: list[bool] = []
    dialog.rejected.connect(lambda: rejected.append(True))
    _quit_button_had_the_focus(dialog)
    dialog.form.staff_no.setText("YB500103-01")
    qtbot.keyClicks(dialog.form.password, "wrong")
    qtbot.keyClick(dialog.form.password, Qt.Key.Key_Return)
    # A refused password: the dialog stays, says why, and the program did not end.
    assert not rejected and dialog.isVisible()
    assert "错误" in dialog.form.error.text()
    qtbot.keyClicks(dialog.form.password, "pw1")
    with qtbot.waitSignal(dialog.logged_in) as blocker:
        qtbot.keyClick(dialog.form.password, Qt.Key.Key_Return)
    assert blocker.args[0].actor.staff_no == "YB500103-01"
    assert not rejected


def test_quit_asks_and_its_default_is_cancel(qtbot: Any, gateway: Any, runner: Any) -> None:
    dialog = _shown(qtbot, gateway, runner)
    rejected: list[bool] = []
    dialog.rejected.connect(lambda: rejected.append(True))
    qtbot.mouseClick(dialog.quit_button, Qt.MouseButton.LeftButton)
    box = dialog.quit_box
    assert box is not None and box.isVisible() and box.text() == "确认退出？"
    stay = box.defaultButton()
    assert stay is not None and stay.text() == "取消" and box.escapeButton() is stay
    qtbot.keyClick(box, Qt.Key.Key_Return)  # Enter answers 取消: the login stays
    assert not rejected and dialog.isVisible()
    # Esc on the login itself asks too; 退出程序 ends it.
    qtbot.keyClick(dialog.form.password, Qt.Key.Key_Escape)
    box = dialog.quit_box
    assert box is not None and box.isVisible() and not rejected
    (quit_now,) = [b for b in box.buttons() if b.text() == "退出程序"]
    assert box.buttonRole(quit_now) is QMessageBox.ButtonRole.DestructiveRole
    qtbot.mouseClick(quit_now, Qt.MouseButton.LeftButton)
    assert rejected == [True] and not dialog.isVisible()


def test_the_programs_own_close_asks_nothing(qtbot: Any, gateway: Any, runner: Any) -> None:
    """close() from the program (shutting down, a test's teardown) is no clerk leaving: no
    确认退出？ box is left open over a closing login."""
    dialog = _shown(qtbot, gateway, runner)
    rejected: list[bool] = []
    dialog.rejected.connect(lambda: rejected.append(True))
    dialog.close()
    assert not dialog.isVisible() and dialog.quit_box is None and rejected == [True]
