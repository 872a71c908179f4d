"""RULES P6, Q1: the holder's PIN typed again after an unblock is verified on the card, the
tries left reported, and the buffer wiped whatever the card answered (ARCHITECTURE "PIN
entry": the PIN lives only for its one APDU)."""

from __future__ import annotations

import pytest

from counter_app.services.pin_reset import UnblockResult, verify_after_unblock
from reader.errors import PinBlocked, WrongPin
from reader.pinbuffer import PinBuffer


class Card:
    def __init__(self, answer: BaseException | None) -> None:
        self.answer = answer
        self.lengths: list[int] = []

    def verify(self, pin: PinBuffer) -> None:
        self.lengths.append(len(pin))
        if self.answer is not None:
            raise self.answer


def _pin(digits: str) -> PinBuffer:
    pin = PinBuffer()
    for d in digits:
        pin.append(d)
    return pin


FIRST = UnblockResult(7, False, 2, None, "S-1")


@pytest.mark.parametrize(
    ("answer", "verified", "tries"), [(None, True, 2), (WrongPin(1), False, 1)]
)
def test_P6_Q1_pin_typed_again_after_the_unblock(
    answer: BaseException | None, verified: bool, tries: int
) -> None:
    card, pin = Card(answer), _pin("135790")
    result = verify_after_unblock(card, FIRST, pin)  # type: ignore[arg-type]
    assert card.lengths == [6]
    assert (result.verified, result.tries_left, result.serial) == (verified, tries, "S-1")
    assert len(pin) == 0  # wiped


def test_P6_a_last_wrong_try_raises_pin_blocked_and_still_wipes() -> None:
    card, pin = Card(PinBlocked()), _pin("111111")
    with pytest.raises(PinBlocked):
        verify_after_unblock(card, FIRST, pin)  # type: ignore[arg-type]
    assert len(pin) == 0
