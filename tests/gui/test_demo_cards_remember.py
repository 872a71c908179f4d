"""``counter-app --demo`` started again on the same data folder: the 演示卡 panel's cards are
as the last run left them (``counter_app.demo.chips``) — a PIN changed on a card (RULES P4)
is its PIN, the old one fails, and the panel's line says the card kept its state — because
the database that recorded the change remembers it too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from counter_app.demo.accounts import DEMO_ACCOUNTS, FIXED_HOLDERS, ROLE_PASSWORDS
from counter_app.demo.chips import KEPT_NOTE, chips_path
from counter_app.settings import Settings
from counter_app.ui.tasks import InlinePool
from reader import errors as e
from reader.client import SocialSecurityCardClient
from reader.pinbuffer import PinBuffer

NEW_PIN = "246810"
ROW = next(i for i, h in enumerate(FIXED_HOLDERS) if h.key == "active_default_pin")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from counter_app.demo import ensure_demo_database

    path = tmp_path_factory.mktemp("demo-remember") / "demo.sqlite3"
    ensure_demo_database(f"sqlite:///{path}", holders=4)
    return path


def start_demo(qtbot: Any, path: Path) -> tuple[Any, Any]:
    """What ``app.run`` does for ``--demo``: the workstation, the demo database and cards
    (``prepare_database``), a clerk logged in, the main window with its 演示卡 panel."""
    from counter_app.ui import app

    ws = app.build_workstation(
        Settings(mode="demo", db_url=f"sqlite:///{path}"),
        True,
        pool=InlinePool(),
        card_pool=InlinePool(),
        second_screen=False,
    )
    app.prepare_database(ws)
    account = next(a for a in DEMO_ACCOUNTS if a.staff_no == "YB500103-01")
    actor = ws.gateway.login(account.staff_no, ROLE_PASSWORDS[account.role]).actor
    win = app.make_main_window(ws, actor)
    qtbot.addWidget(win)
    qtbot.addWidget(ws.pin_entry.panel)
    return ws, win


def stop_demo(ws: Any, win: Any) -> None:
    win.holder.clear()
    win.idle.detach()
    win.close()
    ws.close()


def pin(digits: str) -> PinBuffer:
    return PinBuffer.from_keys(digits.encode("ascii"))


def test_P4_a_pin_changed_in_one_demo_run_is_the_card_s_pin_in_the_next(
    qtbot: Any, demo_db: Path
) -> None:
    ws, win = start_demo(qtbot, demo_db)
    try:
        assert ws.demo_chips is not None
        assert ws.demo_cards[ROW][0]["pin"] == "123456"
        win.demo_panel.insert(ROW)
        # The CHANGE PIN APDU the change-PIN workflow's card step sends (CARD.md).
        SocialSecurityCardClient(ws.transport).change_pin(pin("123456"), pin(NEW_PIN))
        win.demo_panel.remove()
    finally:
        stop_demo(ws, win)
    assert chips_path(demo_db).exists()

    ws, win = start_demo(qtbot, demo_db)  # the demo started again, same data folder
    try:
        assert ws.demo_cards[ROW][0]["pin"] == NEW_PIN
        line = win.demo_panel.list.item(ROW).text()
        assert f"演示起始密码 {NEW_PIN}" in line and KEPT_NOTE in line
        win.demo_panel.insert(ROW)
        card = SocialSecurityCardClient(ws.transport)
        with pytest.raises(e.WrongPin):
            card.verify(pin("123456"))
        card.verify(pin(NEW_PIN))
    finally:
        stop_demo(ws, win)
