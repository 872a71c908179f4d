"""A one-time password typed at the lock screen (RULES S1–S3): the account was reset by a
supervisor during the shift, or a newly added clerk takes the workstation over. As at the
login (``login.LoginDialog``), nothing is unlocked until the new password is recorded:
修改登录密码 opens over the lock screen with the one-time password as the old one.

取消 leaves the window locked, the lock screen saying why; another clerk's login (a
takeover) is logged out — the first clerk's work is not touched until someone unlocks.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from PyQt6.QtCore import QObject
from PyQt6.QtWidgets import QWidget

from counter_app.api import CounterServices
from counter_app.services.context import Actor
from counter_app.ui.login import LoginForm
from counter_app.ui.own_password import OwnPasswordDialog
from counter_app.ui.tasks import TaskRunner


class UnlockPassword(QObject):
    """The new password asked for over the lock screen (``form``, of the window ``parent``
    locked for ``locked_for``); ``then()`` once it is recorded."""

    def __init__(
        self,
        parent: QWidget,
        gateway: CounterServices,
        runner: TaskRunner,
        *,
        form: LoginForm,
        locked_for: Actor,
        result: Any,
        one_time: str,
        then: Callable[[], None],
    ) -> None:
        super().__init__(parent)
        self._gateway = gateway
        self._runner = runner
        self._form = form
        self._locked_for = locked_for
        self.result = result
        self._then = then
        self.dialog = OwnPasswordDialog(gateway, runner, result.actor, parent, one_time=one_time)
        self.dialog.accepted.connect(self._changed)
        self.dialog.rejected.connect(self._cancelled)
        self.dialog.open()  # window-modal, without a nested event loop

    def _changed(self) -> None:
        self._done()
        self._then()

    def _cancelled(self) -> None:
        self._done()
        actor = self.result.actor
        if actor.staff_id != self._locked_for.staff_id:  # a takeover: that login ends
            self._runner.run(
                partial(self._gateway.logout, actor), None, _ignored, quiet=True, name="logout"
            )
        self._form.refused(self.tr("未修改密码，工作站仍锁定。"))

    def _done(self) -> None:
        self.dialog.deleteLater()
        self.deleteLater()


def _ignored(_error: BaseException) -> None:
    """Unreachable: that login stays open, unable to work, until superseded."""
