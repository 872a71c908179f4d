"""Helpers shared by the card-layer tests: the CARD.md test card profile, a recording
transport wrapper, PIN buffers from digit strings."""

from __future__ import annotations

from typing import Any

from reader.pinbuffer import PinBuffer

#: CARD.md test vector card: region 500103, unique part 12 34 56 78 AB CD EF 01.
CARD_ID = "500103D15600000512345678ABCDEF01"
CHALLENGE = bytes.fromhex("0102030405060708")


def make_profile(**overrides: Any) -> dict[str, Any]:
    profile: dict[str, Any] = {
        "card_number": "A12345674",
        "card_id_code": CARD_ID,
        "card_type": "3",
        "spec_version": "3.00",
        "init_org": "500000000000000000000001",
        "issue_date": "2020-05-01",
        "expiry_date": "2030-05-01",
        "birth_date": "1985-07-15",
        "ssn": "500103198507150012",
        "name": "张三",
        "gender": "1",
        "ethnicity": "01",
        "birthplace": "500103",
        "pin": "123456",
        "pin_tries_max": 3,
        "pin_tries_left": 3,
        "app_state": "ok",
    }
    profile.update(overrides)
    return profile


def fixed_challenge(n: int) -> bytes:
    assert n == 8
    return CHALLENGE


def pin(digits: str) -> PinBuffer:
    return PinBuffer.from_keys(digits.encode("ascii"))


class Recorder:
    """A transport wrapper that records every APDU and response (hex)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.sent: list[bytes] = []
        self.received: list[bytes] = []

    def atr(self) -> bytes:
        return bytes(self.inner.atr())

    def transmit(self, apdu: bytes | bytearray) -> bytes:
        self.sent.append(bytes(apdu))
        response = bytes(self.inner.transmit(apdu))
        self.received.append(response)
        return response

    def transaction(self) -> Any:
        return self.inner.transaction()

    def control(self, code: int, data: bytes | bytearray) -> bytes:
        return bytes(self.inner.control(code, data))
