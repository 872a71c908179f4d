"""The card reader, seen from the GUI thread: Qt signals made at the edge.

pyscard's monitors (and the in-process emulator's demo panel) report insertions and removals
on their own threads. Those threads call only ``notify_*`` here, which emit Qt signals; Qt
queues them to the GUI thread. Nothing in this module touches a widget.

On insertion the bridge reads the card's identity on the card thread (``TaskRunner``,
``card=True``) and reports ``card_ready(identity)`` or ``card_unreadable(message)``.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Any

from PyQt6.QtCore import QObject, pyqtSignal

from counter_app.ui.tasks import TaskRunner


class ReaderState(Enum):
    NO_READER = "no_reader"
    READY = "ready"
    READING = "reading"
    CARD_PRESENT = "card_present"
    UNREADABLE = "unreadable"


#: What the clerk is told to do when the card cannot be read.
DIAGNOSE_HINT = "请将卡取出后重新插入（照片面向下）；仍无法读取请运行 counter-admin card diagnose。"


class ReaderBridge(QObject):
    """Turns reader callbacks into signals and keeps the reader's state for the status bar.

    ``card_call(fn)`` runs ``fn(client)`` with a card client for the card now in the reader
    (the ``SocialSecurityCardClient`` over the transport) and returns its result; it is
    only ever called on the card thread (production: it hands ``fn`` on to
    ``CardReaderService.run``, whose worker owns the connection). ``has_pin_pad`` says
    whether the reader takes PINs itself (PC/SC part 10).
    """

    state_changed = pyqtSignal(object, str)  # ReaderState, detail text
    card_ready = pyqtSignal(object)  # CardIdentity
    card_unreadable = pyqtSignal(str)
    card_removed = pyqtSignal()

    _inserted = pyqtSignal()
    _removed = pyqtSignal()
    _reader = pyqtSignal(bool, str)

    def __init__(
        self,
        runner: TaskRunner,
        card_call: Callable[[Callable[[Any], Any]], Any],
        *,
        has_pin_pad: bool = False,
        reader_present: bool = True,
        read_identity: Callable[[Any], Any] | None = None,
    ) -> None:
        super().__init__()
        self._runner = runner
        self._card_call = card_call
        self._read_identity = read_identity or _default_read_identity
        self.has_pin_pad = has_pin_pad
        self.state = ReaderState.READY if reader_present else ReaderState.NO_READER
        self.detail = ""
        self.identity: Any = None
        self._generation = 0
        self._inserted.connect(self._on_inserted)
        self._removed.connect(self._on_removed)
        self._reader.connect(self._on_reader)

    # -- called from any thread --------------------------------------------------------

    def notify_inserted(self, *_args: object) -> None:
        self._inserted.emit()

    def notify_removed(self, *_args: object) -> None:
        self._removed.emit()

    def notify_reader(self, present: bool, detail: str = "") -> None:
        self._reader.emit(present, detail)

    # -- GUI thread --------------------------------------------------------------------

    def run_card(
        self,
        fn: Callable[[Any], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        name: str = "card",
    ) -> Any:
        """Run ``fn(card_client)`` on the card thread; callbacks on the GUI thread. The
        work asks the services too (a login, a PIN change recorded): a slow answer is
        shown to the clerk (``ui.wait_notice``)."""
        return self._runner.run(
            lambda: self._card_call(fn), on_done, on_error, card=True, services=True, name=name
        )

    @property
    def card_present(self) -> bool:
        return self.state in (ReaderState.CARD_PRESENT, ReaderState.READING, ReaderState.UNREADABLE)

    def _set(self, state: ReaderState, detail: str = "") -> None:
        self.state, self.detail = state, detail
        self.state_changed.emit(state, detail)

    def _on_inserted(self) -> None:
        self._generation += 1
        generation = self._generation
        self.identity = None
        self._set(ReaderState.READING)

        def read() -> Any:
            return self._card_call(self._read_identity)

        def done(identity: Any) -> None:
            if generation != self._generation:
                return  # the card left (or another came) while it was read
            self.identity = identity
            self._set(ReaderState.CARD_PRESENT)
            self.card_ready.emit(identity)

        def failed(error: BaseException) -> None:
            if generation != self._generation:
                return
            self._set(ReaderState.UNREADABLE, f"{error} {DIAGNOSE_HINT}")
            self.card_unreadable.emit(str(error))

        self._runner.run(read, done, failed, card=True, name="read_identity")

    def _on_removed(self) -> None:
        self._generation += 1
        had_card = self.card_present
        self.identity = None
        if self.state is not ReaderState.NO_READER:
            self._set(ReaderState.READY)
        if had_card:
            self.card_removed.emit()

    def _on_reader(self, present: bool, detail: str) -> None:
        if present:
            if self.state is ReaderState.NO_READER:
                self._set(ReaderState.READY, detail)
        else:
            had_card = self.card_present
            self._generation += 1
            self.identity = None
            self._set(ReaderState.NO_READER, detail)
            if had_card:
                self.card_removed.emit()


def _default_read_identity(client: Any) -> Any:
    return client.read_identity()
