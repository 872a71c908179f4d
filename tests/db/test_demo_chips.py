"""The embedded demo's cards remember what happened to them across a restart of the demo
(``counter_app.demo.chips``): a PIN changed (RULES P4) or blocked by wrong PINs (P6) on an
emulated card is the card's state when the demo cards are loaded again from the same demo
database, as the database's records say; a new database gives fresh cards. The same for a
city workstation's demo cards file (``--demo-cards``)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from counter_app import db
from counter_app.demo import ensure_demo_database, fill_demo
from counter_app.demo.accounts import fixed_holder
from counter_app.demo.cards_file import write_demo_cards_file
from counter_app.demo.chips import (
    KEPT_NOTE,
    chips_path,
    load_database_cards,
    load_file_cards,
)
from reader import errors as e
from reader.client import SocialSecurityCardClient
from reader.emulator.chipmemory import ChipMemory
from reader.emulator.inprocess import InProcessTransport
from reader.pinbuffer import PinBuffer

HOLDERS = 20
NEW_PIN = "246810"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo-chips")
    ensure_demo_database(f"sqlite:///{folder / 'demo.sqlite3'}", holders=HOLDERS)
    return folder


@pytest.fixture
def data(template: Path, tmp_path: Path) -> Path:
    """A demo data folder of one's own (a copy of the demo database)."""
    folder = tmp_path / "counter-app"
    folder.mkdir()
    for file in template.glob("demo.sqlite3*"):
        shutil.copy(file, folder / file.name)
    return folder


def url_of(folder: Path) -> str:
    return f"sqlite:///{folder / 'demo.sqlite3'}"


def pin(digits: str) -> PinBuffer:
    return PinBuffer.from_keys(digits.encode("ascii"))


def card_of(key: str, cards: list[tuple[dict[str, Any], str]]) -> tuple[dict[str, Any], str]:
    number = fixed_holder(key).card_number
    return next((p, n) for p, n in cards if p["card_number"] == number)


def client(memory: ChipMemory | None, profile: dict[str, Any]) -> SocialSecurityCardClient:
    """The card in a reader, as the 演示卡 panel inserts it (``ui.app.make_main_window``)."""
    assert memory is not None
    return SocialSecurityCardClient(InProcessTransport(memory.card(profile)))


def test_P4_a_pin_changed_on_a_demo_card_is_its_pin_after_a_restart(data: Path) -> None:
    cards, memory = load_database_cards(url_of(data))
    profile, note = card_of("active_default_pin", cards)
    assert profile["pin"] == "123456" and not note.endswith(KEPT_NOTE)
    client(memory, profile).change_pin(pin("123456"), pin(NEW_PIN))  # CHANGE PIN APDU

    cards, memory = load_database_cards(url_of(data))  # the demo started again
    profile, note = card_of("active_default_pin", cards)
    assert profile["pin"] == NEW_PIN and note.endswith(KEPT_NOTE)  # the panel's line says so
    again = client(memory, profile)
    with pytest.raises(e.WrongPin):
        again.verify(pin("123456"))
    again.verify(pin(NEW_PIN))
    # The other cards are as the records made them.
    other, other_note = card_of("retired", cards)
    assert other["pin"] == fixed_holder("retired").pin and not other_note.endswith(KEPT_NOTE)


def test_P6_a_demo_card_blocked_by_wrong_pins_stays_blocked_after_a_restart(data: Path) -> None:
    holder = fixed_holder("retired")
    cards, memory = load_database_cards(url_of(data))
    card = client(memory, card_of("retired", cards)[0])
    for _ in range(2):
        with pytest.raises(e.WrongPin):
            card.verify(pin("111111"))
    with pytest.raises(e.PinBlocked):
        card.verify(pin("111111"))

    cards, memory = load_database_cards(url_of(data))
    profile, note = card_of("retired", cards)
    assert profile["pin_tries_left"] == 0 and note.endswith(KEPT_NOTE)
    again = client(memory, profile)
    assert again.pin_tries_left() == 0
    with pytest.raises(e.PinBlocked):
        again.verify(pin(holder.pin))  # the right PIN does not unblock it


def test_a_new_demo_database_gives_fresh_cards(data: Path) -> None:
    cards, memory = load_database_cards(url_of(data))
    client(memory, card_of("active_default_pin", cards)[0]).change_pin(pin("123456"), pin(NEW_PIN))
    chips = chips_path(data / "demo.sqlite3")
    assert chips.exists()
    for file in data.glob("demo.sqlite3*"):  # the user deletes the demo database …
        if file != chips:
            file.unlink()
    assert ensure_demo_database(url_of(data), holders=HOLDERS)  # … and the demo makes it anew

    cards, memory = load_database_cards(url_of(data))
    profile, note = card_of("active_default_pin", cards)
    assert profile["pin"] == "123456" and not note.endswith(KEPT_NOTE)
    assert not chips.exists()  # the old cards' PINs are gone with their database
    client(memory, profile).verify(pin("123456"))


def test_a_database_filled_elsewhere_is_not_given_an_older_database_s_cards(data: Path) -> None:
    """A demo database made without ``ensure_demo_database`` (``counter-admin demo-data``
    on the demo's file) has no identity yet: it gets one, never the identity the chips of
    the database it replaced belong to."""
    cards, memory = load_database_cards(url_of(data))
    client(memory, card_of("active_default_pin", cards)[0]).change_pin(pin("123456"), pin(NEW_PIN))
    for file in data.glob("demo.sqlite3*"):
        if file != chips_path(data / "demo.sqlite3"):
            file.unlink()
    url = url_of(data)
    db.upgrade(url)
    engine = db.create_engine_for(url)
    try:
        fill_demo(engine, holders=HOLDERS, seed=2024, as_of=dt.date(2025, 6, 15))
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA user_version")).scalar_one() == 0
    finally:
        engine.dispose()
    cards, _memory = load_database_cards(url)
    assert card_of("active_default_pin", cards)[0]["pin"] == "123456"


def test_city_demo_cards_file_cards_remember_until_the_file_is_written_again(
    data: Path, tmp_path: Path
) -> None:
    path = tmp_path / "demo-cards.json"
    engine = db.create_engine_for(url_of(data))
    try:
        write_demo_cards_file(engine, path, dt.date(2025, 6, 15))
        found, memory = load_file_cards(path)
        client(memory, card_of("active_default_pin", found.cards)[0]).change_pin(
            pin("123456"), pin(NEW_PIN)
        )
        found, memory = load_file_cards(path)  # the workstation started again
        profile, note = card_of("active_default_pin", found.cards)
        assert profile["pin"] == NEW_PIN and note.endswith(KEPT_NOTE)
        client(memory, profile).verify(pin(NEW_PIN))
        assert found.idcards  # the ID cards are read as before

        write_demo_cards_file(engine, path, dt.date(2025, 6, 15))  # a new demo city
        found, _memory = load_file_cards(path)
        assert card_of("active_default_pin", found.cards)[0]["pin"] == "123456"
    finally:
        engine.dispose()
