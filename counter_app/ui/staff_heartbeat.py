"""The clerk's staff session checked every half minute (RULES S1–S3: only active accounts).

A supervisor may disable an account, or the staff member may log out on another workstation,
while this window stays open. Every service call is refused then (``staff_active``), but a
window left showing a holder's records would still show them: the heartbeat asks the
services on a pool thread and, when the session has ended, locks the window with the reason.
A disabled account cannot pass the lock screen's login. Other failures (the database or the
server gone) change nothing here: the clerk's next action says what happened.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PyQt6.QtCore import QObject, QTimer

from counter_app.services.errors import StaffSessionEnded

if TYPE_CHECKING:
    from counter_app.ui.main_window import MainWindow

#: How often the staff session is checked: a disabled account is locked out within a minute.
HEARTBEAT_MS = 30_000


class StaffHeartbeat(QObject):
    def __init__(self, window: MainWindow, interval_ms: int = HEARTBEAT_MS) -> None:
        super().__init__(window)
        self.window = window
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.beat)
        self.timer.start()

    def beat(self) -> None:
        """Ask once, off the GUI thread."""
        actor = self.window.actor
        self.window.runner.run(  # on its own: nobody waits for it (``quiet``)
            lambda: self.window.gateway.heartbeat(actor),
            None,
            self._failed,
            quiet=True,
            name="heartbeat",
        )

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, StaffSessionEnded):
            self.ended(str(error))

    def ended(self, message: str) -> None:
        """Lock the window and say why (the holder's records disappear with it)."""
        self.window.lock()
        self.window.lock_screen.form.error.setText(message)


def install_staff_heartbeat(window: MainWindow) -> StaffHeartbeat:
    return StaffHeartbeat(window)
