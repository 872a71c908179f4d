"""The clerk's main window: search, holder overview, actions, status bar, lock.

Everything reaches the database and the card through the typed service interface
(``counter_app.api``) and the reader bridge on pool threads (``TaskRunner``). This window
holds the state of the counter — who is logged in, which holder session is open, what is
in the reader — and nothing else. Its parts are widgets of their own: the search pane
(``search_pane``), the holder view (``holder_view``), the action panel (``action_panel``),
the status bar (``status_bar``) and the lock screen (``lock``); the window wires them and
decides what is allowed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PyQt6.QtCore import QTimer, pyqtSignal
from PyQt6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PyQt6.QtWidgets import (
    QDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from counter_app.api import CounterServices
from counter_app.services.context import Actor
from counter_app.services.errors import VOID_CARD_ERRORS, DatabaseUnavailable
from counter_app.services.permissions import Action
from counter_app.services.queries.holder import HolderHit
from counter_app.ui import quit_confirm, serving_guard, staff_shift
from counter_app.ui.action_panel import ActionPanel
from counter_app.ui.actions import Situation, availability
from counter_app.ui.card_notes import install_pin_blocked, reader_card_status
from counter_app.ui.card_session import CardLogin
from counter_app.ui.clerk_text import clerk_text
from counter_app.ui.holder_view import HolderView, holder_facts
from counter_app.ui.leave_unended import EndRating
from counter_app.ui.lock import IdleWatcher, LockScreen
from counter_app.ui.pin_entry import PinEntry
from counter_app.ui.printing import Printing
from counter_app.ui.reader_bridge import ReaderBridge, ReaderState
from counter_app.ui.search_pane import HIT_COLUMNS, HitTableModel, SearchPane
from counter_app.ui.side_docks import (
    KEYPAD_DOCK_MAX_WIDTH,  # noqa: F401 - the keypad's widest, tests import it from here
    install_side_docks,
    make_room_for_holder_dock,
)
from counter_app.ui.status_bar import CounterStatusBar
from counter_app.ui.tasks import TaskRunner
from counter_app.ui.wait_notice import WaitNotice
from counter_app.validation import ValidationError

#: The holder dock's title while it shows the keypad (``ui.rating`` names it 服务评价).
KEYPAD_DOCK_TITLE = "持卡人密码键盘"

#: 核验证件并查看 while the inserted card's login awaits its answer (``check_id_for_hit``).
LOGIN_IN_FLIGHT = "插入的社保卡正在打开个人信息，请等待结果后再核验证件。"

#: Widths that keep the window within a 1680-pixel screen with both docks open.
HOLDER_MIN_WIDTH = 400
SEARCH_MIN_WIDTH = 270

#: Opens a workflow dialog: (window, action) -> None. Filled by ``workflows.register``.
WorkflowOpener = Callable[["MainWindow", Action], None]


class MainWindow(QMainWindow):
    logged_out = pyqtSignal()
    #: The logged-in staff member changed (another one unlocked): menus follow their role.
    actor_changed = pyqtSignal(object)
    #: Another staff member took over at the lock screen (``Actor``), once the first one's
    #: work was ended — or could not be: what a fresh login asks after the window opens
    #: follows (the case left open here, ``app.make_main_window``).
    staff_took_over = pyqtSignal(object)
    #: A service ended and its case closed (``AccessSummary``): the holder rates it (E2).
    service_ended = pyqtSignal(object)
    #: The next holder is being served (an ID check begins, a holder session opens): a
    #: rating still asked of the last holder ends 未评价 — the next one must not give it.
    next_holder = pyqtSignal()
    #: The rating asked after a service is over (answered, 未评价, or its recording failed):
    #: a 退出登录 box still saying 持卡人正在评价 goes (``ui.rating`` emits it).
    rating_over = pyqtSignal()
    #: A card came into the reader: what the status bar still says of the last holder
    #: (社保卡已拔出…, the rating's 已评价) goes (``ui.rating`` listens too).
    card_inserted = pyqtSignal()

    def __init__(
        self,
        gateway: CounterServices,
        runner: TaskRunner,
        bridge: ReaderBridge,
        pin_entry: PinEntry,
        actor: Actor,
        idle_minutes: float = 5,
        open_workflow: WorkflowOpener | None = None,
        printing: Printing | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.gateway, self.runner, self.bridge, self.pins = gateway, runner, bridge, pin_entry
        #: Preview, print and save of forms and reports (the composition's one ``Printing``).
        self.printing = printing if printing is not None else Printing(runner)
        self.actor: Actor = actor
        self._open_workflow = open_workflow
        self.card_state: str | None = None
        #: The issuer's state of the card in the reader, looked up at insertion.
        self.reader_card_state: str | None = None
        #: The card in the reader is the one of the service that just ended (F9 waits for
        #: it to be inserted again: a new service starts with the card).
        self.card_served = False
        #: The card in the reader was there before this staff member (the last holder's):
        #: the reader line says so until it leaves (``_staff_changed``).
        self.card_left_behind = False
        self.card_session = False
        self.workflow: Any = None  # the open workflow dialog, if any
        self.locked = False
        self.hidden_windows: list[QWidget] = []
        #: What the lock screen took away, given back on unlock: docks and menu actions.
        self._locked_docks: list[QWidget] = []
        self._locked_actions: list[QAction] = []
        self.logged_out_already = False
        #: The open ID-check dialog, if any (tests drive it).
        self.id_dialog: Any = None
        #: Whether the holder is being asked to rate the case just closed (set by
        #: ``ui.rating.install_rating``; ``staff_shift`` waits for it before 退出登录).
        self.rating_pending: Callable[[], bool] = lambda: False
        #: Ends that rating 未评价 (and records any not recorded for want of the services)
        #: and then calls its argument (``install_rating`` sets it; 退出登录 and 退出程序,
        #: ``quitting``). Without a rating: calls it at once.
        self.end_rating_now: EndRating = lambda then, quitting=False: then()
        #: The open 退出登录-not-yet and recovered-case message boxes, if any (tests read them).
        self.logout_box: QMessageBox | None = None
        self._sized_for_holder_dock = False
        self.open_case_box: QMessageBox | None = None
        #: The open 须先结束本次服务 box of a second holder's ID check (``check_id_for_hit``).
        self.serving_box: QMessageBox | None = None
        #: The open 确认退出？ box of the title bar's × (``quit_confirm``), if any.
        self.quit_box: QMessageBox | None = None
        #: Widgets of the composition shown in this window's docks (the holder panel, the
        #: demo's card panels): they outlive the window and are given back when it retires.
        self.borrowed: list[QWidget] = []

        self.banner = QLabel()
        self.banner.setObjectName("dbBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(
            "background: #b00020; color: white; padding: 6px; font-weight: bold;"
        )
        self.banner.hide()
        #: The holders found by the last search (shown by the search pane).
        self.hits = HitTableModel()
        self.search_pane = SearchPane(self.hits)
        self.search_pane.search.connect(self.do_search)
        self.search_pane.check_requested.connect(self.check_id_for_hit)

        self.holder = HolderView(gateway, runner)
        self.holder.card_state_known.connect(self._card_state_known)
        self.holder.error.connect(self.show_error)

        self.action_panel = ActionPanel()
        self.action_panel.action_requested.connect(self.start_workflow)
        self.action_panel.end_requested.connect(self.end_session)
        self.action_panel.lock_requested.connect(self.lock)
        self.action_panel.logout_requested.connect(self.logout)
        self.addActions(self.action_panel.shortcuts)
        #: The buttons this window enables from the rules (:meth:`refresh_actions`).
        self.action_buttons = self.action_panel.buttons
        self.end_button = self.action_panel.end_button

        splitter = QSplitter()
        splitter.addWidget(self.search_pane)
        splitter.addWidget(self.holder)
        splitter.setStretchFactor(1, 1)
        # The record view scrolls: its minimum must not push the window past a 1680-px
        # screen when the holder keypad's dock (and the demo dock) open beside it.
        self.holder.setMinimumWidth(HOLDER_MIN_WIDTH)
        # The search pane gave way when the keypad's dock opened: its box shrank to
        # "身份证…" and the hits to two columns. It keeps room for its hint.
        self.search_pane.setMinimumWidth(SEARCH_MIN_WIDTH)
        splitter.setSizes([330, 760])
        # Dragging a divider to the edge hid a whole pane (the search box with it, and F3
        # then typed into nothing): each pane stops at its minimum instead.
        for index in range(splitter.count()):
            splitter.setCollapsible(index, False)
        self.splitter = splitter
        work = QWidget()
        work_layout = QVBoxLayout(work)
        work_layout.addWidget(self.banner)
        work_layout.addWidget(splitter, 1)
        self.lock_screen = LockScreen()
        self.lock_screen.unlock_requested.connect(self.try_unlock)
        self.stack = QStackedWidget()
        self.stack.addWidget(work)
        self.stack.addWidget(self.lock_screen)
        self.setCentralWidget(self.stack)
        self.search_pane.set_tab_order()

        self.status_bar = CounterStatusBar()
        self.setStatusBar(self.status_bar)
        #: 正在等待业务服务器答复…（已等待 N 秒） while a service call is slow (``wait_notice``).
        self.wait_notice = WaitNotice(runner)
        self.status_bar.addPermanentWidget(self.wait_notice)

        # The clerk's action column at the right edge, of one width; the holder's dock
        # (one screen) opens inside it and takes its room from the records (side_docks).
        self.action_dock, self.holder_dock = install_side_docks(
            self,
            self.action_panel,
            None if pin_entry.own_window else pin_entry.panel,
            self.tr(KEYPAD_DOCK_TITLE),
        )
        if self.holder_dock is not None:
            self.borrowed.append(pin_entry.panel)
        pin_entry.holder_typing.connect(self._holder_typing)

        self.card_login = CardLogin(gateway, bridge, pin_entry)
        self.card_login.opened.connect(self._card_session_opened)
        self.card_login.failed.connect(self.show_message)
        self.pin_note = install_pin_blocked(self)  # P6: a blocked PIN is not asked for
        bridge.state_changed.connect(self._reader_state)
        bridge.card_ready.connect(self._card_ready)
        bridge.card_removed.connect(self._card_removed)

        for key, slot in (
            ("F3", self.focus_search),
            ("F4", self.reveal),
            ("F12", self.end_session),
            ("Ctrl+L", self.lock),
        ):
            act = QAction(self)
            act.setShortcut(QKeySequence(key))
            act.triggered.connect(slot)
            self.addAction(act)

        self.idle = IdleWatcher(idle_minutes, self)
        self.idle.idle.connect(self.lock)
        # Any call the services answered ends the outage the banner reports (``tasks``).
        runner.answered.connect(self.db_ok)
        self.actor_changed.connect(self._staff_changed)
        self._set_actor(actor)
        self._reader_state(bridge.state, bridge.detail)
        self.idle.start()
        self.resize(1360, 820)

    # -- staff (``staff_shift``) ---------------------------------------------------------

    def _set_actor(self, actor: Actor) -> None:
        staff_shift.set_actor(self, actor)

    def _staff_changed(self, _actor: Actor) -> None:
        """A staff member logged in (this window), or another one took over at the lock
        screen: a card still in the reader is the last holder's, and no one is served with
        it — 解除挂失 waits for it to be inserted again, as after a service (from a new
        clerk's trial: after 退出登录 and a new login F9 opened a lift for a card not lost)."""
        if self.bridge.state is not ReaderState.CARD_PRESENT:
            return
        self.card_served = True
        # On the reader line, not as a passing message: under X11 the status bar drew a
        # message set at login over its reader line.
        self.card_left_behind = True
        self._reader_state(self.bridge.state, self.bridge.detail)

    def lock(self) -> None:
        """Hide every piece of personal data until the same staff member unlocks."""
        staff_shift.lock(self)

    def try_unlock(self, staff_no: str, password: str) -> None:
        staff_shift.try_unlock(self, staff_no, password)

    def logout(self) -> None:
        """退出登录: end the sessions, close the window (``logged_out``). A workflow still
        open (解除挂失 starts from the card alone, with no holder session) is finished or
        cancelled by the clerk first; its result page is closed on their behalf."""
        workflow = self.workflow
        if workflow is not None and not self.logged_out_already:
            if not getattr(workflow, "finished_ok", False):
                self.show_message(self.tr("请先完成或取消正在办理的业务，再退出登录。"))
                workflow.raise_()
                workflow.activateWindow()
                return
            workflow.accept()
        staff_shift.logout(self)

    def clear_search(self) -> None:
        staff_shift.clear_search(self)

    # -- reader ------------------------------------------------------------------------

    def _reader_state(self, state: ReaderState, detail: str) -> None:
        if state is not ReaderState.CARD_PRESENT:
            self.card_left_behind = False  # the card left (or another is being read)
        self.status_bar.show_reader(state, detail, left_behind=self.card_left_behind)
        self.refresh_actions()

    def _card_ready(self, identity: Any) -> None:
        self.reader_card_state = None
        self.card_served = False
        self.status_bar.clearMessage()  # 社保卡已拔出… was the last holder's
        self.holder.card_in_reader(True)
        self.card_inserted.emit()
        actor = self.actor

        def known(state: str | None) -> None:
            self.reader_card_state = state
            self.refresh_actions()
            void = VOID_CARD_ERRORS.get(state or "")
            if void is not None:  # no PIN for a card that identifies nobody now
                self.card_login.refuse(str(void()))

        if self.may_ask_card_pin():
            self.card_login.start(self.actor, identity)
        self.runner.run(  # after the start: a cancelled card's answer stops the PIN request
            lambda: self.gateway.card_state(actor, identity),
            known,
            lambda _e: None,  # unknown: the lift's own checks say why
            name="card_state",
        )

    def may_ask_card_pin(self) -> bool:
        """Whether the card in the reader may be logged in now: not while locked, not when a
        workflow waits for a card (it takes it from the bridge itself), not with a holder
        open."""
        return not self.locked and self.workflow is None and self.holder.session is None

    def _card_removed(self) -> None:
        self.holder.card_in_reader(False)
        self.reader_card_state = None
        self.card_served = False
        self.card_login.cancel()
        if self.workflow is not None and hasattr(self.workflow, "card_pulled"):
            self.workflow.card_pulled()
        if self.card_session and self.holder.session is not None:
            session = self.holder.session
            self.holder.clear()
            self.clear_search()
            self.card_session = False
            self.card_state = None
            self.runner.run(
                lambda: self.gateway.card_removed(session),
                lambda _r: self._offer_access_slip(session),
                lambda _e: None,
                name="end_session_card_removed",
            )
            self.show_message(self.tr("社保卡已拔出，本次查询已结束。"))
        self.refresh_actions()

    def _offer_access_slip(self, session: Any) -> None:
        """The card left and ended its session: offer the access slip (RULES Q7)."""
        if self._open_workflow is not None:
            from counter_app.ui.workflows.access_slip import offer_after_card_removal

            offer_after_card_removal(self, session)

    def _card_session_opened(self, session: Any) -> None:
        if serving_guard.serving_another(self, session):
            return
        self.next_holder.emit()
        self.clear_search()  # another holder's search rows must not stay beside this one
        self.card_session = True
        self.holder.show_session(self.actor, session)
        self.refresh_actions()

    def _holder_typing(self, typing: bool) -> None:
        # The clerk's side learns only that an entry is open — never a digit or a count.
        self.status_bar.show_holder_typing(typing)
        self.wait_notice.holder_typing(typing)
        if self.holder_dock is not None:
            if typing:  # the dock is the rating's (服务评价) at other times
                self.holder_dock.setWindowTitle(self.tr(KEYPAD_DOCK_TITLE))
            self.holder_dock.setVisible(typing)

    # -- search and ID-checked sessions ------------------------------------------------

    def focus_search(self) -> None:
        self.search_pane.focus_search()

    def do_search(self, text: str) -> None:
        actor = self.actor
        self.runner.run(
            lambda: self.gateway.find_holders(actor, text),
            self._hits_found,
            self._search_refused,
            name="find_holders",
        )

    def _search_refused(self, error: BaseException) -> None:
        if isinstance(error, ValidationError):  # the service's own check of the text
            self.search_pane.no_hits(clerk_text(str(error)), error=True)
            return
        self.search_pane.clear_hits()
        self.show_error(error)

    def _hits_found(self, hits: list[Any]) -> None:
        self.hits.set_rows(hits, HIT_COLUMNS)
        self.search_pane.hits_shown()
        self.search_pane.refresh()  # 核验证件并查看 follows the rows
        if not hits:
            message = self.tr("无记录：未找到该参保人。请核对身份证号码、卡号或姓名与出生日期。")
            self.search_pane.no_hits(message)
            self.show_message(message)

    def selected_hit(self) -> HolderHit | None:
        return self.search_pane.selected_hit()

    def check_id_for_hit(self) -> None:
        """The ID check of the selected hit; the service compares the number (RULES Q7)."""
        hit = self.selected_hit()
        if hit is None:
            return
        if self.holder.session is not None:
            # Another holder's check would abandon this one's case — no 告知单, no rating
            # (RULES E1, E2, Q7): the service is ended first, as 退出登录 asks.
            serving_guard.ask_to_end_first(self, self)
            return
        if self.id_dialog is not None:  # one check at a time
            self.id_dialog.raise_()
            self.id_dialog.activateWindow()
            return
        if self.card_login.busy and not self.pins.active:
            # The holder has typed and the card's login awaits the services (a stalled
            # server: up to minutes): a second holder session must not open beside it.
            self.show_message(self.tr(LOGIN_IN_FLIGHT))
            return
        self.next_holder.emit()
        from counter_app.ui.id_check import IdCheckDialog

        holder_id = hit.holder_id
        actor = self.actor

        def submit(document: Any, reason: str, done: Any, failed: Any) -> None:
            def refused(error: BaseException) -> None:
                if isinstance(error, DatabaseUnavailable):
                    self.db_down(str(error))
                failed(error)

            self.runner.run(
                lambda: self.gateway.open_id_session(actor, holder_id, document, reason),
                done,
                refused,
                name="open_id_session",
            )

        dialog = IdCheckDialog(hit, self, submit=submit)
        self.id_dialog = dialog

        def finished(_code: int) -> None:
            self.id_dialog = None
            if dialog.result_value is not None:
                self._id_session_opened(dialog.result_value)

        dialog.finished.connect(finished)
        if getattr(self, "demo_id_panel", None) is not None:
            # The demo's ID card reader is a panel of this window: a window-modal check
            # shut the clerk's hand out of 放置身份证 (a second read, after a refusal, could
            # only follow 取消 and a new check).
            dialog.show()
            return
        dialog.open()  # window-modal, without a nested event loop

    def _id_session_opened(self, session: Any) -> None:
        if serving_guard.serving_another(self, session):
            return
        self.next_holder.emit()
        self.status_bar.clearMessage()  # nothing the bar said of the last holder stays
        self.search_pane.clear_text()  # the typed full ID number leaves the screen
        self.card_session = False
        self.holder.show_session(self.actor, session)
        self.refresh_actions()

    def serve_holder(self, session: Any) -> None:
        """A workflow identified the holder (the lift, RULES E1): served as after an ID check."""
        self._id_session_opened(session)

    def reveal(self) -> None:
        self.holder.reveal()

    def end_session(self) -> None:
        self.end_service(None)

    def end_service(
        self, unreachable: Callable[[BaseException], None] | None, keep_search: bool = False
    ) -> None:
        """结束服务 (F12). ``unreachable``: what 退出登录 / 退出程序 do when the services cannot
        be reached and the service stays open (``leave_unended``); else the banner says it.
        ``keep_search``: the search is the next holder's (须先结束本次服务), kept."""
        session = self.holder.session
        if session is None:
            return
        workflow = self.workflow
        if workflow is not None:
            if not getattr(workflow, "finished_ok", False):
                # F12 in the middle of a workflow ended the service under it.
                self.show_message(self.tr("请先完成或取消正在办理的业务，再结束服务。"))
                workflow.raise_()
                workflow.activateWindow()
                return
            workflow.accept()  # its result was shown: 完成 on the clerk's behalf
        actor = self.actor

        def done(summary: Any) -> None:
            self.holder.clear()
            if not keep_search:
                self.clear_search()
            self.card_session = False
            self.card_state = None
            self.card_served = True  # a new service starts by inserting the card
            self.refresh_actions()
            self.service_ended.emit(summary)
            if self._open_workflow is not None and summary is not None:
                from counter_app.ui.workflows.access_slip import show_access_slip

                show_access_slip(self, summary)

        def failed(error: BaseException) -> None:
            self.show_error(error)
            if unreachable is not None and isinstance(error, DatabaseUnavailable):
                unreachable(error)

        self.runner.run(
            lambda: self.gateway.end_session(actor, session),
            done,
            failed,
            name="end_session",
        )

    # -- actions -----------------------------------------------------------------------

    def _card_state_known(self, state: Any) -> None:
        self.card_state = None if state is None else str(getattr(state, "value", state))
        # The overview is read again when a workflow closes: a hit of this holder in the
        # list shows the card's state it found (not the one of the search before it).
        holder_id = getattr(self.holder.session, "holder_id", None)
        if holder_id is not None and self.holder.overview is not None:
            self.hits.card_read(holder_id, self.holder.overview.card)
        self.refresh_actions()

    def situation(self) -> Situation:
        in_reader = self.bridge.state is ReaderState.CARD_PRESENT
        chip = self.bridge.identity if in_reader else None
        tries = getattr(chip, "pin_tries_left", None)
        return Situation(
            has_session=self.holder.session is not None,
            card_session=self.card_session,
            card_in_reader=in_reader,
            card_state=self.card_state,
            # What the chip in the reader says (P6, and a hospital terminal's block).
            pin_blocked=None if tries is None else tries == 0,
            app_blocked=getattr(chip, "app_state", "ok") == "blocked",
            reader_card_state=self.reader_card_state if in_reader else None,
            card_served=self.card_served and in_reader,
            other_card=self._other_card(chip),
        )

    def _other_card(self, chip: Any) -> bool:
        """The chip in the reader is not the open holder's card in use (both known)."""
        if chip is None or self.holder.session is None:
            return False
        ours = holder_facts(self.holder.overview).card_number
        theirs = str(getattr(chip, "card_number", "") or "")
        return bool(ours and theirs) and ours.upper() != theirs.upper()

    def refresh_actions(self) -> None:
        situation = self.situation()
        for action in self.action_buttons:
            enabled, why = availability(self.actor, action, situation)
            # Off with its reason: pressing it then says why (RULES U4, ``action_panel``).
            self.action_panel.set_state(action, enabled and self._open_workflow is not None, why)
        self.end_button.setEnabled(situation.has_session)
        void = VOID_CARD_ERRORS.get(situation.reader_card_state or "")
        self.pin_note.show_for(
            situation.card_in_reader, situation.pin_blocked, "" if void is None else str(void())
        )
        self.holder.show_reader_card(reader_card_status(self, situation))
        self.search_pane.refresh()

    def start_workflow(self, action: Action) -> None:
        if self._open_workflow is not None and self.workflow is None:
            try:
                self._open_workflow(self, action)
            except DatabaseUnavailable as error:  # a dialog that asks as it opens
                self.show_error(error)

    # -- messages ----------------------------------------------------------------------

    def show_error(self, error: BaseException) -> None:
        if isinstance(error, DatabaseUnavailable):
            self.db_down(str(error))
        else:
            self.show_message(str(error))

    def db_down(self, text: str) -> None:
        self.banner.setText(self.tr("连接中断：") + clerk_text(text))
        self.banner.show()

    def db_ok(self) -> None:
        self.banner.hide()

    def show_message(self, text: str) -> None:
        bar = self.statusBar()
        if bar is not None:
            bar.showMessage(clerk_text(text), 15000)

    def showEvent(self, event: QShowEvent | None) -> None:  # Qt's name
        """At the first show, room for the holder's dock (the docks are all added by then:
        the demo's on the left too)."""
        if not self._sized_for_holder_dock:
            self._sized_for_holder_dock = True
            make_room_for_holder_dock(self, self.holder_dock)
        super().showEvent(event)

    def closeEvent(self, event: QCloseEvent | None) -> None:
        """Closing ends the open holder session (audited by the service) and the entry.
        The clerk's × (a spontaneous close) asks 确认退出？ first and logs the staff session
        out (``quit_confirm``); the program's own ``close()`` asks nothing."""
        if event is not None and event.spontaneous() and not self.logged_out_already:
            event.ignore()
            quit_confirm.ask_to_quit(self, self)
            return
        session, actor = self.holder.session, self.actor
        self.holder.clear()
        if session is not None and not self.logged_out_already:
            self.runner.run(
                lambda: self.gateway.end_session(actor, session),
                None,
                lambda _e: None,
                name="end_session_on_close",
            )
        self.card_login.cancel()
        self.pins.cancel()
        self.idle.stop()
        self.idle.detach()
        self._retire()
        super().closeEvent(event)

    def _retire(self) -> None:
        """The window is closing (退出登录, or the program ends): nothing of it stays for
        the next login. Every window it opened closes — the last holder's 查阅告知单 and its
        print preview, a workflow, a list — it stops hearing the shared card reader and
        keypad, stops its timers and gives back the widgets it borrowed, so that deleting
        it (the composition root does, ``login_loop``) takes nothing shared with it."""
        workflow, self.workflow = self.workflow, None
        if workflow is not None:
            discard = getattr(workflow, "discard", None)
            if callable(discard):
                discard()  # no 确认放弃本次办理？: the clerk is leaving
            else:
                workflow.reject()
            workflow.deleteLater()
        for other in self.findChildren(QWidget):
            if other.isWindow() and other is not self and other.isVisible():
                if isinstance(other, QDialog):
                    other.reject()
                other.close()
        self.id_dialog = None
        for signal, slot in (
            (self.bridge.state_changed, self._reader_state),
            (self.bridge.card_ready, self._card_ready),
            (self.bridge.card_removed, self._card_removed),
            (self.pins.holder_typing, self._holder_typing),
            (self.runner.answered, self.db_ok),
        ):
            try:
                signal.disconnect(slot)
            except TypeError:  # closed twice: already disconnected
                pass
        self.wait_notice.detach()
        for timer in self.findChildren(QTimer):
            timer.stop()
        for lent in self.borrowed:
            if lent.parent() is not None:
                lent.hide()
                lent.setParent(None)
