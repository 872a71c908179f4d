"""The GUI's start-up: ``counter_app.compose`` (settings → engine → ``ServiceContext`` → key
provider → card client), then the reader thread and the windows on top.

Everything the windows use is built once and passed in through constructors
(docs/ARCHITECTURE.md "The composition root"): no module-level engine, no global application
object. ``run`` is what ``counter-app`` calls; ``build_workstation`` is also used by tests,
the screenshot script and the GUI benchmark.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PyQt6.QtCore import Qt, QTimer
from PyQt6.QtWidgets import QApplication, QDockWidget

from counter_app.api import CounterServices
from counter_app.api.inprocess import InProcessServices
from counter_app.compose import Composition, compose
from counter_app.demo.accounts import DemoAccount
from counter_app.remote.workstation_files import check_workstation_start
from counter_app.services.context import Actor, ServiceContext
from counter_app.settings import Settings, SettingsError, load_settings
from counter_app.ui.account_menu import AccountMenu, install_account_menu
from counter_app.ui.demo_panel import DemoCardsPanel, DemoPinPad
from counter_app.ui.followups import FollowUpBadge, check_open_case, install_followup_badge
from counter_app.ui.help_menu import HelpMenu, install_help_menu
from counter_app.ui.i18n import install_language, install_qt_translations
from counter_app.ui.id_card_search import IdCardSearch, install_id_card_search
from counter_app.ui.id_demo_panel import DemoIdCardPanel
from counter_app.ui.id_reader import IdCardStation, build_id_station
from counter_app.ui.lapsing import LapsingBadge, install_lapsing_badge
from counter_app.ui.login import LoginDialog
from counter_app.ui.login_loop import LoginLoop
from counter_app.ui.lookup_keys import share_lookup_keys
from counter_app.ui.lookup_menu import install_lookup_menu
from counter_app.ui.main_window import MainWindow
from counter_app.ui.pin_entry import PinEntry
from counter_app.ui.printing import Printing
from counter_app.ui.queue_ticket import QueueTicketField, install_queue_ticket
from counter_app.ui.rating import RatingController, install_rating
from counter_app.ui.reader_bridge import ReaderBridge
from counter_app.ui.staff_heartbeat import StaffHeartbeat, install_staff_heartbeat
from counter_app.ui.start_refusal import refuse_start
from counter_app.ui.supervisor import ReportsMenu, install_reports_menu
from counter_app.ui.table_keys import install_table_keys
from counter_app.ui.tasks import Pool, TaskRunner
from counter_app.ui.ui_locale import use_language_locale
from counter_app.ui.workflows import open_workflow

if TYPE_CHECKING:  # the emulator and PC/SC are imported where the one in use is built
    from reader.emulator.chipmemory import ChipMemory
    from reader.emulator.inprocess import InProcessTransport
    from reader.pcsc_service import CardReaderService

log = logging.getLogger(__name__)


@dataclass
class Workstation:
    """The collaborators of one running workstation, each built once by
    :func:`build_workstation` and passed to the windows."""

    settings: Settings
    #: What ``counter_app.compose`` built: the ``ServiceContext``, the database engine (for
    #: disposal; the UI never queries it), the card key provider.
    composition: Composition
    #: The typed service interface (``counter_app.api``) every window calls.
    gateway: CounterServices
    runner: TaskRunner
    bridge: ReaderBridge
    pin_entry: PinEntry
    #: The resident ID card reader (IDCARD.md; the demo: an emulator on a pty).
    id_station: IdCardStation
    #: Preview, print and save of forms and reports.
    printing: Printing
    demo: bool = False
    #: The in-process emulator transport (demo, or ``reader_name = emulator``).
    transport: InProcessTransport | None = None
    #: The PC/SC reader thread (production).
    reader_service: CardReaderService | None = None
    demo_accounts: Sequence[DemoAccount] = ()
    demo_cards: list[tuple[dict[str, Any], str]] = field(default_factory=list)
    closers: list[Callable[[], None]] = field(default_factory=list)
    demo_pinpad: DemoPinPad | None = None
    #: The demo's 演示卡 and 演示身份证 panels, made once and handed from window to window:
    #: they stand for the physical readers, whose cards stay in them across 退出登录 (a
    #: new panel at each login said 读卡器中没有卡 beside the status bar's 已插卡, and
    #: forgot the PIN each demo card had been given).
    demo_panels: dict[str, Any] = field(default_factory=dict)
    #: The demo cards' chip memory: they keep a changed PIN or a block across a restart
    #: (``counter_app.demo.chips``); None: they start from their profiles.
    demo_chips: ChipMemory | None = None

    def demo_panel(self, kind: str, make: Callable[[], Any]) -> Any:
        """The one panel of ``kind``, made by ``make`` the first time."""
        from PyQt6 import sip

        panel = self.demo_panels.get(kind)
        if panel is None or sip.isdeleted(panel):
            panel = self.demo_panels[kind] = make()
        return panel

    @property
    def ctx(self) -> ServiceContext:
        return self.composition.ctx

    def close(self) -> None:
        self.pin_entry.cancel()
        if self.demo_pinpad is not None:
            self.demo_pinpad.cancel()
        for closer in reversed(self.closers):
            try:
                closer()
            except Exception:  # shutting down: log and go on
                log.exception("shutdown step failed")


def demo_settings(settings: Settings) -> Settings:
    changes: dict[str, Any] = {"mode": "demo"}
    if not settings.office_code:
        changes["office_code"] = "500103-YB"  # 渝中区医疗保险分中心: every workflow is allowed
    if not settings.reader_name:
        changes["reader_name"] = "emulator"
    return settings.replace(**changes)


def load_demo_cards(url: str) -> list[tuple[dict[str, Any], str]]:
    """(emulator profile, note) of the fixed demo holders' cards (ids 1–12), read from the
    database rows so the chips match the records, with the PIN, counter and state their
    chips remember from an earlier run on this database (``counter_app.demo.chips``)."""
    from counter_app.demo.chips import load_database_cards

    return load_database_cards(url)[0]


def build_workstation(
    settings: Settings,
    demo: bool,
    *,
    pool: Pool | None = None,
    card_pool: Pool | None = None,
    session_factory: Any = None,
    second_screen: bool | None = None,
) -> Workstation:
    """Build every collaborator. ``session_factory`` replaces the database (tests)."""
    if demo:
        settings = demo_settings(settings)
    closers: list[Callable[[], None]] = []
    remote: CounterServices | None = None
    server_timeout_s: float | None = None  # how long a silent counter-server is waited for
    if settings.backend == "remote":  # a city: counter-server, no database here
        from counter_app.remote.transport import READ_TIMEOUT_S
        from counter_app.remote.workstation_file import connect_workstation, no_database

        server_timeout_s = READ_TIMEOUT_S

        remote, close = connect_workstation(settings)
        closers.append(close)
        session_factory = no_database
    # A city workstation holds no card keys (DEPLOYMENT.md): the server does the keyed card
    # steps, so nothing is loaded here — nor warned about at every start.
    parts = compose(settings, session_factory=session_factory, load_keys=remote is None)
    closers.append(parts.close)
    runner = TaskRunner(pool, card_pool, server_timeout_s=server_timeout_s)
    closers.append(runner.wait)
    transport: InProcessTransport | None = None
    reader_service: CardReaderService | None = None
    demo_pinpad: DemoPinPad | None = None
    if demo or settings.reader_name == "emulator":
        from reader.emulator.inprocess import InProcessTransport

        demo_pinpad = DemoPinPad()
        # The emulated reader always has its (simulated) PIN pad; whether the workstation
        # uses it is the demo panel's 模拟读卡器密码键盘 toggle (``bridge.has_pin_pad``).
        emulated = transport = InProcessTransport(pinpad=demo_pinpad.read)

        def card_call(fn: Callable[[Any], Any]) -> Any:
            return fn(parts.card_client(emulated))

        bridge = ReaderBridge(runner, card_call)
    else:
        from reader.pcsc_service import CardReaderService

        service = reader_service = CardReaderService(settings.reader_name or None)

        def card_call(fn: Callable[[Any], Any]) -> Any:
            return service.run(lambda t: fn(parts.card_client(t)))

        def read_identity(client: Any) -> Any:
            # On the card thread, at each insertion: does this reader have a PIN pad
            # (PC/SC part 10)? Set before ``card_ready`` is queued to the GUI thread.
            identity = client.read_identity()
            bridge.has_pin_pad = reader_has_pin_pad(client)
            return identity

        bridge = ReaderBridge(runner, card_call, reader_present=False, read_identity=read_identity)
        service.add_listener(lambda event: _reader_event(bridge, event))
        closers.append(service.stop)
    pin_entry = PinEntry(shuffle=settings.keypad_shuffle, second_screen=second_screen)
    id_station = build_id_station(settings, demo)  # IDCARD.md; the demo: an emulator
    closers.append(id_station.close)
    accounts: Sequence[DemoAccount] = ()
    if demo:
        from counter_app.demo.accounts import DEMO_ACCOUNTS

        accounts = DEMO_ACCOUNTS
        if remote is not None:  # counter-server logs in only its certificate's office (S3)
            accounts = tuple(a for a in DEMO_ACCOUNTS if a.office_code == settings.office_code)
    return Workstation(
        settings,
        parts,
        remote or InProcessServices(parts.ctx, runner.call_in_process),
        runner,
        bridge,
        pin_entry,
        id_station,
        Printing(runner),
        demo,
        transport,
        reader_service,
        accounts,
        [],
        closers,
        demo_pinpad,
    )


def reader_has_pin_pad(client: Any) -> bool:
    """Whether the reader behind ``client`` has a PIN pad (PC/SC part 10); card thread only."""
    return client.pin_pad() is not None


def _reader_event(bridge: ReaderBridge, event: Any) -> None:
    """CardReaderService listener (monitor thread): only signals are emitted here."""
    kind = getattr(event, "kind", "")
    if kind == "card_inserted":
        bridge.notify_inserted()
    elif kind == "card_removed":
        bridge.notify_removed()
    elif kind in ("reader_added", "service_restored"):
        bridge.notify_reader(True, getattr(event, "reader", ""))
    elif kind in ("reader_removed", "service_lost"):
        bridge.notify_reader(False, "读卡服务不可用" if kind == "service_lost" else "")


def prepare_database(ws: Workstation, demo_cards_file: Path | None = None) -> None:
    """Demo: create and fill the demo database on first use, and load the demo cards
    (runs on a pool thread). A demo workstation against counter-server has no database (nor
    is one made here): its demo cards and ID cards come from ``demo_cards_file``
    (``counter_app.demo.cards_file``, written by ``scripts/city``), or it has none."""
    if not ws.demo:
        return
    if ws.settings.backend == "remote":
        if demo_cards_file is not None:
            from counter_app.demo.chips import load_file_cards

            found, ws.demo_chips = load_file_cards(demo_cards_file)
            ws.demo_cards[:] = found.cards
            ws.id_station.use_demo_cards(lambda: found.idcards)
        return
    from counter_app.demo import ensure_demo_database
    from counter_app.demo.chips import load_database_cards

    url = ws.settings.database_url()
    ensure_demo_database(url)
    ws.demo_cards[:], ws.demo_chips = load_database_cards(url)


def start_background(ws: Workstation) -> None:
    """Start the helper process (page images, report PDFs; warmed with imports and fonts)
    and warm this process, both without blocking the GUI thread. Called once after the
    first window is up; the tests leave it out and run everything in-process."""
    from counter_app.ui.drawing_process import warm
    from counter_app.ui.tasks import HelperProcess
    from counter_app.warmup import warm_gui_process

    if ws.runner.process is None:
        process = HelperProcess(warm)
        ws.runner.process = process
        ws.closers.append(process.close)
    ws.runner.run(
        warm_gui_process, None, lambda e: log.warning("warm-up: %s", e), quiet=True, name="warm_up"
    )


def make_report_maker(ws: Workstation) -> Any:
    """The supervisor menu's ``ReportMaker``: ``CounterServices.make_report`` — the service
    (``services.reporting``) checks the permission, audits and runs the queries on a pool
    thread; the PDF is drawn in the helper process (reportlab with the CJK fonts is pure
    Python and makes ~150,000 objects: not in the GUI process)."""
    return ws.gateway.make_report


class CounterWindow(MainWindow):
    """The main window with the parts :func:`make_main_window` installs on it, typed."""

    id_station: IdCardStation
    demo_id_panel: DemoIdCardPanel | None
    demo_panel: DemoCardsPanel | None
    lapsing_badge: LapsingBadge
    rating: RatingController
    followup_badge: FollowUpBadge
    queue_ticket: QueueTicketField
    reports_menu: ReportsMenu
    account_menu: AccountMenu
    help_menu: HelpMenu
    staff_heartbeat: StaffHeartbeat
    id_card_search: IdCardSearch


def make_main_window(ws: Workstation, actor: Actor) -> CounterWindow:
    window = CounterWindow(
        ws.gateway,
        ws.runner,
        ws.bridge,
        ws.pin_entry,
        actor,
        idle_minutes=ws.settings.idle_lock_minutes,
        open_workflow=open_workflow,
        printing=ws.printing,
    )
    window.id_station = ws.id_station  # the ID chip reads find it on the window (id_chip)
    # Whether a supervisor approves (F6, F9), asked once now off the GUI thread: the city's
    # client keeps the answer, so those dialogs do not ask the server as they open.
    ws.runner.run(ws.gateway.four_eyes_required, quiet=True, name="four_eyes_required")
    window.demo_id_panel = window.demo_panel = None
    if ws.demo and ws.id_station.emulator is not None:
        id_panel = ws.demo_panel("id", lambda: DemoIdCardPanel(ws.id_station, ws.demo_cards))
        id_dock = QDockWidget(window.tr("演示身份证"), window)
        id_dock.setObjectName("demoIdDock")
        id_dock.setWidget(id_panel)
        window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, id_dock)
        window.demo_id_panel = id_panel
        window.borrowed.append(id_panel)  # the reader's panel outlives the window
    if ws.demo and ws.transport is not None:
        from reader.emulator.card import EmulatedCard

        transport = ws.transport
        make_card = ws.demo_chips.card if ws.demo_chips is not None else EmulatedCard.from_profile
        panel = ws.demo_panel(
            "cards",
            lambda: DemoCardsPanel(
                transport,
                ws.bridge,
                ws.demo_cards,
                make_card,
                pinpad=ws.demo_pinpad,
            ),
        )
        dock = QDockWidget(window.tr("演示卡"), window)
        dock.setObjectName("demoDock")
        dock.setWidget(panel)
        window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
        window.demo_panel = panel
        window.borrowed.append(panel)
    # The days asked for, not the service's default: the list's heading says N 天内 (RULES L2).
    window.lapsing_badge = install_lapsing_badge(window, ws.settings.lapsing_warning_days)
    window.rating = install_rating(window, ws.pin_entry, ws.settings.rating_timeout_seconds)
    window.followup_badge = install_followup_badge(window)
    window.queue_ticket = install_queue_ticket(window)
    window.staff_heartbeat = install_staff_heartbeat(window)
    check_open_case(window)
    # Another clerk taking over at the lock screen is offered it as a login is (RULES E1).
    window.staff_took_over.connect(lambda _actor: check_open_case(window))
    window.reports_menu = install_reports_menu(
        window, make_report_maker(ws), window.lapsing_badge.show_list
    )
    lookups = install_lookup_menu(window)  # 查询: catalogues, employer contributions (Q5, Q6)
    share_lookup_keys(window, lookups)  # its shortcuts from inside the look-up windows too
    window.account_menu = install_account_menu(window)  # 账户: 修改登录密码, 退出登录
    window.help_menu = install_help_menu(window)  # 帮助: keys and the usual steps (F1)
    # An ID card placed while no one is served finds its holder and opens 核验证件 (Q7).
    window.id_card_search = install_id_card_search(window, ws.id_station)
    return window


def make_login(ws: Workstation) -> LoginDialog:
    return LoginDialog(ws.gateway, ws.runner, ws.settings.workstation_id, ws.demo_accounts)


def run(demo: bool, settings_path: str | None, demo_cards_file: Path | None = None) -> int:
    """``counter-app [--demo]``: log in, then the main window, until the window closes."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:  # a start refused says why (a box, one log line, exit 2), never a traceback
        settings = load_settings(Path(settings_path) if settings_path else None)
        check_workstation_start(settings)
    except SettingsError as error:
        return refuse_start(error)
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("counter-app")
    translator = install_language(app, settings.language)  # noqa: F841 - kept alive
    qt_translator = install_qt_translations(app, settings.language)  # noqa: F841 - kept alive
    install_table_keys(app)  # Tab leaves every table (tabKeyNavigation off as each is polished)
    use_language_locale(settings.language)  # Qt's calendars and file dialogs in its language
    try:
        ws = build_workstation(settings, demo)
    except Exception as error:  # the start's last word is a message, not a traceback
        return refuse_start(error)
    if ws.reader_service is not None:
        ws.reader_service.start()
    login = make_login(ws)
    # Each login opens a main window; 退出登录 shows the login again and lets the window go.
    loop = LoginLoop(login, lambda actor: make_main_window(ws, actor), ws.runner)  # noqa: F841
    login.rejected.connect(app.quit)
    if demo:
        login.form.set_busy(True)
        login.form.submit.setText(login.tr("正在准备演示数据库…"))

        def ready(_r: Any) -> None:
            login.form.set_busy(False)

        def failed(error: BaseException) -> None:
            login.form.set_busy(False)
            login.form.error.setText(login.tr("演示数据库准备失败：") + str(error))

        QTimer.singleShot(
            0,
            lambda: ws.runner.run(
                lambda: prepare_database(ws, demo_cards_file),
                ready,
                failed,
                services=False,  # a file read or the local demo database: its own text
                name="prepare_demo_database",
            ),
        )
    login.show()
    start_background(ws)
    app.setQuitOnLastWindowClosed(True)
    try:
        return app.exec()
    finally:
        ws.close()
