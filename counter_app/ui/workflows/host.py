"""What a workflow dialog may use of the window that opened it: a small interface, so the
workflows depend on it instead of on ``MainWindow`` (which opens them — no import cycle).

``MainWindow`` implements it; mypy checks that where ``open_workflow`` is called with one.
"""

from __future__ import annotations

from typing import Any, Protocol

from PyQt6.QtCore import pyqtBoundSignal

from counter_app.api import CounterServices
from counter_app.services.context import Actor
from counter_app.ui.card_session import CardLogin
from counter_app.ui.holder_view import HolderView
from counter_app.ui.pin_entry import PinEntry
from counter_app.ui.printing import Printing
from counter_app.ui.reader_bridge import ReaderBridge
from counter_app.ui.tasks import TaskRunner


class WorkflowHost(Protocol):
    """The counter window as the workflows see it."""

    #: The typed service interface, the task runner, the card reader and the holder keypad.
    gateway: CounterServices
    runner: TaskRunner
    #: Preview, print and save of the forms a workflow registers.
    printing: Printing
    bridge: ReaderBridge
    pins: PinEntry
    #: The logged-in staff member, and the holder being served (with their session).
    actor: Actor
    holder: HolderView
    #: Logging in with the inserted card (a workflow that reads the card itself cancels it).
    card_login: CardLogin
    #: The open workflow dialog, if any (set by ``open_workflow``).
    workflow: Any
    #: Emitted when the holder's service case closes, so the holder rates it (RULES E2).
    service_ended: pyqtBoundSignal

    @staticmethod
    def tr(sourceText: str, disambiguation: str = ..., n: int = ...) -> str: ...  # Qt's name

    def refresh_actions(self) -> None: ...

    def serve_holder(self, session: Any) -> None:
        """A workflow identified the holder itself (the lift's document check, RULES E1):
        serve them as after an ID check — the holder on screen, their case open."""

    def show_message(self, text: str) -> None: ...

    def show_error(self, error: BaseException) -> None: ...

    def db_down(self, text: str) -> None: ...

    def db_ok(self) -> None: ...
