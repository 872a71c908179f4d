"""Staff login. In demo mode the dialog lists the demo accounts.

The password is checked by ``services.staff_login.login`` on a pool thread; the dialog keeps what
was typed when the database is unreachable, and says why a login was refused.

A one-time password (``counter-admin staff add`` / ``staff reset-password``: the login answers
``must_change_password``) opens no main window: the dialog asks at once for the new password
twice (``own_password.OwnPasswordForm``, the one-time password just typed as the old one),
and only once the services recorded it does ``logged_in`` carry the login on. 取消 (or Esc)
logs that login out and shows the login form again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from functools import partial
from typing import Any

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtGui import QCloseEvent, QHideEvent, QKeyEvent, QShowEvent
from PyQt6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from counter_app.api import CounterServices
from counter_app.ui.i18n import tr
from counter_app.ui.kept_text import KEPT_TEXT
from counter_app.ui.own_password import OwnPasswordForm
from counter_app.ui.quit_confirm import quit_box, raised_again
from counter_app.ui.tasks import TaskRunner
from counter_app.ui.text_guard import guard_text
from counter_app.ui.wait_notice import WaitNotice

APP_TITLE = "社保卡经办窗口工作站"


#: 岗位 as a clerk says it (RULES S1, S3), for the demo account list.
ROLE_LABELS = {
    "clerk": "窗口经办",
    "subcenter_staff": "医保分中心经办",
    "card_center_staff": "卡中心经办",
    "supervisor": "主管",
    "admin": "系统管理员",
}


def account_rows(accounts: Sequence[Any]) -> list[tuple[str, str, str, str, str]]:
    """(工号, 姓名, 岗位, 机构, 密码) for the demo account list; tolerant of field names."""
    rows = []
    for a in accounts:

        def get(*names: str, _a: Any = a) -> str:
            for n in names:
                v = _a.get(n) if isinstance(_a, dict) else getattr(_a, n, None)
                if v:
                    return str(v)
            return ""

        rows.append(
            (
                get("staff_no", "staff_number", "number"),
                get("name"),
                tr("login", ROLE_LABELS.get(get("role"), "")) or get("role_label"),
                get("office_name", "office", "office_code"),
                get("password"),
            )
        )
    return rows


class LoginForm(QWidget):
    """Staff number + password + 登录; used by the login dialog and the lock screen."""

    submitted = pyqtSignal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.staff_no = QLineEdit()
        self.staff_no.setObjectName("staffNo")
        self.staff_no.setPlaceholderText(self.tr("工号"))
        self.password = QLineEdit()
        self.password.setObjectName("staffPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("密码"))
        self.action_text = self.tr("登录")
        self.submit = QPushButton(self.action_text)
        self.submit.setDefault(True)
        self.error = QLabel()
        self.error.setObjectName("loginError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        guard_text(self.staff_no, self.tr("工号"), self.error.setText)  # pasted invisibles
        form = QFormLayout(self)
        form.addRow(self.tr("工号"), self.staff_no)
        form.addRow(self.tr("密码"), self.password)
        form.addRow("", self.submit)
        form.addRow(self.error)
        self.submit.clicked.connect(self._submit)
        self.password.returnPressed.connect(self._submit)
        self.staff_no.returnPressed.connect(self.password.setFocus)
        self.setTabOrder(self.staff_no, self.password)
        self.setTabOrder(self.password, self.submit)

    def keyPressEvent(self, event: QKeyEvent | None) -> None:  # Qt's name
        """Enter in a field was handled by the field (``returnPressed``): it stops here, so
        a dialog around the form does not press its default button a second time (which
        turned a refused password into 请输入密码。)."""
        if event is not None and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            return
        super().keyPressEvent(event)

    def _submit(self) -> None:
        staff_no = self.staff_no.text().strip()
        if not staff_no:
            self.error.setText(self.tr("请输入工号。"))
            self.staff_no.setFocus()
            return
        if not self.password.text():
            self.error.setText(self.tr("请输入密码。"))
            self.password.setFocus()
            return
        self.error.setText("")
        self.set_busy(True)
        self.submitted.emit(staff_no, self.password.text())

    def set_busy(self, busy: bool) -> None:
        """While busy the button says so; after, it says what it does (登录, or the lock
        screen's 解锁 — set with ``set_action``)."""
        self.submit.setEnabled(not busy)
        self.submit.setText(self.tr("正在登录…") if busy else self.action_text)

    def set_action(self, text: str) -> None:
        self.action_text = text
        self.submit.setText(text)

    def refused(self, message: str) -> None:
        """``message`` under the form; the password is emptied (it never waits in a field),
        so a lost database's or server's 已填写的内容仍保留 — true of a workflow's fields —
        says instead that the password must be typed again."""
        self.set_busy(False)
        self.error.setText(message.replace(KEPT_TEXT, self.tr("工号仍保留，请重新输入密码")))
        self.password.clear()
        self.password.setFocus()


class LoginDialog(QDialog):
    """The first window. ``logged_in(result)`` carries the service's ``LoginResult``."""

    logged_in = pyqtSignal(object)

    def __init__(
        self,
        gateway: CounterServices,
        runner: TaskRunner,
        workstation: str,
        demo_accounts: Sequence[Any] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._gateway = gateway
        self._runner = runner
        # The workstation, not an office: the office shown after login is the staff member's
        # own (the status bar), which the login screen cannot know beforehand.
        self.setWindowTitle(f"{self.tr(APP_TITLE)} — {workstation}")
        self.setObjectName("loginDialog")
        heading = QLabel(self.tr("工作人员登录"))
        heading.setStyleSheet("font-size: 18pt; font-weight: bold;")
        office = QLabel(
            self.tr("工作站 %1。登录后显示您所属的经办机构。").replace("%1", workstation)
        )
        office.setObjectName("loginWorkstation")
        office.setWordWrap(True)
        # Made with the dialog as its parent: ``setDefault`` on a button not yet inside the
        # dialog never told the dialog, so 登录 was no default at all and the first button
        # to take the focus (退出) stayed the default for good — Enter in the password
        # field then quit the program (from a new clerk's trial, after 退出登录).
        self.form = LoginForm(self)
        self.form.submitted.connect(self._login)
        #: The new password asked for after a one-time one (hidden otherwise).
        self.change = OwnPasswordForm(gateway, runner, ask_old=False, parent=self)
        self.change.hide()
        self.change.changed.connect(self._password_changed)
        self.change.cancelled.connect(self._change_cancelled)
        #: The login waiting for its new password (``must_change_password``), if any.
        self.pending: Any = None
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(office)
        layout.addWidget(self.form)
        layout.addWidget(self.change)
        #: 正在等待业务服务器答复…（已等待 N 秒） while the login is slow (``wait_notice``).
        # (The dialog lives as long as the runner: shown again at each 退出登录.)
        self.wait_notice = WaitNotice(runner, wrap=True)
        layout.addWidget(self.wait_notice)
        self.accounts: QTableWidget | None = None
        self._accounts_label: QLabel | None = None
        rows = account_rows(demo_accounts)
        if rows:
            self._accounts_label = QLabel(self.tr("演示账户（双击填入）："))
            layout.addWidget(self._accounts_label)
            table = QTableWidget(len(rows), 5)
            table.setObjectName("demoAccounts")
            table.setHorizontalHeaderLabels(
                [
                    self.tr("工号"),
                    self.tr("姓名"),
                    self.tr("岗位"),
                    self.tr("机构"),
                    self.tr("密码"),
                ]
            )
            table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
            table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    table.setItem(r, c, QTableWidgetItem(value))
            table.resizeColumnsToContents()
            table.cellDoubleClicked.connect(lambda r, _c: self.use_account(rows[r]))
            table.setMinimumWidth(620)
            layout.addWidget(table)
            self.accounts = table
        buttons = QHBoxLayout()
        quit_button = QPushButton(self.tr("退出"))
        quit_button.setObjectName("loginQuit")
        # Never the default, not even while it has the focus: Enter is 登录.
        quit_button.setAutoDefault(False)
        quit_button.setDefault(False)
        quit_button.clicked.connect(self.reject)
        self.quit_button = quit_button
        #: The open 确认退出？ box, if any (tests answer it).
        self.quit_box: QMessageBox | None = None
        buttons.addStretch(1)
        buttons.addWidget(quit_button)
        layout.addLayout(buttons)
        self.setMinimumWidth(440)
        self.form.staff_no.setFocus(Qt.FocusReason.OtherFocusReason)

    def showEvent(self, event: QShowEvent | None) -> None:  # Qt's name
        self.wait_notice.attach()
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent | None) -> None:  # Qt's name
        """Hidden while a clerk works (the dialog lives as long as the runner): its notice
        stops ticking and measuring for every task of the session."""
        self.wait_notice.detach()
        super().hideEvent(event)

    def closeEvent(self, event: QCloseEvent | None) -> None:  # Qt's name
        """The clerk's × asks (``reject``); the program's own ``close()`` does not."""
        if event is not None and not event.spontaneous():
            QDialog.reject(self)
            event.accept()
            return
        super().closeEvent(event)

    def reject(self) -> None:  # QDialog's name: 退出, Esc and the title bar's ×
        """Closing the login ends the program (``rejected``): only once the clerk confirms
        确认退出？ — its default, for Enter and Esc, is 取消."""
        if not self.isVisible():
            super().reject()
            return
        if self.pending is not None:  # asking for the new password: Esc is 取消
            self.change.cancel()
            return
        if raised_again(self.quit_box):
            return

        def quit_now() -> None:
            self.quit_box = None
            super(LoginDialog, self).reject()

        def stay() -> None:
            self.quit_box = None
            self.form.password.setFocus()

        self.quit_box = quit_box(self, self.tr("退出后本工作站的程序将关闭。"), quit_now, stay)

    def use_account(self, row: tuple[str, ...]) -> None:
        self.form.staff_no.setText(row[0])
        self.form.password.setText(row[4])
        self.form.submit.setFocus()

    def _login(self, staff_no: str, password: str) -> None:
        self._runner.run(
            partial(self._gateway.login, staff_no, password),
            partial(self._done, password),
            self._refused,
            name="login",
        )

    def _refused(self, error: BaseException) -> None:
        self.form.refused(str(error))
        # A refusal can run to three lines (another office's workstation names both
        # offices): the dialog grows to show all of it instead of clipping the label.
        self.adjustSize()

    def _done(self, password: str, result: Any) -> None:
        self.form.set_busy(False)
        self.form.password.clear()
        if getattr(result, "must_change_password", False):
            self._ask_new_password(result, password)
            return
        self.logged_in.emit(result)
        self.accept()

    def _ask_new_password(self, result: Any, one_time: str) -> None:
        """The one-time password was right: the new one, twice, before any work."""
        self.pending = result
        self._show_change(True)
        self.change.start(result.actor, one_time)

    def _show_change(self, asking: bool) -> None:
        self.form.setVisible(not asking)
        self.change.setVisible(asking)
        self.quit_button.setVisible(not asking)  # 取消 first: it logs out
        for widget in (self.accounts, self._accounts_label):
            if widget is not None:
                widget.setVisible(not asking)
        self.change.submit.setDefault(asking)
        self.form.submit.setDefault(not asking)
        self.adjustSize()

    def _password_changed(self) -> None:
        """Recorded by the services: the login carries on, as after a usual password."""
        result, self.pending = self.pending, None
        self._show_change(False)
        if result is None:
            return
        self.logged_in.emit(dataclasses.replace(result, must_change_password=False))
        self.accept()

    def _change_cancelled(self) -> None:
        """取消: that login is logged out, and the login form is shown again, the staff
        number kept."""
        result, self.pending = self.pending, None
        self._show_change(False)
        if result is not None:
            self._runner.run(
                partial(self._gateway.logout, result.actor),
                None,
                _logout_failed,
                quiet=True,
                name="logout",
            )
        self.form.error.setText(self.tr("未修改密码，已退出登录。再次登录时仍须先设置新密码。"))
        self.form.password.setFocus()


def _logout_failed(_error: BaseException) -> None:
    """The services unreachable: that staff session is left open, with no window to work
    in (counter-server refuses it any call but the change), until the next login of the
    same staff member here supersedes it."""
