"""A card session opened through the reader's PIN pad (PC/SC part 10), with the demo
panel acting as the pad (模拟读卡器密码键盘): the holder-facing window says
请在读卡器键盘上输入密码 and what is being authorised, and the PIN never enters the PC —
the workstation's keypad is never opened and the service gets ``pin=None``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PyQt6.QtCore import QThreadPool

from counter_app.demo.accounts import DEMO_ACCOUNTS, FIXED_HOLDERS, ROLE_PASSWORDS
from counter_app.settings import Settings
from counter_app.ui.tasks import InlinePool


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    from counter_app.demo import ensure_demo_database

    url = f"sqlite:///{tmp_path_factory.mktemp('pinpad') / 'demo.sqlite3'}"
    ensure_demo_database(url, holders=40)
    return url


@pytest.fixture
def counter(qtbot: Any, demo_url: str) -> Iterator[Any]:
    from counter_app.demo.chips import chips_path, sqlite_file
    from counter_app.ui import app

    # One database for the module, but each test's cards as issued: the demo's chips
    # remember a changed PIN across starts (counter_app.demo.chips), a test must not
    # inherit the last test's.
    database = sqlite_file(demo_url)
    assert database is not None
    chips_path(database).unlink(missing_ok=True)
    card_pool = QThreadPool()  # a real card thread: the pad blocks it while the holder types
    card_pool.setMaxThreadCount(1)
    ws = app.build_workstation(
        Settings(mode="demo", db_url=demo_url),
        True,
        pool=InlinePool(),
        card_pool=card_pool,
        second_screen=False,
    )
    app.prepare_database(ws)
    account = next(a for a in DEMO_ACCOUNTS if a.staff_no == "YB500103-01")
    actor = ws.gateway.login(account.staff_no, ROLE_PASSWORDS[account.role]).actor
    win = app.make_main_window(ws, actor)
    qtbot.addWidget(win)
    qtbot.addWidget(ws.pin_entry.panel)
    win.show()
    yield ws, win
    assert ws.demo_pinpad is not None
    ws.demo_pinpad.cancel()
    card_pool.waitForDone(5000)
    win.holder.clear()
    win.idle.detach()
    ws.close()


def test_card_session_through_the_demo_pin_pad(qtbot: Any, counter: Any) -> None:
    ws, win = counter
    pad, panel = ws.demo_pinpad, win.demo_panel
    typed_on_pc: list[Any] = []
    ws.pin_entry.keypad.submitted.connect(typed_on_pc.append)
    panel.pinpad_toggle.setChecked(True)
    assert ws.bridge.has_pin_pad and panel.pad_box.isVisibleTo(panel)

    row = 1  # 李秀英, a changed PIN
    holder = FIXED_HOLDERS[row]
    panel.insert(row)
    qtbot.waitUntil(lambda: pad.waiting, timeout=10000)

    notice = ws.pin_entry.panel
    assert notice.currentWidget() is notice.pinpad
    assert notice.pinpad.title.text() == "请在读卡器键盘上输入密码"
    assert holder.card_number[-4:] in notice.pinpad.purpose.text()
    assert win.status_bar.typing_label.text() == "持卡人正在输入密码…"
    assert not ws.pin_entry.keypad.active  # the PC keypad is not asking

    pad.type_pin(holder.pin)
    qtbot.waitUntil(lambda: win.holder.overview is not None, timeout=10000)
    assert win.card_session
    assert typed_on_pc == []  # the PC's keypad never took a digit
    assert win.status_bar.typing_label.text() == ""


def test_wrong_pin_on_the_pad_asks_again_with_tries_left(qtbot: Any, counter: Any) -> None:
    ws, win = counter
    pad, panel = ws.demo_pinpad, win.demo_panel
    panel.set_pinpad(True)
    holder = FIXED_HOLDERS[1]
    panel.insert(1)
    qtbot.waitUntil(lambda: pad.waiting, timeout=10000)
    pad.type_pin("000000" if holder.pin != "000000" else "111111")
    qtbot.waitUntil(lambda: pad.waiting, timeout=10000)  # the pad asks again
    assert "2" in ws.pin_entry.panel.pinpad.prompt.text()
    pad.type_pin(holder.pin)
    qtbot.waitUntil(lambda: win.holder.overview is not None, timeout=10000)


def test_pulling_the_card_mid_entry_cancels_the_pad(qtbot: Any, counter: Any) -> None:
    ws, win = counter
    pad, panel = ws.demo_pinpad, win.demo_panel
    panel.set_pinpad(True)
    panel.insert(1)
    qtbot.waitUntil(lambda: pad.waiting, timeout=10000)
    panel.remove()
    qtbot.waitUntil(lambda: not pad.waiting and not ws.pin_entry.active, timeout=10000)
    assert win.holder.session is None
