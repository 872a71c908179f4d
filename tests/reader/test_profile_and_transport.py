"""Emulator profiles (CARD.md "Emulator profile JSON") and the in-process transport."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reader import errors as e
from reader.client import SocialSecurityCardClient
from reader.emulator.card import EmulatedCard
from reader.emulator.inprocess import InProcessTransport
from reader.emulator.profile import (
    ProfileError,
    load_profile,
    save_profile,
    validate_profile,
)
from reader.transport import Transport

from .cardkit import make_profile, pin


def test_valid_profile_has_no_problems(profile: dict[str, Any]) -> None:
    assert validate_profile(profile) == []


def test_minimal_profile_defaults(profile: dict[str, Any]) -> None:
    for key in ("pin", "pin_tries_max", "pin_tries_left", "app_state"):
        profile.pop(key)
    assert validate_profile(profile) == []
    card = EmulatedCard.from_profile(profile)
    state = card.to_profile()
    assert (state["pin"], state["pin_tries_max"], state["pin_tries_left"], state["app_state"]) == (
        "123456",
        3,
        3,
        "ok",
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"card_number": "A1234567"}, "card_number"),
        ({"card_id_code": "500103D15600000612345678ABCDEF01"}, "card_id_code"),
        ({"card_id_code": "500103d15600000512345678abcdef01"}, "card_id_code"),
        ({"ssn": "50010319850715001"}, "ssn"),
        ({"name": ""}, "name"),
        ({"name": "😀"}, "name"),
        ({"name": "张" * 26}, "name"),
        ({"issue_date": "2020-02-30"}, "issue_date"),
        ({"birth_date": "19850715"}, "birth_date"),
        ({"gender": "M"}, "gender"),
        ({"ethnicity": "1"}, "ethnicity"),
        ({"pin": "12a456"}, "pin"),
        ({"pin_tries_max": 0}, "pin_tries_max"),
        ({"pin_tries_left": 4}, "pin_tries_left"),
        ({"pin_tries_left": True}, "pin_tries_left"),
        ({"app_state": "lost"}, "app_state"),
        ({"keys": {"reload": "00"}}, "keys.reload"),
        ({"keys": {"master": "00" * 16}}, "master"),
        ({"keys": []}, "keys"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_profile_problems_are_named(change: dict[str, Any], field: str) -> None:
    problems = validate_profile(make_profile(**change))
    assert problems and any(field in p for p in problems), problems


def test_missing_identity_key(profile: dict[str, Any]) -> None:
    del profile["ssn"]
    assert validate_profile(profile) == ["缺少字段 ssn"]


def test_identity_json_is_accepted_as_profile(profile: dict[str, Any]) -> None:
    card = EmulatedCard.from_profile(profile)
    ident = SocialSecurityCardClient(InProcessTransport(card)).read_identity().to_json_dict()
    assert validate_profile(ident) == []
    again = SocialSecurityCardClient(InProcessTransport(EmulatedCard.from_profile(ident)))
    assert again.read_identity().to_json_dict() == ident


def test_save_and_load(tmp_path: Path, profile: dict[str, Any]) -> None:
    path = tmp_path / "card.json"
    save_profile(path, profile)
    assert "张三" in path.read_text(encoding="utf-8")
    assert load_profile(path) == profile
    path.write_text("[]", encoding="utf-8")
    with pytest.raises(ProfileError):
        load_profile(path)
    with pytest.raises(ProfileError):
        load_profile(tmp_path / "absent.json")
    with pytest.raises(ProfileError):
        save_profile(path, {**profile, "pin": "x"})


def test_card_state_survives_save_and_load(tmp_path: Path, card: EmulatedCard) -> None:
    client = SocialSecurityCardClient(InProcessTransport(card))
    with pytest.raises(e.WrongPin):
        client.verify(pin("111111"))
    path = tmp_path / "card.json"
    save_profile(path, card.to_profile())
    reloaded = EmulatedCard.from_profile(load_profile(path))
    assert reloaded.pin_tries_left == 2


# --- in-process transport --------------------------------------------------------------------


def test_inprocess_is_a_transport(card: EmulatedCard) -> None:
    transport = InProcessTransport(card)
    assert isinstance(transport, Transport)
    assert transport.atr() == card.atr()
    with transport.transaction(), transport.transaction():  # re-entrant
        assert transport.transmit(bytes.fromhex("00A40000023F00")) == b"\x90\x00"


def test_no_card_then_removed_then_no_card(card: EmulatedCard) -> None:
    transport = InProcessTransport()
    with pytest.raises(e.NoCard):
        transport.atr()
    transport.insert(card)
    transport.transmit(bytes.fromhex("00A404000F7378312E73682EC9E7BBE1B1A3D5CF"))
    transport.remove()
    assert not card.powered
    with pytest.raises(e.CardRemoved):
        transport.transmit(b"\x00\xc0\x00\x00\x1b")
    with pytest.raises(e.NoCard):
        transport.transmit(b"\x00\xc0\x00\x00\x1b")


def test_reinsert_loses_security_state(card: EmulatedCard) -> None:
    transport = InProcessTransport(card)
    SocialSecurityCardClient(transport).verify(pin("123456"))
    assert card.pin_verified
    transport.remove()
    transport.insert(card)
    assert card.powered and not card.pin_verified


def test_remove_during_transmit_is_outcome_unknown(card: EmulatedCard) -> None:
    transport = InProcessTransport(card)
    transport.remove_during_next_transmit()
    with pytest.raises(e.OutcomeUnknown):
        transport.transmit(bytes.fromhex("00A40000023F00"))
    assert transport.card is None
    with pytest.raises(e.NoCard):
        transport.transmit(bytes.fromhex("00A40000023F00"))
