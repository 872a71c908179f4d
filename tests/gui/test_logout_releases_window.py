"""退出登录 lets the main window go (a clerk logs in and out many times a day).

On the real composition (``app.build_workstation`` over a migrated demo database, the
in-process card emulator, the demo panels, the real login dialog and ``LoginLoop`` as
``counter-app --demo`` runs them): after several login/logout cycles no earlier main window
remains once Qt's deferred deletions ran — nor its ID-reader watch, staff heartbeat or
rating — while what the composition lent it (the holder panel, the 演示卡 and 演示身份证
panels) stays, one of each, for the next login. A window is deleted only when no task's
answer can still come back to it.
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PyQt6 import sip
from PyQt6.QtCore import QCoreApplication, QEvent, QRunnable, Qt, QTimer
from PyQt6.QtWidgets import QApplication

from counter_app.demo.accounts import DEMO_ACCOUNTS
from counter_app.settings import Settings
from counter_app.ui.login_loop import LoginLoop
from counter_app.ui.tasks import InlinePool, TaskRunner

pytestmark = pytest.mark.gui

STAFF = "YB500103-01"


def _password(staff_no: str) -> str:
    return next(a.password for a in DEMO_ACCOUNTS if a.staff_no == staff_no)


def _flush_deletions() -> None:
    """Run Qt's deferred deletions (a deletion can post more: PyQt's slot proxies)."""
    for _ in range(4):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QApplication.processEvents()
    gc.collect()


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from counter_app.demo import ensure_demo_database

    path = tmp_path_factory.mktemp("logout-release") / "demo.sqlite3"
    ensure_demo_database(f"sqlite:///{path}", holders=4)
    return path


@pytest.fixture
def station(qtbot: Any, demo_db: Path) -> Iterator[tuple[Any, LoginLoop]]:
    """The demo workstation and its login loop, as ``app.run`` wires them."""
    from counter_app.ui.app import build_workstation, load_demo_cards, make_login, make_main_window

    url = f"sqlite:///{demo_db}"
    ws = build_workstation(
        Settings(mode="demo", db_url=url),
        True,
        pool=InlinePool(),
        card_pool=InlinePool(),
        second_screen=False,
    )
    ws.demo_cards[:] = load_demo_cards(url)
    login = make_login(ws)
    qtbot.addWidget(login)
    loop = LoginLoop(login, lambda actor: make_main_window(ws, actor), ws.runner)
    yield ws, loop
    if loop.window is not None:
        loop.window.holder.clear()
        loop.window.idle.detach()
        loop.window.close()
    ws.close()
    for panel in (ws.pin_entry.panel, *ws.demo_panels.values()):
        if not sip.isdeleted(panel):
            panel.deleteLater()
    _flush_deletions()


def _log_in(qtbot: Any, loop: LoginLoop) -> Any:
    form = loop.login.form
    form.staff_no.setText(STAFF)
    form.password.setText(_password(STAFF))
    qtbot.mouseClick(form.submit, Qt.MouseButton.LeftButton)
    assert loop.window is not None, form.error.text()
    return loop.window


def test_logout_deletes_the_window_and_keeps_the_workstations_panels(
    qtbot: Any, station: tuple[Any, LoginLoop]
) -> None:
    ws, loop = station
    gone: list[weakref.ref[Any]] = []
    parts: list[weakref.ref[Any]] = []
    pages = None
    panels: dict[str, Any] = {}
    for cycle in range(4):
        window = _log_in(qtbot, loop)
        assert window.isVisible() and all(ref() is None for ref in gone), cycle
        if pages is None:
            pages = ws.pin_entry.panel.count()
            panels = dict(ws.demo_panels)
        # One holder page per workstation, not one more rating page at every login.
        assert ws.pin_entry.panel.count() == pages
        assert ws.demo_panels == panels  # the same 演示卡 / 演示身份证 panels, in this window
        assert window.demo_panel is panels["cards"] and window.demo_panel.window() is window
        assert ws.pin_entry.panel.window() is window  # the holder dock shows it
        assert window.id_card_search.timer.isActive() and window.staff_heartbeat.timer.isActive()
        timers = window.findChildren(QTimer)
        qtbot.mouseClick(window.action_panel.logout_button, Qt.MouseButton.LeftButton)
        assert loop.window is None and loop.login.isVisible()
        # Closed and not yet deleted: no timer of it runs (the idle ID-reader watch, the
        # staff heartbeat, the badges, the idle lock).
        assert not [t.objectName() or type(t.parent()).__name__ for t in timers if t.isActive()]
        gone.append(weakref.ref(window))
        parts += [
            weakref.ref(window.id_card_search),
            weakref.ref(window.staff_heartbeat),
            weakref.ref(window.rating),
        ]
        del window, timers
        _flush_deletions()
        assert gone[-1]() is None, f"the window of login {cycle + 1} is still alive"
        assert all(ref() is None or sip.isdeleted(ref()) for ref in parts)
        # What the composition lent it is still there for the next login.
        assert not sip.isdeleted(ws.pin_entry.panel)
        assert all(not sip.isdeleted(p) for p in panels.values())
    assert all(ref() is None for ref in gone)


class _HeldPool:
    """A pool whose jobs run when the test says (a service call still on its way)."""

    def __init__(self) -> None:
        self.jobs: list[QRunnable] = []

    def start(self, runnable: QRunnable) -> None:
        self.jobs.append(runnable)

    def run_all(self) -> None:
        jobs, self.jobs = self.jobs, []
        for job in jobs:
            job.run()


def test_a_window_goes_only_once_no_answer_can_come_back_to_it(qtbot: Any) -> None:
    """A task still in flight at 退出登录 (the logout call itself, a badge's count) calls back
    into the window: it is deleted after that, not under the callback."""
    from PyQt6.QtWidgets import QLabel

    pool = _HeldPool()
    runner = TaskRunner(pool, InlinePool())
    label = QLabel("旧窗口")
    seen: list[str] = []
    runner.run(lambda: "已答复", lambda text: seen.append(label.text() + text), name="late")
    runner.when_idle(label.deleteLater)
    _flush_deletions()
    assert not sip.isdeleted(label)  # the answer has not come yet
    pool.run_all()
    assert seen == ["旧窗口已答复"]  # the callback read the live label
    _flush_deletions()
    assert sip.isdeleted(label)
    done: list[int] = []
    runner.when_idle(lambda: done.append(1))  # idle: at once
    assert done == [1]


def test_a_card_inserted_after_the_next_login_reaches_only_the_new_window(
    qtbot: Any, station: tuple[Any, LoginLoop]
) -> None:
    """The card reader's signals outlive every window (the workstation's bridge): a window's
    notes listen to them only as long as they exist. A trial crashed at 退出登录, the next
    login and 插入所选卡 — the deleted window's 重新输入密码 note was still connected."""
    ws, loop = station
    window = _log_in(qtbot, loop)
    qtbot.mouseClick(window.action_panel.logout_button, Qt.MouseButton.LeftButton)
    del window
    _flush_deletions()
    window = _log_in(qtbot, loop)
    window.demo_panel.insert(0)  # the bridge tells every listener a card is in the reader
    QApplication.processEvents()
    assert ws.pin_entry.keypad.active  # the new window's card login asks for the PIN
    ws.pin_entry.cancel()
    QApplication.processEvents()
    window.demo_panel.remove()  # and a card leaving reaches no deleted note either
    QApplication.processEvents()
    assert not ws.bridge.card_present and window.holder.session is None
