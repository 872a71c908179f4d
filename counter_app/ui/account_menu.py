"""账户(&A) of the main window's menu bar: 修改登录密码 and 退出登录 (RULES S1–S3).

A clerk changes their own password whenever they like (the old one, then the new one
twice: ``own_password.OwnPasswordDialog``); 退出登录 is the action panel's button, here too
where a clerk looks for it beside the password. Locking disables both with every other
action of the window.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PyQt6.QtGui import QAction
from PyQt6.QtWidgets import QMenu

from counter_app.ui.own_password import OwnPasswordDialog

if TYPE_CHECKING:
    from counter_app.ui.main_window import MainWindow


class AccountMenu(QMenu):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window.tr("账户(&A)"), window)
        self.setObjectName("accountMenu")
        self.window_ = window
        #: The open 修改登录密码 dialog, if any (tests type into it).
        self.dialog: OwnPasswordDialog | None = None
        self.password_action = QAction(self.tr("修改登录密码(&P)…"), self)
        self.password_action.setObjectName("changeOwnPasswordAction")
        self.password_action.triggered.connect(self.change_password)
        self.addAction(self.password_action)
        self.addSeparator()
        self.logout_action = QAction(self.tr("退出登录(&L)"), self)
        self.logout_action.setObjectName("logoutAction")
        self.logout_action.triggered.connect(window.logout)
        self.addAction(self.logout_action)

    def change_password(self) -> OwnPasswordDialog:
        """The dialog for the staff member logged in now (one at a time)."""
        shown = self.dialog
        if shown is None or not shown.isVisible():
            window = self.window_
            shown = OwnPasswordDialog(window.gateway, window.runner, window.actor, window)
            shown.accepted.connect(self._changed)
            shown.finished.connect(self._closed)
            self.dialog = shown
            shown.open()  # window-modal, without a nested event loop
        shown.raise_()
        shown.activateWindow()
        return shown

    def _changed(self) -> None:
        self.window_.show_message(self.tr("登录密码已修改。下次登录请使用新密码。"))

    def _closed(self, _result: int) -> None:
        closed, self.dialog = self.dialog, None
        if closed is not None:
            closed.deleteLater()


def install_account_menu(window: MainWindow) -> AccountMenu:
    """Add 账户 to ``window``'s menu bar (before 帮助)."""
    menu = AccountMenu(window)
    bar = window.menuBar()
    assert bar is not None
    bar.addMenu(menu)
    return menu
