"""A demo workstation of the city tier (``scripts/city``): it has no database and no card key,
so its 演示卡 and 演示身份证 panels get the fixed demo holders' cards from the demo cards file
``scripts/city`` writes from the demo database (``counter_app.demo.cards_file``) — the same
cards the embedded demo reads from its database; never without ``--demo``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from counter_app.db import create_engine_for
from counter_app.demo.accounts import fixed_holder
from counter_app.demo.cards_file import (
    DemoCardsFileError,
    read_demo_cards_file,
    write_demo_cards_file,
)
from counter_app.services.idcheck import shanghai_today

pytestmark = pytest.mark.gui


def write_file(url: str, path: Path) -> int:
    engine = create_engine_for(url)
    try:
        return write_demo_cards_file(engine, path, shanghai_today(dt.datetime.now(dt.UTC)))
    finally:
        engine.dispose()


def test_demo_cards_file_holds_the_cards_the_database_gives(
    demo_sqlite: Path, tmp_path: Path
) -> None:
    from counter_app.ui.app import load_demo_cards

    url = f"sqlite:///{demo_sqlite / 'demo.sqlite3'}"
    path = tmp_path / "demo-cards.json"
    expected = load_demo_cards(url)
    assert write_file(url, path) == len(expected) > 0
    found = read_demo_cards_file(path)
    assert found.cards == expected
    assert fixed_holder("phone_lost").ssn in found.idcards
    path.write_text('{"cards": []}', encoding="utf-8")
    with pytest.raises(DemoCardsFileError, match="格式不对"):
        read_demo_cards_file(path)
    with pytest.raises(DemoCardsFileError, match="无法读取"):
        read_demo_cards_file(path.with_name("absent.json"))


def test_demo_cards_only_with_demo() -> None:
    from counter_app.__main__ import parse_args

    assert parse_args(["--demo", "--demo-cards", "x.json"]).demo_cards == Path("x.json")
    with pytest.raises(SystemExit):
        parse_args(["--demo-cards", "x.json"])  # a production workstation: refused


@pytest.mark.remote_only
def test_city_demo_workstation_inserts_a_demo_card_from_the_file(
    counter: Any, tmp_path: Path
) -> None:
    from counter_app.ui.app import prepare_database

    c = counter("YB500103-01", log_in=False)
    expected = list(c.ws.demo_cards)  # the test read them from the database
    c.ws.demo_cards.clear()
    path = tmp_path / "demo-cards.json"
    write_file(c.db_url, path)  # what scripts/city does with the demo city's database
    prepare_database(c.ws, path)  # the workstation's start (counter-app --demo --demo-cards)
    assert c.ws.demo_cards == expected
    # Still no database and no card key on the workstation (DEPLOYMENT.md).
    assert c.ws.composition.engine is None and c.ws.ctx.key_provider is None
    c.log_in("YB500103-01")
    assert c.window.demo_panel is not None
    c.card_session("phone_lost")  # inserted from the 演示卡 panel, PIN checked by the server
    assert c.window.holder.session is not None
    id_panel = c.window.demo_id_panel
    assert id_panel is not None and id_panel.place(fixed_holder("phone_lost").ssn)
