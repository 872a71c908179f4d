"""Asking the holder to rate each closed case and recording the answer (好差评, RULES E2):
:class:`RatingController`, which ``ui.rating.install_rating`` wires to the main window.

The clerk's window learns only 请持卡人评价…, 已评价 / 未评价 or 评价未能记录
(``status_changed``), never the level. A rating the services cannot be reached to record
is kept and sent again; a clerk leaving with one unrecorded is told (``leave_unended``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from PyQt6.QtCore import QObject, QTimer, pyqtSignal
from PyQt6.QtWidgets import QLabel

from counter_app.services.errors import DatabaseUnavailable
from counter_app.services.rating_device import RatingDevice, RatingPrompt
from counter_app.services.ratings import RatingAnswer, RatingStatus
from counter_app.ui.leave_unended import ask_to_leave
from counter_app.ui.rating_record import Rating, Recorded, record_all

if TYPE_CHECKING:
    from counter_app.ui.main_window import MainWindow


class RatingController(QObject):
    """Asks for the rating of each closed case and records it; the clerk sees the status.

    A rating the services cannot be reached to record (the business server or the database
    gone) is kept in :attr:`unsent` and sent again, before anything else is recorded, at the
    next chance: the next rating, the next holder, 退出登录 and 退出程序 — which, when it
    still cannot be recorded, tell the clerk so in the box ``leave_unended`` shows for a
    service not ended (重试记录评价 / leave without it / 取消). The holder who answered reads
    谢谢您的评价 all the same: their part is done, and a connection they cannot mend is the
    clerk's to deal with, never a message on the holder's screen.
    """

    #: The clerk-facing text: 请持卡人评价…, 已评价, 未评价, 评价未能记录 (never the level).
    status_changed = pyqtSignal(str)

    def __init__(self, window: MainWindow, device: RatingDevice, timeout_s: int) -> None:
        super().__init__(window)
        self.window_ = window
        self.device = device
        self.timeout_s = timeout_s
        self.case_no: str | None = None
        #: Ratings not recorded for want of the services: case number → the holder's answer
        #: (None: 未评价), oldest first. Kept with this window only (退出登录 gives them up,
        #: after the clerk's word).
        self.unsent: dict[str, RatingAnswer | None] = {}
        #: The status bar's 请持卡人评价… / 已评价 / 未评价 (``install_rating`` adds it).
        self.status_label: QLabel | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._timed_out)

    def case_closed(self, summary: Any) -> None:
        """A case closed (``summary``: the ``AccessSummary`` of its session)."""
        window = self.window_
        gateway, actor = window.gateway, window.actor
        session_id = int(summary.session_id)
        window.runner.run(
            lambda: gateway.case_of_session(actor, session_id),
            self._ask,
            lambda _e: None,
            name="case_of_session",
        )

    def _ask(self, case: Any) -> None:
        if case is None or case.closed_at is None:
            return
        self._finish_pending()
        self.case_no = case.case_no
        prompt = RatingPrompt(case.case_no, case.staff_no, self.timeout_s)
        self.device.ask(prompt, self._answered)
        self.timer.start(self.timeout_s * 1000)
        self.status_changed.emit(self.tr("请持卡人评价…"))

    def next_holder(self) -> None:
        """The clerk serves the next holder: the last case, if still unrated, is 未评价
        (a clerk's trial saw the next holder's tap recorded on the previous case). The
        status bar's 已评价 / 未评价 of the last case goes: it stood beside the next
        holder's service as if it were theirs (from a new clerk's trial)."""
        self._finish_pending(shown=False)
        if self.status_label is not None:
            self.status_label.setText("")

    def card_inserted(self) -> None:
        """A card came into the reader: the last case's 已评价 / 未评价 goes (it stood
        beside the next holder's PIN entry). A rating still asked ends there when the card's
        PIN is asked next (``may_ask_card_pin``): the keypad takes the holder screen the
        rating was on, so the last holder can no longer answer — 未评价 recorded then, and
        请持卡人评价… leaves the status bar (a new clerk's trial read it beside the next
        holder's keypad). A card a workflow or the lock takes leaves the rating asked."""
        if self.case_no is not None and self.window_.may_ask_card_pin():
            self._finish_pending(shown=False)
        if self.case_no is None and self.status_label is not None:
            self.status_label.setText("")

    def _finish_pending(self, shown: bool = True) -> None:
        """A new case closed before the last one was rated: that one is 未评价
        (``shown``: the status bar says so once it is recorded). Ratings kept unsent are
        sent again with it."""
        if self.case_no is not None or self.unsent:
            self._record_unrated(None, shown)

    def _answered(self, answer: RatingAnswer) -> None:
        case_no, self.case_no = self.case_no, None
        self.timer.stop()
        if case_no is None:
            return
        self._send(case_no, answer, shown=True, then=None, quitting=False)

    def end_now(self, then: Callable[[], None], quitting: bool = False) -> None:
        """The clerk ends the rating still asked (退出登录, 退出程序 with ``quitting``): 未评价,
        recorded and audited exactly as when no answer comes in time (RULES E2), with any
        rating kept unsent. ``then()`` runs once that is recorded — not before: recording
        needs the staff session that 退出登录 ends. With the services unreachable the clerk
        is asked (``leave_unended``): retry, leave without the rating (``then()``), or
        stay. On another failure the clerk sees the error and ``then`` is not run."""
        self._record_unrated(then, quitting=quitting)

    def _timed_out(self) -> None:
        self._record_unrated(None)

    def _record_unrated(
        self, then: Callable[[], None] | None, shown: bool = True, quitting: bool = False
    ) -> None:
        case_no, self.case_no = self.case_no, None
        self.timer.stop()
        self.device.withdraw()
        self._send(case_no, None, shown=shown, then=then, quitting=quitting)

    def _send(
        self,
        case_no: str | None,
        answer: RatingAnswer | None,
        *,
        shown: bool,
        then: Callable[[], None] | None,
        quitting: bool,
    ) -> None:
        """Record the rating of ``case_no`` (if any) after those kept unsent; ``then()``
        once all are recorded."""
        batch: list[Rating] = list(self.unsent.items())
        self.unsent = {}
        if case_no is not None:
            batch.append((case_no, answer))
        if not batch:
            if then is not None:
                then()
            return
        window = self.window_
        gateway, actor = window.gateway, window.actor

        def done(recorded: Recorded) -> None:
            self._sent(recorded, case_no, shown, then, quitting)

        window.runner.run(
            lambda: record_all(gateway, actor, batch),
            done,
            self._failed,
            name="record_rating" if answer is not None else "record_no_answer",
        )

    def _sent(
        self,
        recorded: Recorded,
        case_no: str | None,
        shown: bool,
        then: Callable[[], None] | None,
        quitting: bool,
    ) -> None:
        for left, answer in recorded.left:
            self.unsent.setdefault(left, answer)
        if recorded.outage is not None:
            self._not_recorded(recorded.outage, shown, then, quitting)
            return
        if recorded.refused is not None:
            self._failed(recorded.refused)
            return
        status = recorded.statuses.get(case_no) if case_no is not None else None
        if status is not None:
            self._recorded(status, shown)
        elif shown and self.case_no is None and self.status_label is not None:
            if self.status_label.text() == self.tr("评价未能记录"):
                self.status_changed.emit("")  # the ratings kept are recorded now
        if then is not None:
            then()

    def _not_recorded(
        self,
        error: DatabaseUnavailable,
        shown: bool,
        then: Callable[[], None] | None,
        quitting: bool,
    ) -> None:
        """The services unreachable: the ratings stay in :attr:`unsent`; the banner says so,
        the status bar (``shown``) says 评价未能记录, and a clerk leaving (``then``) is asked."""
        window = self.window_
        if shown and self.case_no is None:
            self.status_changed.emit(self.tr("评价未能记录"))
        window.show_error(error)
        if then is None:
            return
        box = ask_to_leave(
            window,
            error,
            quitting=quitting,
            rating=True,
            retry=partial(self.end_now, then, quitting),
            leave=partial(self._give_up, then),
        )
        if quitting:
            window.quit_box = box
        else:
            window.logout_box = box

    def _give_up(self, then: Callable[[], None]) -> None:
        """The clerk leaves with the ratings unrecorded (told so by ``leave_unended``)."""
        self.unsent = {}
        then()

    def _recorded(self, status: RatingStatus, shown: bool = True) -> None:
        if not shown:
            # The next holder is served: the status bar stays empty (and a rating asked
            # of them meanwhile keeps its 请持卡人评价…); "" still ends the rating.
            if self.case_no is None:
                self.status_changed.emit("")
            return
        rated = RatingStatus(status) is RatingStatus.RATED
        self.status_changed.emit(self.tr("已评价") if rated else self.tr("未评价"))

    def _failed(self, error: BaseException) -> None:
        self.status_changed.emit("")
        self.window_.show_error(error)
