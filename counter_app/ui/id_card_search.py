"""An ID card placed on the reader while no one is being served finds its holder (RULES Q7,
IDCARD.md).

At the counter a holder without their social security card hands over the resident ID card
and the clerk puts it on the ID card reader. While the main screen is idle,
:class:`IdCardSearch` looks at the reader about once a second
(``IdCardStation.read_placed``: one find card, no wait — a GA 467 reader announces nothing
when a card is placed; it is asked). A card placed is read once, its number is searched as
the search box searches (``CounterServices.find_holders``, audited by the service), and:

- one holder: the hit shows in the search pane and 核验证件 opens for it with this read
  filled in — the chip's data and the portrait for the clerk's eyes (``ChipCheck.
  show_reading``); the service still decides at 确定 (``open_id_session``);
- nobody: 未找到该身份证号码的参保人, the number masked, nothing opened;
- several: the hits show and nothing opens — the clerk chooses one; the 核验证件 the clerk
  opens for it gets this read (the card, already read, cannot be read again until it is
  lifted and placed again).

Idle means: logged in and unlocked, no holder served, no card in the card reader, no
workflow, no ID check and no other window of the main window open — but the last holder's
查阅告知单: a card placed while only the slip is up is the next holder's, and the slip closes
as it does when the next holder's card is inserted (``holder_gone``). While a holder is
served (nothing else open) the watch only looks whether a card lies on the reader, never
reads it, and says once in the status bar that it was not read (:data:`NOT_READ_SERVING`).
Otherwise the reader
is not touched at all: a workflow's ID step reads the card itself, and a card read here
could not be read there. Only a card placed while the screen is idle is read: the watch
first sees the reader without an unread card (``IdCardStation.reader_empty``); a card
that lay there already — placed while the counter was busy, or left before this login —
waits until it is lifted and placed again, as a card left in the card reader does. A read
the clerk started holds the station's lock and owns the reader; the watch does not wait
for it. What the clerk typed stays where it was: nothing
here writes into a field.

The portrait is never kept here beyond handing it on: it goes to the dialog, or is wiped
(``ChipReading.release``) when nothing takes it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PyQt6.QtCore import QObject, QTimer
from PyQt6.QtWidgets import QApplication, QDockWidget, QWidget

from counter_app.services.errors import DatabaseUnavailable, ServiceError
from counter_app.ui.clerk_text import clerk_text
from counter_app.ui.fit import centre_on_parent
from counter_app.ui.i18n import tr
from counter_app.ui.id_reader import ChipReading, IdCardStation
from counter_app.ui.reader_bridge import ReaderState
from counter_app.ui.search import classify
from counter_app.ui.search_pane import HIT_COLUMNS
from counter_app.validation import ValidationError
from forms.masking import mask_id_number
from reader.idcard.errors import (
    CardAuthenticationFailed,
    CardDataError,
    CardNotAuthorised,
    CardReadFailed,
    CardSelectFailed,
)

if TYPE_CHECKING:
    from counter_app.ui.main_window import MainWindow

#: How often the idle screen looks at the reader.
POLL_MS = 1000
#: After an error the watch looks less often, up to this: a workstation without an ID card
#: reader must not open (or look for) its serial port every second.
MAX_POLL_MS = 120_000
#: The card on the reader could not be read (not the reader's fault): the clerk is told.
CARD_PROBLEMS = (
    CardAuthenticationFailed,
    CardDataError,
    CardNotAuthorised,
    CardReadFailed,
    CardSelectFailed,
)
#: The card reader holds no card (a card in it is a holder being served, RULES Q7).
NO_CARD_STATES = (ReaderState.READY, ReaderState.NO_READER)
#: An ID card placed while a holder is served: not read (the status bar, once a placing).
NOT_READ_SERVING = (
    "身份证阅读器上的身份证未读取：正在为当前持卡人办理业务。"
    "如是下一位持卡人的，请先结束本次服务（F12），再将身份证拿起后重新放置。"
)


class IdCardSearch(QObject):
    """The idle main screen's watch of the ID card reader (see the module docstring)."""

    def __init__(
        self, window: MainWindow, station: IdCardStation, interval_ms: int = POLL_MS
    ) -> None:
        super().__init__(window)
        self.window, self.station = window, station
        self.interval_ms = interval_ms
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.poll)
        self._looking = False
        #: The watch saw the reader without an unread card while the screen was idle: a
        #: card found from now on was placed for the next holder. A card that lay there
        #: already — placed while a card was in the card reader, a workflow or a dialog was
        #: open, or before this login — is not read (nothing automatic then; it is read
        #: once lifted and placed again).
        self.armed = False
        #: A read whose number found several holders: the 核验证件 the clerk opens for one
        #: of them takes it (:meth:`_check_opened`).
        self._pending: ChipReading | None = None
        #: What this watch said under the search box (put back to the typing hint when the
        #: hits it spoke of are gone: the service ended, another search).
        self._said = ""
        #: The clerk was told that the card on the reader was not read (a holder served);
        #: told again only after the reader was seen without it.
        self._told_serving = False
        # After the window's own slot, which opened the dialog (connected in its constructor).
        window.search_pane.check_requested.connect(self._check_opened)
        window.hits.modelReset.connect(self._hits_changed)

    # -- when -----------------------------------------------------------------------------

    def idle(self) -> bool:
        """No one is served and nothing is open: a placed ID card is the next holder's."""
        w = self.window
        return (
            w.holder.session is None and w.bridge.state in NO_CARD_STATES and self._nothing_open()
        )

    def serving_only(self) -> bool:
        """A holder is served and nothing else is open: a placed ID card is looked for (not
        read) so that the clerk learns it was not read."""
        return self.window.holder.session is not None and self._nothing_open()

    def _nothing_open(self) -> bool:
        """The window is shown and unlocked, with no workflow, ID check or other window up."""
        w = self.window
        return (
            w.isVisible()
            and not w.locked
            and not w.logged_out_already
            and w.workflow is None
            and w.id_dialog is None
            and not self._window_open()
        )

    def _window_open(self) -> bool:
        """A dialog, message box, list or menu of the main window is up (the demo's docks,
        floating or not, are the counter's hardware, not a window of work — nor the list of
        a dock's drop-down: choosing the next 演示身份证 had the watch miss the lifted card,
        and the card placed next was never read, seen in a new clerk's trial). The last
        holder's 查阅告知单 is not: the card placed then is the next holder's, and closes it
        (a new clerk's trial placed one under the slip: nothing happened)."""
        if QApplication.activeModalWidget() is not None:
            return True
        return any(
            other.isWindow() and other.isVisible() and not _in_dock(other) and not _is_slip(other)
            for other in self.window.findChildren(QWidget)
        )

    def _close_slips(self) -> None:
        """The next holder's card: the last holder's slip closes, as a card inserted does."""
        for other in self.window.findChildren(QWidget):
            if _is_slip(other) and other.isVisible():
                other.holder_gone()  # type: ignore[attr-defined]

    # -- looking at the reader --------------------------------------------------------------

    def poll(self) -> None:
        """One look at the reader (the timer's tick), only while idle."""
        if self._pending is not None and (
            self.window.locked or self.window.holder.session is not None
        ):
            self._drop_pending()
        if not self.idle():
            self.armed = False
            if self.serving_only() and not self._looking:
                self._looking = True
                self.window.runner.run(
                    self.station.reader_empty,
                    self._looked_serving,
                    self._read_failed,
                    id_reader=True,
                    name="id_reader_empty_serving",
                )
            return
        if self._looking:
            return
        self._looking = True
        # The reader's work (``id_reader``, local): a look every second must not take the 连接中断
        # banner down while the services are still unreachable.
        if not self.armed:
            self.window.runner.run(
                self.station.reader_empty,
                self._looked,
                self._read_failed,
                id_reader=True,
                name="id_reader_empty",
            )
            return
        self.window.runner.run(
            self.station.read_placed,
            self._read,
            self._read_failed,
            id_reader=True,
            name="id_card_placed",
        )

    def _looked(self, empty: bool) -> None:
        self._looking = False
        self.timer.setInterval(self.interval_ms)
        self.armed = empty and self.idle()

    def _looked_serving(self, empty: bool) -> None:
        """A holder is served: a card on the reader is not read; said once a placing."""
        self._looking = False
        self.timer.setInterval(self.interval_ms)
        if empty:
            self._told_serving = False
            return
        if not self._told_serving and self.serving_only():
            self._told_serving = True
            self.window.show_message(tr("idcard_search", NOT_READ_SERVING))

    def _read(self, reading: ChipReading | None) -> None:
        self._looking = False
        self.timer.setInterval(self.interval_ms)
        if reading is None:
            return
        if not self.idle():
            self._arrived_busy(reading)
            return
        self._close_slips()  # the next holder's card
        number = reading.document.number
        w, actor = self.window, self.window.actor
        w.runner.run(
            lambda: w.gateway.find_holders(actor, number),
            lambda hits: self._found(reading, hits),
            lambda error: self._search_failed(reading, error),
            name="find_holders_by_id_card",
        )

    def _read_failed(self, error: BaseException) -> None:
        """Looked at less often after an error (logged by the station, one line). A card
        that cannot be read, or a document the service does not take, is said; a reader
        that is missing or fails is the status bar's business, not a message a second."""
        self._looking = False
        self.timer.setInterval(min(self.timer.interval() * 4, MAX_POLL_MS))
        if isinstance(error, (*CARD_PROBLEMS, ServiceError)) and self.idle():
            self.window.show_message(tr("idcard_search", "身份证阅读器上的证件：") + str(error))

    def _arrived_busy(self, reading: ChipReading) -> None:
        """The screen got busy while the card was read (the clerk opened 核验证件 just then):
        the read goes to that check if it has none, else it is dropped and the clerk told."""
        dialog = self.window.id_dialog
        if dialog is not None and dialog.chip.reading is None:
            dialog.chip.show_reading(reading)
            return
        reading.release()
        self.window.show_message(
            tr("idcard_search", "已读取身份证，但此时正在办理其他事项，未按身份证查询。")
            + tr("idcard_search", "需要时请将身份证拿起后重新放置。")
        )

    # -- the search -------------------------------------------------------------------------

    def _found(self, reading: ChipReading, hits: list[Any]) -> None:
        w = self.window
        if not self.idle():
            self._arrived_busy(reading)
            return
        masked = mask_id_number(reading.document.number)
        if not hits:
            reading.release()
            message = tr("idcard_search", "未找到该身份证号码的参保人（%1）。").replace(
                "%1", masked
            )
            w.search_pane.no_hits(message)
            w.show_message(message)
            return
        w.hits.set_rows(hits, HIT_COLUMNS)
        w.search_pane.hits_shown()
        w.search_pane.refresh()
        if len(hits) > 1:
            self._pending = reading
            message = tr(
                "idcard_search", "该身份证号码（%1）查到多名参保人：请选择后点击“核验证件并查看”。"
            ).replace("%1", masked)
            self._say(message)
            w.show_message(message)
            return
        self._say(
            tr("idcard_search", "已按身份证阅读器上的身份证（%1）查询。").replace("%1", masked)
        )
        w.check_id_for_hit()
        dialog = w.id_dialog
        if dialog is None:
            reading.release()
            return
        dialog.found_by = reading.document.number  # the hit is this card's holder
        dialog.chip.show_reading(reading)
        # Grown by the read before the window manager placed it: under Xvfb it opened at
        # the screen's top-left with its title bar off the screen.
        QTimer.singleShot(0, lambda: centre_on_parent(dialog))

    def _search_failed(self, reading: ChipReading, error: BaseException) -> None:
        reading.release()
        w = self.window
        if isinstance(error, ValidationError):  # the service's own check of the number
            w.search_pane.no_hits(clerk_text(str(error)), error=True)
        elif isinstance(error, DatabaseUnavailable):
            w.db_down(str(error))
        else:
            w.show_error(error)

    # -- several holders: the clerk's choice --------------------------------------------------

    def _check_opened(self) -> None:
        reading, self._pending = self._pending, None
        if reading is None:
            return
        dialog = self.window.id_dialog
        if dialog is not None and dialog.chip.reading is None:
            dialog.found_by = reading.document.number  # a hit this card was searched by
            dialog.chip.show_reading(reading)
        else:
            reading.release()

    def _hits_changed(self) -> None:
        """Another search (or none): the read was for the hits it found, and what was said
        of them under the search box goes once they are gone."""
        self._drop_pending()
        box = self.window.search_pane.box
        if self._said and box.hint.text() == self._said and not self.window.hits.rowCount():
            box.show_outcome(classify(box.edit.text()).hint, error=False)
        self._said = ""

    def _say(self, text: str) -> None:
        """Under the search box, where the clerk looks for what a search found."""
        self.window.search_pane.box.show_outcome(text, error=False)
        self._said = text

    def _drop_pending(self) -> None:
        reading, self._pending = self._pending, None
        if reading is not None:
            reading.release()


def _in_dock(widget: QWidget) -> bool:
    """``widget`` is a dock, or lies in one (a drop-down list of a dock's panel)."""
    found: QWidget | None = widget
    while found is not None:
        if isinstance(found, QDockWidget):
            return True
        found = found.parentWidget()
    return False


def _is_slip(widget: QWidget) -> bool:
    """The last holder's 查阅告知单 (imported here: the workflows import the main window's
    modules)."""
    from counter_app.ui.workflows.access_slip import AccessSlipDialog

    return isinstance(widget, AccessSlipDialog)


def install_id_card_search(window: MainWindow, station: IdCardStation) -> IdCardSearch:
    """The watch on ``window``, looking from now on (it stops with the window's timers)."""
    search = IdCardSearch(window, station)
    search.timer.start()
    return search
