"""Shared fixtures for the card layer: the CARD.md test card, its emulator and a client."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from reader.client import SocialSecurityCardClient
from reader.emulator.card import EmulatedCard
from reader.emulator.inprocess import InProcessTransport
from reader.keys import TEST_KEYS, SoftwareKeyProvider

from .cardkit import Recorder, fixed_challenge, make_profile


@pytest.fixture
def profile() -> dict[str, Any]:
    return make_profile()


@pytest.fixture
def card(profile: dict[str, Any]) -> EmulatedCard:
    return EmulatedCard.from_profile(profile, challenge_source=fixed_challenge)


@pytest.fixture
def transport(card: EmulatedCard) -> InProcessTransport:
    return InProcessTransport(card)


@pytest.fixture
def recorder(transport: InProcessTransport) -> Recorder:
    return Recorder(transport)


@pytest.fixture
def keys() -> SoftwareKeyProvider:
    return SoftwareKeyProvider(TEST_KEYS)


@pytest.fixture
def client(recorder: Recorder, keys: SoftwareKeyProvider) -> SocialSecurityCardClient:
    return SocialSecurityCardClient(recorder, keys)


@pytest.fixture
def apdu() -> Callable[[EmulatedCard, str], str]:
    """Send hex to a card model, get the response hex."""

    def send(c: EmulatedCard, hex_apdu: str) -> str:
        return c.process(bytes.fromhex(hex_apdu.replace(" ", ""))).hex().upper()

    return send
