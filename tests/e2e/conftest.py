"""The clerk's day on the real stack: the composition ``counter-app --demo`` builds
(``app.build_workstation`` with the real services behind ``InProcessServices``), an
alembic-migrated demo database filled by the demo generator, the in-process card emulator
with the demo-card panel, the holder keypad clicked button by button. No fakes.

Pools run inline (each service call completes before the click returns), so a test reads
the screen right after it acts. Tests marked
``also_postgres`` run a second time on the throwaway PostgreSQL server (``CI=true``).
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QApplication, QDialogButtonBox, QPushButton

from counter_app.demo.accounts import DEMO_ACCOUNTS, fixed_holder
from counter_app.services.permissions import Action
from counter_app.settings import Settings
from counter_app.ui.main_window import MainWindow
from counter_app.ui.tasks import InlinePool
from tests.e2e.id_typing import choose_reason

#: Demo holders beyond the fixed ones (a small city is enough for every task).
HOLDERS = 20


def account(staff_no: str) -> Any:
    """The demo account (README: every district has the same accounts as 渝中区)."""
    found = [a for a in DEMO_ACCOUNTS if a.staff_no == staff_no]
    if not found:
        suffix = staff_no.rsplit("-", 1)[1]
        found = [
            a
            for a in DEMO_ACCOUNTS
            if a.staff_no.startswith("YB500103-") and a.staff_no.endswith(suffix)
        ]
    return found[0]


def pdf_text(path: str | Path) -> str:
    from pypdf import PdfReader

    data = Path(path).read_bytes()
    return "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture(scope="session")
def demo_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated, filled demo database (copied for each test)."""
    from counter_app.demo import ensure_demo_database

    folder = tmp_path_factory.mktemp("e2e-demo")
    ensure_demo_database(f"sqlite:///{folder / 'demo.sqlite3'}", holders=HOLDERS)
    return folder


@pytest.fixture(scope="session")
def demo_pg_template(pg_server: Any) -> str:
    """The PostgreSQL demo database, migrated and filled once (a template per test)."""
    from counter_app.demo import ensure_demo_database

    url = pg_server.create_database()
    ensure_demo_database(url, holders=HOLDERS)
    return str(url.split("@/", 1)[1].split("?", 1)[0])


@pytest.fixture
def e2e_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def demo_url(e2e_backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh copy of the demo database on ``e2e_backend``."""
    if e2e_backend == "sqlite":
        target = tmp_path / "db"
        target.mkdir()
        for file in request.getfixturevalue("demo_sqlite").glob("demo.sqlite3*"):
            shutil.copy(file, target / file.name)
        yield f"sqlite:///{target / 'demo.sqlite3'}"
        return
    server = request.getfixturevalue("pg_server")
    url = server.create_database(template=request.getfixturevalue("demo_pg_template"))
    yield url
    server.drop_database(url)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "also_postgres: the end-to-end test runs on PostgreSQL too (CI=true)"
    )
    config.addinivalue_line(
        "markers", "also_remote: runs through counter-server (backend = remote) too (CI=true)"
    )
    config.addinivalue_line(
        "markers", "remote_only: runs through counter-server only (what only the city has)"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test runs on SQLite; those marked ``postgres`` on PostgreSQL as well."""
    if "e2e_backend" not in metafunc.fixturenames:
        return
    remote = pytest.param("remote", marks=pytest.mark.postgres)
    if metafunc.definition.get_closest_marker("remote_only"):
        metafunc.parametrize("e2e_backend", [remote], indirect=True)
        return
    backends: list[Any] = ["sqlite"]
    if metafunc.definition.get_closest_marker("also_postgres"):
        backends.append(pytest.param("postgresql", marks=pytest.mark.postgres))
    if metafunc.definition.get_closest_marker("also_remote"):  # through counter-server
        backends.append(remote)
    metafunc.parametrize("e2e_backend", backends, indirect=True)


@dataclass
class Counter:
    """One workstation as a clerk and a holder use it."""

    ws: Any
    qtbot: Any
    tmp: Path
    win: MainWindow | None = None
    login_dialog: Any = None
    saved: list[Path] = field(default_factory=list)
    #: The database, for the test's own checks (a remote workstation has none of its own).
    db_url: str = ""

    # -- the clerk ---------------------------------------------------------------------

    def log_in(self, staff_no: str) -> MainWindow:
        """The login dialog, typed and submitted like a clerk; the main window it opens."""
        opened = self.try_log_in(staff_no)
        assert opened is not None, self.login_dialog.form.error.text()
        self.win = opened
        return self.win

    def try_log_in(self, staff_no: str) -> MainWindow | None:
        """The login dialog, typed and submitted; the main window, or None (refused: the
        dialog stays, ``login_dialog.form.error`` says why)."""
        from counter_app.ui.app import make_login, make_main_window

        dialog = make_login(self.ws)
        self.qtbot.addWidget(dialog)
        opened: list[MainWindow] = []

        def logged_in(result: Any) -> None:
            window = make_main_window(self.ws, result.actor)
            self.qtbot.addWidget(window)
            window.show()
            opened.append(window)

        dialog.logged_in.connect(logged_in)
        dialog.show()
        dialog.form.staff_no.setText(staff_no)
        dialog.form.password.setText(account(staff_no).password)
        self.qtbot.mouseClick(dialog.form.submit, Qt.MouseButton.LeftButton)
        self.login_dialog = dialog
        # With the program's own thread pools the answer comes on a later turn.
        self.qtbot.waitUntil(lambda: bool(opened or dialog.form.error.text()), timeout=20000)
        return opened[0] if opened else None

    @property
    def window(self) -> MainWindow:
        assert self.win is not None
        return self.win

    def click(self, button: QPushButton) -> None:
        assert button.isVisible() and button.isEnabled(), button.text()
        self.qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    def search(self, text: str) -> None:
        box = self.window.search_pane.box
        box.edit.clear()
        self.qtbot.keyClicks(box.edit, text)
        self.click(box.button)
        assert self.window.hits.rowCount() > 0, self.window.statusBar().currentMessage()

    def id_check(self, number: str, reason_index: int = 0) -> Any:
        """核验证件并查看 on the selected hit: the dialog typed like a clerk; it stays open on
        a refusal (returned, with its error) and closes when the service opened the session."""
        self.click(self.window.search_pane.open_button)
        dialog = self.window.id_dialog
        assert dialog is not None and dialog.isVisible()
        dialog.number.clear()
        self.qtbot.keyClicks(dialog.number, number)
        choose_reason(dialog.number)  # why the number is typed: chosen, never pre-selected
        dialog.reason_box.setCurrentIndex(reason_index)
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
        return dialog

    def start(self, action: Action) -> Any:
        self.click(self.window.action_buttons[action])
        assert self.window.workflow is not None
        return self.window.workflow

    def next(self, dialog: Any) -> None:
        self.click(dialog.next_button)

    def save_pdf(self, dialog: Any, name: str) -> str:
        """保存为 PDF on the result page (the path a clerk would pick in the file dialog)."""
        QApplication.processEvents()  # buttons added to a shown page appear on the next turn
        button = dialog.findChild(QPushButton, "savePdfButton")
        assert button is not None and button.isVisible()
        path = self.tmp / f"{name}.pdf"
        saved = dialog.printer.save_as(str(path))
        assert saved == str(path) and path.read_bytes().startswith(b"%PDF")
        self.saved.append(path)
        return pdf_text(path)

    # -- the holder --------------------------------------------------------------------

    def insert(self, key: str) -> None:
        """The clerk inserts the holder's demo card from the 演示卡 panel."""
        panel = self.window.demo_panel  # type: ignore[attr-defined]
        number = fixed_holder(key).card_number
        rows = [i for i, (p, _n) in enumerate(self.ws.demo_cards) if p["card_number"] == number]
        assert rows, f"no demo card for {key}"
        panel.insert(rows[0])
        QApplication.processEvents()

    def remove(self) -> None:
        self.window.demo_panel.remove()  # type: ignore[attr-defined]
        QApplication.processEvents()

    def type_pin(self, digits: str) -> None:
        """The holder presses the keypad's buttons (wherever the shuffle put them)."""
        keypad = self.ws.pin_entry.keypad
        assert keypad.active, "the holder keypad is not asking"
        for digit in digits:
            (button,) = [b for b in keypad.digit_buttons if b.text() == digit]
            self.qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        self.qtbot.mouseClick(keypad.confirm_button, Qt.MouseButton.LeftButton)

    def card_session(self, key: str, pin: str | None = None) -> None:
        self.insert(key)
        self.type_pin(pin if pin is not None else fixed_holder(key).pin)
        assert self.window.holder.session is not None, self.window.statusBar().currentMessage()

    def id_session(self, key: str) -> None:
        holder = fixed_holder(key)
        self.search(holder.ssn)
        dialog = self.id_check(holder.ssn)
        assert not dialog.isVisible(), dialog.error.text()
        assert self.window.holder.session is not None

    def approve(self, dialog: Any, staff_no: str) -> None:
        step = dialog.approval
        assert step is not None and dialog.stack.currentWidget() is step.page
        step.staff_no.setText(staff_no)
        step.password.setText(account(staff_no).password)
        self.next(dialog)


@pytest.fixture
def counter(
    qtbot: Any, tmp_path: Path, demo_url: str, e2e_backend: str
) -> Iterator[Callable[..., Counter]]:
    """``counter(staff_no, four_eyes=True)``: the demo workstation, logged in (``log_in=
    False``: not yet). Through counter-server the workstation's certificate names the
    clerk's office, or ``office``."""
    from counter_app.ui.app import build_workstation, load_demo_cards

    made: list[Counter] = []
    stops: list[Callable[[], None]] = []

    def make(
        staff_no: str, *, four_eyes: bool = True, office: str = "", log_in: bool = True
    ) -> Counter:
        settings = Settings(mode="demo", db_url=demo_url, four_eyes=four_eyes, keypad_shuffle=True)
        if e2e_backend == "remote":  # the same database behind counter-server
            from tests.server.city import office_of, remote_workstation

            settings, stop = remote_workstation(
                demo_url,
                tmp_path / f"city{len(made)}",
                office or office_of(demo_url, staff_no),  # by default the clerk's own office
                four_eyes=four_eyes,
            )
            stops.append(stop)
            settings = settings.replace(keypad_shuffle=True)
        ws = build_workstation(
            settings, True, pool=InlinePool(), card_pool=InlinePool(), second_screen=False
        )
        if e2e_backend == "remote":  # no database and no card key on this workstation
            from counter_app.remote.client import RemoteServices

            assert isinstance(ws.gateway, RemoteServices) and ws.composition.engine is None
            assert ws.ctx.key_provider is None
            assert ws.composition.key_problem is None  # none needed, none warned about
            # the login's demo accounts: only those the server logs in here (its office)
            assert ws.demo_accounts
            assert {a.office_code for a in ws.demo_accounts} == {settings.office_code}
        ws.demo_cards[:] = load_demo_cards(demo_url)
        qtbot.addWidget(ws.pin_entry.panel)
        c = Counter(ws, qtbot, tmp_path, db_url=demo_url)
        made.append(c)
        if log_in:
            c.log_in(staff_no)
        return c

    yield make
    for c in made:
        close_counter(c)


def close_counter(c: Counter) -> None:
    """Leave nothing of this workstation behind for the next test: dialogs, the holder's
    rating (its app-wide key filter), the keypad, the pools and the database."""
    from counter_app.ui.workflows.access_slip import AccessSlipDialog

    if c.win is not None:
        if c.win.workflow is not None:
            c.win.workflow.reject()
        for slip in c.win.findChildren(AccessSlipDialog):
            slip.close()
        if c.win.id_dialog is not None:
            c.win.id_dialog.reject()
        rating = getattr(c.win, "rating", None)
        device = getattr(rating, "device", None)
        if rating is not None and hasattr(rating, "timer"):
            rating.timer.stop()
        if device is not None and hasattr(device, "withdraw"):
            device.withdraw()
        c.win.holder.clear()
        c.win.idle.detach()
    c.ws.pin_entry.cancel()
    c.ws.close()
