"""The emulated chips' non-volatile memory (``reader.emulator.chipmemory``): a card made
again from the same memory file has the PIN, counter and application state its commands
left (CARD.md "Password (PIN) and its counter", "Authorised commands"), as a real card
keeps them in its EEPROM; a file of another owner is stale and forgotten."""

from __future__ import annotations

import json
import logging
import stat
from pathlib import Path
from typing import Any

import pytest

from reader.emulator.card import EmulatedCard
from reader.emulator.chipmemory import FORMAT, ChipMemory
from reader.records import SSSE_AID

from .cardkit import CARD_ID, fixed_challenge, make_profile

SELECT_SSSE = bytes.fromhex("00A404000F") + SSSE_AID
TRIES = bytes.fromhex("00200000")
OWNER = "database-1"


def sw(response: bytes) -> int:
    return int.from_bytes(response[-2:], "big")


def verify(digits: str) -> bytes:
    pin = bytes.fromhex(digits)
    return bytes.fromhex("00200000") + bytes((len(pin),)) + pin


def change_pin(old: str, new: str) -> bytes:
    data = bytes.fromhex(old) + b"\xff" + bytes.fromhex(new)
    return bytes.fromhex("805E0100") + bytes((len(data),)) + data


def selected(memory: ChipMemory, profile: dict[str, Any]) -> EmulatedCard:
    """A card from ``memory`` (the demo/test keys, CARD.md test challenge), SSSE selected."""
    card = memory.card(profile, challenge_source=fixed_challenge)
    assert sw(card.process(SELECT_SSSE)) == 0x611B
    return card


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "demo.sqlite3-chips.json"


def test_a_changed_pin_is_remembered_after_a_restart(path: Path) -> None:
    card = selected(ChipMemory(path, OWNER), make_profile())
    assert sw(card.process(change_pin("123456", "135790"))) == 0x9000
    assert path.exists()  # written before the card answered: a killed emulator remembers
    again = selected(ChipMemory(path, OWNER), make_profile())  # "restart"
    assert sw(again.process(verify("123456"))) == 0x63C2  # the old PIN is wrong now
    assert sw(again.process(verify("135790"))) == 0x9000


def test_a_pin_blocked_by_wrong_pins_stays_blocked_after_a_restart(path: Path) -> None:
    card = selected(ChipMemory(path, OWNER), make_profile())
    for tries_left in (2, 1):
        assert sw(card.process(verify("111111"))) == 0x63C0 | tries_left
    assert sw(card.process(verify("111111"))) == 0x6983
    again = selected(ChipMemory(path, OWNER), make_profile())
    assert sw(again.process(TRIES)) == 0x6983
    assert sw(again.process(verify("123456"))) == 0x6983  # the right PIN cannot undo it


def test_a_spent_try_is_remembered_and_a_right_pin_restores_the_counter(path: Path) -> None:
    card = selected(ChipMemory(path, OWNER), make_profile())
    assert sw(card.process(verify("111111"))) == 0x63C2
    assert sw(selected(ChipMemory(path, OWNER), make_profile()).process(TRIES)) == 0x63C2
    assert sw(card.process(verify("123456"))) == 0x9000
    assert sw(selected(ChipMemory(path, OWNER), make_profile()).process(TRIES)) == 0x63C3


def test_an_application_block_is_remembered_after_a_restart(path: Path) -> None:
    card = selected(ChipMemory(path, OWNER), make_profile())
    assert sw(card.process(bytes.fromhex("0084000008"))) == 0x9000  # challenge 0102…08
    # CARD.md test vector: APPLICATION BLOCK temporary.
    assert sw(card.process(bytes.fromhex("841E0000045FBC1F9D"))) == 0x9000
    again = ChipMemory(path, OWNER).card(make_profile())
    assert again.app_state == "blocked"
    assert again.process(SELECT_SSSE) == bytes.fromhex("611B")
    assert sw(again.process(bytes.fromhex("00C000001B"))) == 0x6283  # FCI with "blocked"


def test_the_memory_file_is_private_and_left_whole(path: Path) -> None:
    card = selected(ChipMemory(path, OWNER), make_profile())
    card.process(change_pin("123456", "135790"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == FORMAT and data["owner"] == OWNER
    assert data["cards"] == {CARD_ID: {"pin": "135790", "pin_tries_left": 3, "app_state": "ok"}}


def test_nothing_is_written_while_the_chip_state_does_not_change(path: Path) -> None:
    card = selected(ChipMemory(path, OWNER), make_profile())
    assert sw(card.process(verify("123456"))) == 0x9000  # counter already full
    assert sw(card.process(TRIES)) == 0x63C3
    assert sw(card.process(bytes.fromhex("00B2010400"))) == 0x6986  # no EF: refused
    assert sw(card.process(change_pin("123456", "123456"))) == 0x6A80  # weak: no change
    assert not path.exists()


def test_another_owner_s_memory_is_forgotten_and_the_cards_start_fresh(path: Path) -> None:
    card = selected(ChipMemory(path, OWNER), make_profile())
    card.process(change_pin("123456", "135790"))
    fresh = ChipMemory(path, "database-2")  # the database was made anew
    assert not path.exists()  # the old cards' PINs are not left lying about
    card = selected(fresh, make_profile())
    assert sw(card.process(verify("123456"))) == 0x9000
    assert selected(ChipMemory(path, OWNER), make_profile()).to_profile()["pin"] == "123456"


def test_cards_sharing_a_file_keep_each_other_s_state(path: Path) -> None:
    other_id = CARD_ID[:-2] + "02"
    first = selected(ChipMemory(path, OWNER), make_profile())
    second = selected(ChipMemory(path, OWNER), make_profile(card_id_code=other_id))
    first.process(change_pin("123456", "135790"))
    second.process(verify("111111"))  # the second memory never read the first's change
    memory = ChipMemory(path, OWNER)
    assert memory.recall(make_profile())["pin"] == "135790"
    assert memory.recall(make_profile(card_id_code=other_id))["pin_tries_left"] == 2


def test_an_unreadable_or_invalid_memory_gives_the_profile(
    path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path.write_text("{not json", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert ChipMemory(path, OWNER).recall(make_profile()) == make_profile()
    state = {"pin": "135790", "pin_tries_left": 9, "app_state": "ok"}  # 9 > the limit 3
    data = {"format": FORMAT, "owner": OWNER, "cards": {CARD_ID: state}}
    path.write_text(json.dumps(data), encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert ChipMemory(path, OWNER).recall(make_profile()) == make_profile()
    assert "135790" not in caplog.text  # the PIN never goes into a log line


def test_a_memory_that_cannot_be_written_logs_without_the_pin(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    memory = ChipMemory(tmp_path / "absent" / "chips.json", OWNER)  # no such folder
    card = selected(memory, make_profile())
    with caplog.at_level(logging.WARNING):
        assert sw(card.process(change_pin("123456", "135790"))) == 0x9000  # still answers
    assert "not written" in caplog.text
    assert "135790" not in caplog.text and "123456" not in caplog.text
    assert "135790" not in repr(memory)
