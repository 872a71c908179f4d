"""读取身份证's wait for the holder to place the card (IDCARD.md: the reader is asked
again and again; at the window the holder may first have to find the card in a wallet).

:class:`ChipWait` runs one ``IdCardStation.read`` on a pool thread with a
:class:`~reader.idcard.placement.PlacementWait` it keeps, shows 请将身份证放在阅读器上 with
the seconds left beside the 读取身份证 button, and offers 取消读取 (Esc) while it lasts.
Cancelling (the button, Esc, the form hidden or its dialog closed) tells the wait at once —
thread-safe, the pool thread stops before its next find and lets the reader go — and
whatever that read still hands back is dropped here (a portrait wiped), so a cancelled or
closed check is never filled later. Only the read the clerk still waits for reaches the
form (``done`` / ``failed``).
"""

from __future__ import annotations

from collections.abc import Callable

from PyQt6.QtCore import QObject, Qt, QTimer
from PyQt6.QtGui import QKeySequence, QShortcut
from PyQt6.QtWidgets import QLabel, QPushButton

from counter_app.ui.i18n import tr
from counter_app.ui.id_reader import ChipReading, IdCardStation
from counter_app.ui.tasks import TaskRunner
from reader.idcard.placement import IdCardNotPlaced, PlacementWait

#: How often the seconds left are shown afresh.
TICK_MS = 250


def waiting_text(card_was_read: bool) -> str:
    """What the clerk reads while the reader is asked; ``%1``: the seconds left."""
    if card_was_read:
        # IDCARD.md: after a read the reader finds the card only once it was lifted and
        # placed again — the clerk is told before the wait, not after it.
        return tr(
            "idcard",
            "请将身份证放在阅读器上（刚读取过的身份证须拿起后重新放置），等待中，还剩 %1 秒…",
        )
    return tr("idcard", "请将身份证放在阅读器上，等待中，还剩 %1 秒…")


def cancelled_text() -> str:
    return tr("idcard", "已取消读取身份证。需要时请将身份证放在阅读器上，再点击“读取身份证”。")


def ran_out_text(error: BaseException) -> str:
    """What to do after a wait that ran out with no card ("" for any other error)."""
    if not isinstance(error, IdCardNotPlaced) or not error.seconds:
        return ""
    return tr(
        "idcard", "等待 %1 秒，阅读器上仍没有身份证。请将身份证放在阅读器上，再点击“读取身份证”。"
    ).replace("%1", str(error.seconds))


class PendingRead:
    """One read under way: the station's work on the pool thread (:meth:`run`) and its
    answer back on the GUI thread, handed to the wait that started it."""

    def __init__(self, owner: ChipWait, station: IdCardStation, wait: PlacementWait) -> None:
        self.owner, self.station, self.wait = owner, station, wait

    def run(self) -> ChipReading:  # pool thread: no widget here
        return self.station.read(self.wait)

    def done(self, reading: ChipReading) -> None:
        self.owner.answered(self, reading)

    def failed(self, error: BaseException) -> None:
        self.owner.answered(self, error)


class ChipWait(QObject):
    """The wait of one 读取身份证 row (see the module docstring). ``status`` shows the count;
    ``done(reading)`` / ``failed(error)`` get the answer of the read still waited for;
    ``cancelled()`` is told when the clerk stopped it. While it lasts, 取消读取 shows in
    the place of ``read_button``."""

    def __init__(
        self,
        status: QLabel,
        done: Callable[[ChipReading], None],
        failed: Callable[[BaseException], None],
        cancelled: Callable[[], None],
        read_button: QPushButton,
    ) -> None:
        super().__init__(read_button)
        self.status, self.read_button = status, read_button
        self._done, self._failed, self._cancelled = done, failed, cancelled
        self.button = QPushButton(tr("idcard", "取消读取（Esc）"))
        self.button.setObjectName("cancelIdCardReadButton")
        self.button.setToolTip(tr("idcard", "不再等待身份证，可重新读取或人工录入"))
        self.button.setAutoDefault(False)
        self.button.setVisible(False)
        self.button.clicked.connect(self.cancel)
        # Esc stops the wait, not the dialog, and at once (a button's own shortcut clicks
        # it only after its press animation): a shortcut on the button is live only while
        # the button shows, so Esc closes the dialog again once the wait is over.
        self.escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.button)
        self.escape.activated.connect(self.cancel)
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.tick)
        self.pending: PendingRead | None = None
        self._message = ""

    def active(self) -> bool:
        return self.pending is not None

    def start(self, station: IdCardStation, runner: TaskRunner) -> None:
        """Read with a new wait of the station's length, the seconds left shown. The read
        runs on the ID card reader's own thread (``runner.run``, ``id_reader``: its
        success says nothing of the services, and its wait holds no thread a service call
        needs)."""
        self.stop()
        pending = PendingRead(self, station, station.new_wait())
        self.pending, self._message = pending, waiting_text(station.card_was_read)
        # In the read button's place (kept disabled by the form until the answer): the
        # row keeps its width, the count beside it is not squeezed into a narrow column.
        self.read_button.setVisible(False)
        self.button.setVisible(True)
        self.tick()
        self.timer.start()
        # A runner in tests answers at once, inside this call: nothing after it.
        runner.run(pending.run, pending.done, pending.failed, id_reader=True, name="read_id_card")

    def take_focus(self) -> None:
        """取消读取 shown now and given the keyboard (the read button it replaces had it)."""
        self.button.setVisible(True)
        self.button.setFocus(Qt.FocusReason.OtherFocusReason)

    def tick(self) -> None:
        pending = self.pending
        if pending is None:
            self.timer.stop()
            return
        self.status.setText(self._message.replace("%1", str(pending.wait.seconds_left())))
        # The count's lines never shrink while it counts: the row holds its height.
        needed = self.status.heightForWidth(max(self.status.width(), 1))
        if needed > self.status.minimumHeight():
            self.status.setMinimumHeight(needed)

    def cancel(self) -> None:
        """The clerk's 取消读取 (or Esc): the wait stops now, and the form says so."""
        if self.stop():
            self._cancelled()

    def stop(self) -> bool:
        """End the wait without a word (the form hidden, its dialog closed): the pool
        thread is told, its answer will be dropped. False when no wait was under way."""
        pending, self.pending = self.pending, None
        self.timer.stop()
        if pending is None:  # the buttons are as no wait has them (take_focus: one coming)
            return False
        self.status.setMinimumHeight(0)
        self.read_button.setVisible(True)
        if self.button.hasFocus():
            # Back to 读取身份证 (the answer comes next and enables it anyway): hidden with
            # the keyboard, 取消读取 handed it on to 查询原因 with its text selected.
            self.read_button.setEnabled(True)
            self.read_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self.button.setVisible(False)
        pending.wait.cancel()
        return True

    def answered(self, pending: PendingRead, answer: ChipReading | BaseException) -> None:
        if pending is not self.pending:  # cancelled or replaced: nobody waits for it
            if isinstance(answer, ChipReading):
                answer.release()
            return
        self.stop()
        if isinstance(answer, ChipReading):
            self._done(answer)
        else:
            self._failed(answer)
