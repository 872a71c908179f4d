"""PC/SC part 10 PIN pad: feature parsing, structures, a scripted ``control`` fake, and the
simulated pad of the in-process transport driving the real card model."""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

import pytest

from reader import errors as e
from reader.apdu import raise_for_status
from reader.client import SocialSecurityCardClient
from reader.emulator.card import EmulatedCard
from reader.emulator.inprocess import (
    IOCTL_MODIFY_PIN_DIRECT,
    IOCTL_VERIFY_PIN_DIRECT,
    InProcessTransport,
)
from reader.pinbuffer import PinBuffer
from reader.pinpad import (
    CM_IOCTL_GET_FEATURE_REQUEST,
    MODIFY_HEADER,
    VERIFY_HEADER,
    SecurePinPad,
    modify_structure,
    parse_features,
    scard_ctl_code,
    verify_structure,
)

from .cardkit import pin


def test_ctl_codes() -> None:
    assert CM_IOCTL_GET_FEATURE_REQUEST == scard_ctl_code(3400, "linux") == 0x42000D48
    assert scard_ctl_code(3400, "win32") == 0x00313520


def test_parse_features() -> None:
    reply = bytes.fromhex("0604423300060704423300071204423300120A0442330A00")
    features = parse_features(reply)
    assert features[0x06] == 0x42330006 and features[0x07] == 0x42330007
    assert len(features) == 4


@pytest.mark.parametrize("reply", ["06", "060342330006", "0604423300", "06044233000607"])
def test_malformed_feature_reply_means_no_pinpad(reply: str) -> None:
    assert parse_features(bytes.fromhex(reply)) == {}


def test_verify_structure_bytes() -> None:
    template = bytes.fromhex("0020000003FFFFFF")
    structure = verify_structure(template, timeout_s=30)
    assert VERIFY_HEADER.size == 19
    assert structure.hex().upper() == ("1E1E81030006060201040800000000080000000020000003FFFFFF")


def test_modify_structure_bytes() -> None:
    template = bytes.fromhex("805E010007FFFFFFFFFFFFFF")
    structure = modify_structure(template, 0, 4, timeout_s=60)
    assert MODIFY_HEADER.size == 24
    assert structure.hex().upper() == (
        "3C3C8103000004060603020304080001020000000C000000" + template.hex().upper()
    )


class ScriptedReader:
    """A transport whose ``control`` answers from a script and records what it got."""

    def __init__(self, replies: dict[int, bytes | Exception]) -> None:
        self.replies = replies
        self.calls: list[tuple[int, bytes]] = []

    def atr(self) -> bytes:
        return b""

    def transmit(self, apdu: bytes | bytearray) -> bytes:
        raise AssertionError("no APDU expected")

    def transaction(self) -> Any:
        return nullcontext()

    def control(self, code: int, data: bytes | bytearray) -> bytes:
        self.calls.append((code, bytes(data)))
        reply = self.replies.get(code, NotImplementedError())
        if isinstance(reply, Exception):
            raise reply
        return reply


def _features() -> bytes:
    return bytes.fromhex("060442330006070442330007")


@pytest.mark.parametrize(
    "reply", [NotImplementedError(), e.ReaderUnavailable(), b"", b"\x06\x04\x00", b"\x07\x04abcd"]
)
def test_detect_without_pinpad(reply: bytes | Exception) -> None:
    reader = ScriptedReader({CM_IOCTL_GET_FEATURE_REQUEST: reply})
    assert SecurePinPad.detect(reader) is None


@pytest.mark.parametrize(
    ("sw", "error"),
    [
        (b"\x64\x00", e.PinEntryTimeout),
        (b"\x64\x01", e.PinEntryCancelled),
        (b"\x64\x02", e.PinMismatch),
        (b"\x64\x03", e.PinLengthInvalid),
        (b"\x63\xc1", e.WrongPin),
        (b"\x69\x83", e.PinBlocked),
    ],
)
def test_pinpad_status_words(sw: bytes, error: type[Exception]) -> None:
    reader = ScriptedReader({CM_IOCTL_GET_FEATURE_REQUEST: _features(), 0x42330006: sw})
    pad = SecurePinPad.detect(reader)
    assert pad is not None and pad.can_verify and pad.can_modify
    response = pad.verify(bytes.fromhex("0020000003FFFFFF"))
    assert response == sw
    assert reader.calls[-1] == (0x42330006, verify_structure(bytes.fromhex("0020000003FFFFFF")))
    with pytest.raises(error):
        raise_for_status(int.from_bytes(response, "big"))


def test_pad_without_modify_feature() -> None:
    reader = ScriptedReader({CM_IOCTL_GET_FEATURE_REQUEST: bytes.fromhex("060442330006")})
    pad = SecurePinPad.detect(reader)
    assert pad is not None and not pad.can_modify
    with pytest.raises(e.PinPadUnavailable):
        pad.modify(b"", 0, 4)


# --- simulated pad of the in-process transport, with the client ------------------------


class Holder:
    """Types PINs on the simulated pad from a script."""

    def __init__(self, *entries: str | None | Exception) -> None:
        self.entries = list(entries)
        self.prompts: list[str] = []
        self.given: list[PinBuffer] = []

    def __call__(self, prompt: str) -> PinBuffer | None:
        self.prompts.append(prompt)
        entry = self.entries.pop(0)
        if isinstance(entry, Exception):
            raise entry
        if entry is None:
            return None
        buf = pin(entry)
        self.given.append(buf)
        return buf


def _setup(card: EmulatedCard, holder: Holder) -> tuple[SocialSecurityCardClient, SecurePinPad]:
    transport = InProcessTransport(card, pinpad=holder)
    pad = SecurePinPad.detect(transport)
    assert pad is not None
    return SocialSecurityCardClient(transport), pad


def test_no_pinpad_on_plain_inprocess_reader(card: EmulatedCard) -> None:
    assert SecurePinPad.detect(InProcessTransport(card)) is None


def test_verify_on_pinpad(card: EmulatedCard) -> None:
    holder = Holder("123456")
    client, pad = _setup(card, holder)
    client.verify_on_pinpad(pad)
    assert card.pin_verified
    assert holder.prompts == ["请输入社保卡密码"]
    assert all(len(b) == 0 for b in holder.given)  # the pad wiped what was typed


def test_verify_on_pinpad_wrong_and_cancel_and_timeout(card: EmulatedCard) -> None:
    client, pad = _setup(card, Holder("111111", None, e.PinEntryTimeout(), "12345"))
    with pytest.raises(e.WrongPin):
        client.verify_on_pinpad(pad)
    with pytest.raises(e.PinEntryCancelled):
        client.verify_on_pinpad(pad)
    with pytest.raises(e.PinEntryTimeout):
        client.verify_on_pinpad(pad)
    with pytest.raises(e.PinLengthInvalid):
        client.verify_on_pinpad(pad)
    assert card.pin_tries_left == 2  # only the wrong PIN reached the card


def test_change_pin_on_pinpad(card: EmulatedCard) -> None:
    holder = Holder("123456", "246810", "246810")
    client, pad = _setup(card, holder)
    client.change_pin_on_pinpad(pad)
    assert card.to_profile()["pin"] == "246810"
    assert holder.prompts == ["请输入原密码", "请输入新密码", "请再次输入新密码"]


def test_change_pin_on_pinpad_mismatch_changes_nothing(card: EmulatedCard) -> None:
    client, pad = _setup(card, Holder("123456", "246810", "246811"))
    with pytest.raises(e.PinMismatch):
        client.change_pin_on_pinpad(pad)
    assert card.to_profile()["pin"] == "123456" and card.pin_tries_left == 3


def test_pinpad_on_blocked_application(profile: dict[str, Any]) -> None:
    card = EmulatedCard.from_profile({**profile, "app_state": "blocked"})
    holder = Holder("123456")
    client, pad = _setup(card, holder)
    with pytest.raises(e.ApplicationBlocked):
        client.verify_on_pinpad(pad)
    assert holder.prompts == []  # the holder is not asked to type for nothing


def test_simulated_pad_rejects_garbled_structures(card: EmulatedCard) -> None:
    transport = InProcessTransport(card, pinpad=Holder("123456"))
    assert transport.control(IOCTL_VERIFY_PIN_DIRECT, b"\x00") == b"\x6b\x80"
    assert transport.control(IOCTL_MODIFY_PIN_DIRECT, b"\x00" * 30) == b"\x6b\x80"
    with pytest.raises(NotImplementedError):
        transport.control(0x42000001, b"")
