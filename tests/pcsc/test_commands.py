"""Every command of CARD.md and its error paths, through pyscard → pcscd → vpcd → emulator,
using the reader core's client (``reader.client``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from reader.client import SocialSecurityCardClient
from reader.errors import (
    ApplicationBlocked,
    ApplicationPermanentlyBlocked,
    BadMac,
    PinBlocked,
    WrongPin,
)
from reader.keys import TEST_KEYS, KeyPurpose, SoftwareKeyProvider
from reader.pcsc import PcscTransport
from reader.pinbuffer import PinBuffer
from tests.pcsc.conftest import ATR, PROFILE, READER, ServedCard

pytestmark = pytest.mark.pcsc


def pin(digits: str) -> PinBuffer:
    return PinBuffer.from_keys(digits.encode())


@pytest.fixture
def client(served_card: ServedCard) -> Iterator[SocialSecurityCardClient]:
    with PcscTransport.open(READER) as transport:
        yield SocialSecurityCardClient(transport, SoftwareKeyProvider(TEST_KEYS))


def test_transport_sees_the_card(served_card: ServedCard) -> None:
    with PcscTransport.open() as transport:  # no name: the first reader holding a card
        assert transport.reader == READER
        assert transport.atr() == ATR


def test_read_identity(client: SocialSecurityCardClient) -> None:
    identity = client.read_identity().to_json_dict()
    for key in (
        "card_number",
        "card_id_code",
        "ssn",
        "name",
        "gender",
        "ethnicity",
        "birthplace",
        "init_org",
        "card_type",
        "spec_version",
    ):
        assert identity[key] == PROFILE[key], key
    assert identity["region_code"] == "500103"
    assert identity["birth_date"] == "1985-06-01"
    assert identity["atr_history"] == "0081544C968684500103123456"
    assert identity["pin_tries_left"] == 3
    assert identity["app_state"] == "ok"


def test_verify_right_and_wrong(client: SocialSecurityCardClient, served_card: ServedCard) -> None:
    client.verify(pin("123456"))
    with pytest.raises(WrongPin) as wrong:
        client.verify(pin("000000"))
    assert wrong.value.tries_left == 2
    assert client.pin_tries_left() == 2
    assert served_card.card.pin_tries_left == 2
    client.verify(pin("123456"))  # back to the limit
    assert client.pin_tries_left() == 3


def test_verify_until_blocked(client: SocialSecurityCardClient) -> None:
    for left in (2, 1):
        with pytest.raises(WrongPin) as wrong:
            client.verify(pin("999999"))
        assert wrong.value.tries_left == left
    with pytest.raises(PinBlocked):
        client.verify(pin("999999"))
    with pytest.raises(PinBlocked):  # even the right PIN
        client.verify(pin("123456"))
    assert client.pin_tries_left() == 0
    assert client.read_identity().pin_tries_left == 0


def test_unblock_pin(client: SocialSecurityCardClient) -> None:
    for _ in range(3):
        with pytest.raises((WrongPin, PinBlocked)):
            client.verify(pin("999999"))
    client.unblock_pin(expect_card_id=PROFILE["card_id_code"])
    assert client.pin_tries_left() == 3
    client.verify(pin("123456"))  # PIN unchanged


def test_change_pin(client: SocialSecurityCardClient, served_card: ServedCard) -> None:
    with pytest.raises(WrongPin):
        client.change_pin(pin("111111"), pin("246810"))
    assert client.pin_tries_left() == 2
    client.change_pin(pin("123456"), pin("246810"))
    assert served_card.card.to_profile()["pin"] == "246810"
    client.verify(pin("246810"))
    with pytest.raises(WrongPin):
        client.verify(pin("123456"))


def test_reload_pin(client: SocialSecurityCardClient) -> None:
    client.reload_pin(pin("385912"))
    client.verify(pin("385912"))
    with pytest.raises(WrongPin):
        client.verify(pin("123456"))


def test_wrong_keys_change_nothing(served_card: ServedCard) -> None:
    wrong = SoftwareKeyProvider({p: b"X" * 16 for p in KeyPurpose})
    with PcscTransport.open(READER) as transport:
        client = SocialSecurityCardClient(transport, wrong)
        with pytest.raises(BadMac):
            client.reload_pin(pin("385912"))
        with pytest.raises(BadMac):
            client.block_application(permanent=False)
        client.verify(pin("123456"))
    assert served_card.card.app_state == "ok"


def test_application_block_and_unblock(client: SocialSecurityCardClient) -> None:
    client.block_application(permanent=False)
    identity = client.read_identity()  # still readable: staff must see which card it is
    assert identity.app_state == "blocked"
    assert identity.name == PROFILE["name"]
    with pytest.raises(ApplicationBlocked):
        client.verify(pin("123456"))
    with pytest.raises(ApplicationBlocked):
        client.change_pin(pin("123456"), pin("246810"))
    client.unblock_application()
    assert client.read_identity().app_state == "ok"
    client.verify(pin("123456"))


def test_permanent_block(client: SocialSecurityCardClient, served_card: ServedCard) -> None:
    client.block_application(permanent=True)
    with pytest.raises(ApplicationPermanentlyBlocked):
        client.select()
    with pytest.raises(ApplicationPermanentlyBlocked):
        client.unblock_application()
    assert served_card.card.app_state == "permanently_blocked"
