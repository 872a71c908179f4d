"""RULES P6, Q1: the holder's PIN typed again after an unblock is verified on the card, the
tries left reported, and the buffer wiped whatever the card answered (ARCHITECTURE "PIN
entry": the PIN lives only for its one APDU). The card's answer — never the PIN — goes to
the recording step (Q7; recorded in tests/services/test_unblock_verify_audited.py)."""

from __future__ import annotations

from typing import Any

import pytest

from counter_app.services.pin_reset import UnblockResult, verified_with
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


class Recorder:
    def __init__(self) -> None:
        self.answers: list[tuple[Any, ...]] = []

    def __call__(self, *answer: Any) -> None:
        self.answers.append(answer)


@pytest.mark.parametrize(
    ("answer", "verified", "tries", "told"),
    [(None, True, 2, (7, "success", None, "")), (WrongPin(1), False, 1, (7, "wrong_pin", 1, ""))],
)
def test_P6_Q1_pin_typed_again_after_the_unblock(
    answer: BaseException | None, verified: bool, tries: int, told: tuple[Any, ...]
) -> None:
    card, pin, record = Card(answer), _pin("135790"), Recorder()
    result = verified_with(card, FIRST, pin, record)  # type: ignore[arg-type]
    assert card.lengths == [6]
    assert (result.verified, result.tries_left, result.serial) == (verified, tries, "S-1")
    assert len(pin) == 0  # wiped
    assert record.answers == [told]


def test_P6_a_last_wrong_try_raises_pin_blocked_and_still_wipes() -> None:
    card, pin, record = Card(PinBlocked()), _pin("111111"), Recorder()
    with pytest.raises(PinBlocked):
        verified_with(card, FIRST, pin, record)  # type: ignore[arg-type]
    assert len(pin) == 0
    assert record.answers == [(7, "pin_blocked", 0, "PinBlocked")]  # recorded before raised
