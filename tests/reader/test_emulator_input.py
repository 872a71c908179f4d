"""The emulator against CARD.md's rules for malformed, short and weak input.

- "A command shorter than 4 bytes → 6700. Over vpcd, 1-byte messages 00, 01, 02, 04 are the
  driver's power-off / power-on / reset / ATR requests; any other 1-byte message is answered
  6700, never left without an answer."
- "VERIFY with no data … The form with an empty Lc, 00 20 00 00 00, answers the same."
- "PIN data that is not BCD digits …, or of a length outside 4–12 digits → 6A80, no try
  spent."
- "The card refuses a weak new PIN in CHANGE PIN and RELOAD PIN → 6A80, nothing changes and
  no try is spent."
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Iterator

import pytest

from reader.emulator.card import EmulatedCard
from reader.emulator.vpcd import VpcdClient
from reader.keys import TEST_KEYS, KeyPurpose
from reader.sm4mac import derive_card_key, sm4_mac

from .cardkit import CARD_ID, CHALLENGE, fixed_challenge, make_profile

SELECT_SSSE = "00A404000F7378312E73682EC9E7BBE1B1A3D5CF"
WEAK = [
    "123456",
    "111111",
    "000000",
    "999999",
    "234567",
    "345678",
    "654321",
    "987654",
    "1234",
    "4321",
    "0000",
    "0123456789",
    "3210",
]
NOT_BCD = ["1A3456", "12345A", "FFFFFF", "12F456", "A23456"]
BAD_LENGTH = ["12", "123F", "12345678901234"]  # 2, 3 and 14 digits


def send(card: EmulatedCard, hex_apdu: str) -> str:
    return card.process(bytes.fromhex(hex_apdu)).hex().upper()


def selected(pin: str = "123456", tries: int = 3) -> EmulatedCard:
    card = EmulatedCard.from_profile(
        make_profile(pin=pin, pin_tries_left=tries), challenge_source=fixed_challenge
    )
    assert send(card, SELECT_SSSE) == "611B"
    send(card, "00C000001B")
    return card


def bcd(pin: str) -> str:
    return pin + ("F" if len(pin) % 2 else "")


def lc(data_hex: str) -> str:
    return f"{len(data_hex) // 2:02X}" + data_hex


# --- VERIFY --------------------------------------------------------------------------------


@pytest.mark.parametrize("tries", [3, 2, 1])
def test_verify_with_empty_lc_answers_tries_left_without_spending_one(tries: int) -> None:
    card = selected(tries=tries)
    assert send(card, "0020000000") == f"63C{tries}"
    assert send(card, "0020000000") == f"63C{tries}"
    assert card.pin_tries_left == tries


def test_verify_with_empty_lc_on_a_blocked_pin_answers_6983() -> None:
    card = selected(tries=0)
    assert send(card, "0020000000") == "6983"


@pytest.mark.parametrize("data", NOT_BCD + BAD_LENGTH)
def test_verify_with_pin_data_not_4_to_12_bcd_digits_is_6a80_and_spends_no_try(
    data: str,
) -> None:
    card = selected()
    assert send(card, "00200000" + lc(data)) == "6A80"
    assert card.pin_tries_left == 3
    assert send(card, "0020000003123456") == "9000"  # the PIN is still the PIN


def test_verify_with_a_well_formed_wrong_pin_still_spends_a_try() -> None:
    card = selected()
    assert send(card, "00200000" + lc(bcd("12345"))) == "63C2"
    assert card.pin_tries_left == 2


# --- CHANGE PIN / RELOAD PIN: weak and malformed new PINs -----------------------------------


@pytest.mark.parametrize("weak", WEAK)
def test_P7_change_pin_to_a_weak_pin_is_6a80_nothing_changes_no_try_spent(weak: str) -> None:
    card = selected(pin="385912")
    assert send(card, "805E0100" + lc("385912FF" + bcd(weak))) == "6A80"
    assert card.pin_tries_left == 3
    assert card.to_profile()["pin"] == "385912"


@pytest.mark.parametrize("weak", WEAK[:4])
def test_P7_weak_new_pin_is_refused_before_a_wrong_old_pin_costs_a_try(weak: str) -> None:
    card = selected(pin="385912")
    assert send(card, "805E0100" + lc("111222FF" + bcd(weak))) == "6A80"
    assert card.pin_tries_left == 3


@pytest.mark.parametrize("new", NOT_BCD + BAD_LENGTH[:2])
def test_change_pin_with_a_malformed_new_pin_is_6a80(new: str) -> None:
    card = selected()
    assert send(card, "805E0100" + lc("123456FF" + new)) == "6A80"
    assert card.pin_tries_left == 3 and card.to_profile()["pin"] == "123456"


@pytest.mark.parametrize("old", ["1A3456", "12"])
def test_change_pin_with_a_malformed_old_pin_is_6a80_and_spends_no_try(old: str) -> None:
    card = selected()
    assert send(card, "805E0100" + lc(old + "FF385912")) == "6A80"
    assert card.pin_tries_left == 3 and card.to_profile()["pin"] == "123456"


def test_change_pin_to_a_strong_pin_still_works() -> None:
    card = selected()
    assert send(card, "805E0100" + lc("123456FF385912")) == "9000"
    assert card.to_profile()["pin"] == "385912"


def reload_apdu(new: str) -> str:
    key = derive_card_key(TEST_KEYS[KeyPurpose.RELOAD], bytes.fromhex(CARD_ID))
    data = bytes.fromhex(bcd(new))
    header = bytes((0x80, 0x5E, 0x00, 0x00, len(data) + 4))
    return (header + data + sm4_mac(key, CHALLENGE, header + data)).hex().upper()


@pytest.mark.parametrize("weak", WEAK)
def test_P7_reload_pin_to_a_weak_pin_is_6a80_and_nothing_changes(weak: str) -> None:
    card = selected(tries=0)
    assert send(card, "0084000008") == CHALLENGE.hex().upper() + "9000"
    assert send(card, reload_apdu(weak)) == "6A80"
    assert card.to_profile()["pin"] == "123456" and card.pin_tries_left == 0


def test_reload_pin_to_a_strong_pin_with_the_same_mac_scheme_works() -> None:
    # The control for the test above: the same APDU builder with a strong PIN succeeds.
    card = selected(tries=0)
    send(card, "0084000008")
    assert send(card, reload_apdu("385912")) == "9000"
    assert card.to_profile()["pin"] == "385912" and card.pin_tries_left == 3


# --- 1-byte messages over vpcd ----------------------------------------------------------------


class FakeDriver:
    """The vpcd driver's side of the socket: length-prefixed messages both ways."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.server.settimeout(30)
        self.conn: socket.socket | None = None

    def accept(self) -> None:
        self.conn, _ = self.server.accept()
        # Only so that a regression fails instead of blocking the run for ever.
        self.conn.settimeout(30)

    def send(self, payload: bytes) -> None:
        assert self.conn is not None
        self.conn.sendall(struct.pack(">H", len(payload)) + payload)

    def receive(self) -> bytes:
        assert self.conn is not None
        head = self._exactly(2)
        return self._exactly(struct.unpack(">H", head)[0])

    def _exactly(self, n: int) -> bytes:
        assert self.conn is not None
        data = b""
        while len(data) < n:
            chunk = self.conn.recv(n - len(data))
            assert chunk, "the emulator closed the connection"
            data += chunk
        return data

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
        self.server.close()


@pytest.fixture
def driver() -> Iterator[tuple[FakeDriver, EmulatedCard]]:
    fake = FakeDriver()
    card = EmulatedCard.from_profile(make_profile(), challenge_source=fixed_challenge)
    client = VpcdClient(card, "127.0.0.1", fake.port, min_out_time=0.0)
    client.start()
    fake.accept()
    try:
        yield fake, card
    finally:
        client.stop()
        fake.close()


@pytest.mark.parametrize("byte", [0x80, 0x03, 0x05, 0xFF, 0x20])
def test_a_1_byte_message_other_than_00_01_02_04_answers_6700(
    driver: tuple[FakeDriver, EmulatedCard], byte: int
) -> None:
    fake, card = driver
    fake.send(b"\x01")  # power on: no answer
    fake.send(bytes((byte,)))
    fake.send(b"\x04")  # the ATR request that follows must get the ATR, not be first
    assert fake.receive() == b"\x67\x00"
    assert fake.receive() == card.atr()
    # and the card still serves commands afterwards
    fake.send(bytes.fromhex(SELECT_SSSE))
    assert fake.receive() == b"\x61\x1b"


def test_control_bytes_00_01_02_are_not_answered_and_04_answers_the_atr(
    driver: tuple[FakeDriver, EmulatedCard],
) -> None:
    fake, card = driver
    for control in (b"\x00", b"\x01", b"\x02", b"\x01"):
        fake.send(control)
    fake.send(b"\x04")
    assert fake.receive() == card.atr()  # the first answer: nothing came before it
