"""A calm line that says the program is waiting for the services, and for how long.

A stalled ``counter-server`` (it took the connection and says nothing) kept the clerk up
to two minutes in front of a window that looked the same as a hung one, after the
holder's keypad closed. Once the oldest service call the clerk waits for
(``TaskRunner.longest_wait``) has taken ``SHOW_AFTER_S`` seconds, this label says so and
counts the seconds; it goes as soon as the answer arrives, success or refusal alike
(``TaskRunner.tasks_changed``). After ``LONG_WAIT_S`` it says what happens next: in a
city the connection stops waiting on its own (``TaskRunner.server_timeout_s``) and the
window then says what came of it.

It offers no way to stop waiting: a card operation that the services have not yet
recorded must not be left half done (RULES P6: a PIN the card counted but nobody
recorded). While the holder types a PIN (``holder_typing``) it says nothing: the wait
is the holder's then, and the status bar says so.

It must not: show what a task is about (a holder, a number) — only that one is running.
"""

from __future__ import annotations

import math
from typing import Any

from PyQt6.QtCore import QTimer, pyqtBoundSignal
from PyQt6.QtWidgets import QLabel, QWidget

from counter_app.ui.fit import grow_to_fit
from counter_app.ui.tasks import TaskRunner, Wait

#: Seconds without an answer before the clerk is told that the program is waiting.
SHOW_AFTER_S = 2
#: Seconds after which the line also says how the wait will end.
LONG_WAIT_S = 30
#: How often the count moves on.
TICK_MS = 1000

WORKING = "正在处理…（已等待 %1 秒）"
WAITING_FOR_SERVER = "正在等待业务服务器答复…（已等待 %1 秒）"
WORKING_LONG = "处理时间较长（已等待 %1 秒），请稍候，完成后会告知结果"
SERVER_SILENT = "业务服务器长时间未答复（已等待 %1 秒），系统约 %2 秒后停止等待并告知结果"
SERVER_SILENT_STILL = "业务服务器长时间未答复（已等待 %1 秒），系统仍在等待，有结果时会告知"

STYLE = "background: #fff4d6; color: #4a3b00; border: 1px solid #e0c56e; padding: 2px 8px;"


class WaitNotice(QLabel):
    """正在等待业务服务器答复…（已等待 N 秒）, updated every second, hidden otherwise."""

    def __init__(
        self,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        typing: pyqtBoundSignal | None = None,
        wrap: bool = False,
    ) -> None:
        """``typing``: a ``holder_typing(bool)`` signal to follow (else the owner calls
        :meth:`holder_typing`); ``wrap``: lines may wrap, and the window (a dialog) grows
        to hold them — it squeezed its other rows together instead."""
        super().__init__(parent)
        self.setObjectName("waitNotice")
        self.setStyleSheet(STYLE)
        self.setWordWrap(wrap)
        self._runner = runner
        self._holder_typing = False
        self._long_form = False
        self._typing = typing
        if typing is not None:
            typing.connect(self.holder_typing)
        #: Ticks once a second while any task is in flight (tests call :meth:`tick`).
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.tick)
        runner.tasks_changed.connect(self._tasks_changed)
        self.hide()
        self._tasks_changed()

    def holder_typing(self, typing: bool) -> None:
        """The holder's keypad opened or closed (``PinEntry.holder_typing``)."""
        self._holder_typing = typing
        self.tick()

    def attach(self) -> None:
        """Listen to the shared runner again (a window shown again) and show the wait as it
        stands."""
        self.detach()  # never twice
        self._runner.tasks_changed.connect(self._tasks_changed)
        if self._typing is not None:
            self._typing.connect(self.holder_typing)
        self._tasks_changed()

    def detach(self) -> None:
        """The window closes: stop listening to the shared runner (and keypad)."""
        self.timer.stop()
        signals: list[tuple[Any, Any]] = [(self._runner.tasks_changed, self._tasks_changed)]
        if self._typing is not None:
            signals.append((self._typing, self.holder_typing))
        for signal, slot in signals:
            try:
                signal.disconnect(slot)
            except TypeError:  # already detached
                pass

    def _tasks_changed(self) -> None:
        if self._runner.pending:
            if not self.timer.isActive():
                self.timer.start()
        else:
            self.timer.stop()
        self.tick()

    def tick(self) -> None:
        """Show the wait as it stands now, or hide the line."""
        wait = self._runner.longest_wait()
        text = None if wait is None or self._holder_typing else self.wait_text(wait)
        if wait is None or text is None:
            self.hide()
            self.clear()
            return
        long_form = wait.seconds >= LONG_WAIT_S
        changed = self.isHidden() or long_form != self._long_form  # shown, or reworded
        self._long_form = long_form
        self.setText(text)
        self.show()
        if changed and self.wordWrap():
            grow_to_fit(self.window())

    def wait_text(self, wait: Wait) -> str | None:
        """What the clerk reads after ``wait`` (``None``: nothing yet)."""
        seconds = int(wait.seconds)
        if seconds < SHOW_AFTER_S:
            return None
        timeout = self._runner.server_timeout_s
        if seconds < LONG_WAIT_S:
            if timeout is None:
                return self.tr(WORKING).replace("%1", str(seconds))
            return self.tr(WAITING_FOR_SERVER).replace("%1", str(seconds))
        if timeout is None:
            text = self.tr(WORKING_LONG).replace("%1", str(seconds))
        else:
            # The connection gives up after ``timeout`` seconds of silence on one call; a
            # task of several calls may take a little longer (约).
            left = math.ceil(timeout - wait.seconds)
            if left > 0:
                text = self.tr(SERVER_SILENT).replace("%1", str(seconds)).replace("%2", str(left))
            else:
                text = self.tr(SERVER_SILENT_STILL).replace("%1", str(seconds))
        if wait.card:  # the card is part of the work: pulling it would cut it short
            return text + self.tr("；请勿拔卡。")
        return text + self.tr("。")
