"""The clerk's day at one workstation: the login dialog, the main window it opens, 退出登录
and the login again — many times a day.

A window that logged out is let go: it has closed (``MainWindow._retire``: its windows
closed, the shared card reader, keypad and task runner no longer heard, its timers
stopped, the composition's panels given back) and it is deleted once no task is in flight
whose answer could still come back to it (``TaskRunner.when_idle``). Kept, every logout left
a whole window behind — docks, models, timers — for the rest of the day.

It must not: keep a reference to a window after its logout, or delete one while a task's
callback may still reach it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PyQt6.QtCore import QObject

from counter_app.services.context import Actor
from counter_app.ui.login import LoginDialog
from counter_app.ui.main_window import MainWindow
from counter_app.ui.tasks import TaskRunner


class LoginLoop(QObject):
    """Opens a main window at each login and lets it go at its 退出登录."""

    def __init__(
        self,
        login: LoginDialog,
        make_window: Callable[[Actor], MainWindow],
        runner: TaskRunner,
    ) -> None:
        super().__init__(login)
        self.login = login
        self._make_window = make_window
        self._runner = runner
        #: The window of the staff member logged in now, if any.
        self.window: MainWindow | None = None
        login.logged_in.connect(self._logged_in)

    def _logged_in(self, result: Any) -> None:
        window = self._make_window(result.actor)
        self.window = window
        window.logged_out.connect(self._logged_out)
        window.show()

    def _logged_out(self) -> None:
        """退出登录: the login dialog again, emptied; the window (closing now) goes."""
        window, self.window = self.window, None
        self.login.form.password.clear()
        self.login.form.error.setText("")
        self.login.show()
        if window is not None:
            self._runner.when_idle(window.deleteLater)
