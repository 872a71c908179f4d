"""The counter through the real PC/SC stack: pyscard → pcscd → vpcd → the card emulator
serving a demo holder's card, with the workstation built for a PC/SC reader (as in a
city: ``CardReaderService``, insertion seen by the reader monitor). Skips without pcscd and
the vpcd driver, except under ``CI=true`` (tests/pcsc/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from counter_app.demo.accounts import fixed_holder
from counter_app.services.permissions import Action
from counter_app.settings import Settings
from counter_app.ui.tasks import InlinePool
from tests.e2e.conftest import Counter, close_counter
from tests.e2e.id_typing import choose_reason
from tests.pcsc.conftest import (  # noqa: F401 - the session's pcscd fixture
    READER,
    VPCD_PORT,
    card_present,
    pcscd,
    require_stack,
    wait_for,
)

pytestmark = [pytest.mark.gui, pytest.mark.pcsc]


@pytest.fixture
def pcsc_counter(
    qtbot: Any,
    tmp_path: Path,
    demo_sqlite: Path,
    pcscd: Any,  # noqa: F811
) -> Iterator[Any]:
    """The workstation on a copy of the demo database with the vpcd reader; and a function
    serving one demo holder's card to it."""
    import shutil

    from counter_app.ui.app import build_workstation, load_demo_cards, make_main_window
    from reader.emulator.card import EmulatedCard
    from reader.emulator.vpcd import VpcdClient

    require_stack()
    target = tmp_path / "db"
    target.mkdir()
    for file in demo_sqlite.glob("demo.sqlite3*"):
        shutil.copy(file, target / file.name)
    url = f"sqlite:///{target / 'demo.sqlite3'}"
    profiles = {p["card_number"]: p for p, _n in load_demo_cards(url)}
    settings = Settings(
        db_url=url,
        reader_name=READER,
        office_code="500103-YB",
        four_eyes=False,
        keypad_shuffle=True,
    )
    ws = build_workstation(settings, False, pool=InlinePool(), second_screen=False)
    qtbot.addWidget(ws.pin_entry.panel)
    ws.reader_service.start()
    c = Counter(ws, qtbot, tmp_path)
    clients: list[Any] = []

    def serve(key: str) -> Any:
        wait_for(lambda: not card_present(), 5, "the reader to be empty")
        card = EmulatedCard.from_profile(profiles[fixed_holder(key).card_number])
        client = VpcdClient(card, port=VPCD_PORT)
        client.start()
        clients.append(client)
        wait_for(card_present, 10, "pcscd to see the emulated card")
        return card

    c.serve = serve  # type: ignore[attr-defined]
    c.make_main_window = make_main_window  # type: ignore[attr-defined]
    try:
        yield c
    finally:
        for client in clients:
            client.stop()
        wait_for(lambda: not card_present(), 5, "pcscd to see the card gone")
        close_counter(c)


def test_P2_lookup_and_default_pin_change_through_pcscd(pcsc_counter: Any) -> None:
    c = pcsc_counter
    c.log_in("YB500103-01")
    holder = fixed_holder("active_default_pin")  # 王建国, PIN still 123456
    card = c.serve("active_default_pin")
    keypad = c.ws.pin_entry.keypad
    c.qtbot.waitUntil(lambda: keypad.active, timeout=15000)
    c.type_pin(holder.pin)
    c.qtbot.waitUntil(lambda: c.window.holder.session is not None, timeout=15000)
    assert "王建国" in c.window.holder.header.text()
    c.qtbot.waitUntil(lambda: c.window.action_buttons[Action.CHANGE_PIN].isEnabled(), timeout=15000)
    d = c.start(Action.CHANGE_PIN)
    c.qtbot.keyClicks(d.id_number, holder.ssn)
    choose_reason(d.id_number)
    c.next(d)
    c.qtbot.waitUntil(lambda: d.stack.currentWidget() is d.pin_page, timeout=15000)
    c.next(d)
    for pin in ("123456", "802413", "802413"):
        c.qtbot.waitUntil(lambda: keypad.active, timeout=15000)
        c.type_pin(pin)
    c.qtbot.waitUntil(
        lambda: "成功" in d.result_label.text() or d.banner.isVisible(), timeout=20000
    )
    assert "成功" in d.result_label.text(), d.banner.text()
    assert card.to_profile()["pin"] == "802413"
