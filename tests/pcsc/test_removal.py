"""A card pulled between commands and during a command ends as a typed error — the
outcome failed or unknown, never success — and never as a hang."""

from __future__ import annotations

import time

import pytest

from reader.client import SocialSecurityCardClient
from reader.emulator.vpcd import Fault
from reader.errors import CardError, CardRemoved, NoCard, OutcomeUnknown, WrongPin
from reader.pcsc import PcscTransport
from reader.pcsc_service import CardReaderService
from reader.pinbuffer import PinBuffer
from tests.pcsc.conftest import READER, ServedCard, card_present, wait_for

pytestmark = [pytest.mark.pcsc, pytest.mark.timeout(60)]


def pin(digits: str) -> PinBuffer:
    return PinBuffer.from_keys(digits.encode())


def is_verify_with_data(apdu: bytes) -> bool:
    return apdu[1] == 0x20 and len(apdu) > 5


def is_change_pin(apdu: bytes) -> bool:
    return apdu[:3] == b"\x80\x5e\x01"


def test_pulled_between_commands(served_card: ServedCard) -> None:
    with PcscTransport.open(READER) as transport:
        client = SocialSecurityCardClient(transport)
        client.read_identity()
        served_card.pull()
        with pytest.raises(CardRemoved):
            client.verify(pin("123456"))
        with pytest.raises(CardRemoved):  # the handle stays dead: no silent reconnect
            client.read_identity()
    with pytest.raises(NoCard):
        PcscTransport.open(READER)


def test_pulled_and_reinserted_between_commands(served_card: ServedCard) -> None:
    """A card that came back may be another card: the old connection never carries on."""
    with PcscTransport.open(READER) as transport:
        client = SocialSecurityCardClient(transport)
        client.read_identity()
        served_card.pull()
        served_card.insert()
        with pytest.raises(CardRemoved):
            client.pin_tries_left()


def test_pulled_before_the_card_saw_the_command(served_card: ServedCard) -> None:
    served_card.faults.arm(Fault.PULL_BEFORE, is_verify_with_data)
    with PcscTransport.open(READER) as transport:
        client = SocialSecurityCardClient(transport)
        started = time.monotonic()
        with pytest.raises((CardRemoved, OutcomeUnknown)):
            client.verify(pin("000000"))
        assert time.monotonic() - started < 10
    served_card.insert()
    assert served_card.card.pin_tries_left == 3  # it never reached the card


def test_pulled_after_the_card_acted(served_card: ServedCard) -> None:
    """The wrong PIN was counted but the answer was lost: the host must say 'unknown'."""
    served_card.faults.arm(Fault.PULL_AFTER, is_verify_with_data)
    with PcscTransport.open(READER) as transport:
        with pytest.raises(OutcomeUnknown):
            SocialSecurityCardClient(transport).verify(pin("000000"))
    served_card.insert()
    assert served_card.card.pin_tries_left == 2
    with PcscTransport.open(READER) as transport:
        assert SocialSecurityCardClient(transport).pin_tries_left() == 2


def test_change_pin_outcome_unknown_is_resolved_by_rereading(served_card: ServedCard) -> None:
    served_card.faults.arm(Fault.PULL_AFTER, is_change_pin)
    with PcscTransport.open(READER) as transport:
        with pytest.raises(OutcomeUnknown):
            SocialSecurityCardClient(transport).change_pin(pin("123456"), pin("246810"))
    served_card.insert()
    with PcscTransport.open(READER) as transport:
        client = SocialSecurityCardClient(transport)
        client.verify(pin("246810"))  # the change did happen
        with pytest.raises(WrongPin):
            client.verify(pin("123456"))


@pytest.mark.parametrize("at", [1, 5, 17])
def test_pulled_during_identity_read(served_card: ServedCard, at: int) -> None:
    served_card.faults.arm(Fault.PULL_BEFORE, at=at)
    with CardReaderService(READER) as service:
        with pytest.raises((CardRemoved, OutcomeUnknown, NoCard)):
            service.run(lambda t: SocialSecurityCardClient(t).read_identity())
        served_card.insert()
        identity = service.run(lambda t: SocialSecurityCardClient(t).read_identity())
        assert identity.card_number == "A00000011"


def test_service_pulled_between_operations(served_card: ServedCard) -> None:
    events: list[str] = []
    with CardReaderService(READER) as service:
        service.add_listener(lambda e: events.append(e.kind))
        service.run(lambda t: SocialSecurityCardClient(t).read_identity())
        served_card.pull()
        wait_for(lambda: "card_removed" in events, 5, "the removal event")
        with pytest.raises(CardError) as failed:
            service.run(lambda t: SocialSecurityCardClient(t).read_identity())
        assert isinstance(failed.value, (NoCard, CardRemoved))
        served_card.insert()
        wait_for(lambda: events.count("card_inserted") >= 1, 5, "the insertion event")
        assert service.run(lambda t: SocialSecurityCardClient(t).pin_tries_left()) == 3
    assert card_present()
