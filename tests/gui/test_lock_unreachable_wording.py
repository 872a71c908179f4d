"""The lock screen (and the login dialog) empty the password after every refusal: when the
database or counter-server cannot be reached, the refusal must not promise that what was
typed is kept (the services' 已填写的内容仍保留 is true of a workflow's fields only)."""

from __future__ import annotations

from typing import Any

import pytest

from counter_app.remote.protocol import ServerUnreachable
from counter_app.services.errors import DatabaseUnavailable
from counter_app.ui.login import LoginDialog

pytestmark = pytest.mark.gui


def test_lock_screen_unreachable_database_asks_for_the_password_again(window: Any) -> None:
    window.lock()
    window.gateway.db_down = True
    form = window.lock_screen.form
    form.password.setText("pw1")
    form.submit.click()
    assert window.locked
    assert form.password.text() == ""
    text = form.error.text()
    assert "无法连接数据库" in text  # still says what happened
    assert "已填写的内容仍保留" not in text and "请重新输入密码" in text
    assert form.staff_no.text() == "YB500103-01"  # what it does say is kept, is


def test_login_dialog_unreachable_server_asks_for_the_password_again(
    qtbot: Any, gateway: Any, runner: Any
) -> None:
    def unreachable(_staff_no: str, _password: str) -> Any:
        raise ServerUnreachable()

    gateway.login = unreachable
    dialog = LoginDialog(gateway, runner, "x")
    qtbot.addWidget(dialog)
    dialog.form.staff_no.setText("YB500103-01")
    dialog.form.password.setText("pw1")
    dialog.form.submit.click()
    text = dialog.form.error.text()
    assert "无法连接业务服务器" in text and dialog.form.password.text() == ""
    assert "已填写的内容仍保留" not in text and "请重新输入密码" in text
    assert "已填写的内容仍保留" in DatabaseUnavailable().message  # workflows keep theirs
