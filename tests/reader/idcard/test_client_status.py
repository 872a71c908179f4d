"""The client over a scripted port: every SW3 of IDCARD.md becomes its typed error, replies
of the wrong length are refused, and a reply in pieces is still one reply."""

from __future__ import annotations

import pytest

from reader.idcard import errors as e
from reader.idcard.client import IdCardClient
from reader.idcard.frames import command_frame, response_frame

from .idkit import RESIDENT, ScriptedSerial, card_replies, profile

# IDCARD.md, SW3 table: every code but the two successes
SW3_ERRORS = {
    0x91: e.NoSuchContent,
    0x10: e.CommandChecksumRejected,
    0x11: e.CommandLengthRejected,
    0x21: e.UnknownCommand,
    0x23: e.CardNotAuthorised,
    0x31: e.CardAuthenticationFailed,
    0x41: e.CardReadFailed,
    0x60: e.SamSelfTestFailed,
    0x66: e.SamNotAuthorised,
    0x80: e.NoIdCard,
    0x81: e.CardSelectFailed,
}


@pytest.mark.parametrize("sw3", sorted(SW3_ERRORS))
def test_every_sw3_is_a_typed_error_with_what_to_do(sw3: int) -> None:
    client = IdCardClient(ScriptedSerial([response_frame(sw3)]))
    with pytest.raises(SW3_ERRORS[sw3]) as err:
        client.find_card()
    message = str(err.value)
    assert "请" in message  # says what to do
    assert err.value.sw3 == sw3


def test_unlisted_sw3() -> None:
    client = IdCardClient(ScriptedSerial([response_frame(0x77)]))
    with pytest.raises(e.UnexpectedStatus) as err:
        client.sam_status()
    assert err.value.sw3 == 0x77


def test_each_sw3_at_each_step_of_a_read() -> None:
    p = profile(RESIDENT)
    good = card_replies(p)
    for step in range(4):
        replies = good[:step] + [response_frame(0x41)]
        with pytest.raises(e.CardReadFailed):
            IdCardClient(ScriptedSerial(replies)).read_card()


def test_read_card_sends_find_select_read() -> None:
    p = profile(RESIDENT)
    port = ScriptedSerial(card_replies(p))
    card = IdCardClient(port).read_card()
    assert port.written == [
        command_frame(0x12, 0xFF),
        command_frame(0x20, 0x01),
        command_frame(0x20, 0x02),
        command_frame(0x30, 0x01),
    ]
    assert card.name == "张伟"
    assert card.sam_id == "05.01-20101008-0000012345-1234567890"
    assert bytes(card.photo) == p.photo()


@pytest.mark.parametrize("split", [1, 3, 64])
def test_read_card_with_replies_in_pieces(split: int) -> None:
    card = IdCardClient(ScriptedSerial(card_replies(profile(RESIDENT)), split=split)).read_card()
    assert card.id_number == "500103196803150310"


def test_read_reply_whose_sizes_disagree_with_its_length() -> None:
    p = profile(RESIDENT)
    replies = card_replies(p)
    text, photo = p.text(), p.photo()
    replies[3] = response_frame(
        0x90, (256).to_bytes(2, "big") + (2048).to_bytes(2, "big") + text + photo
    )
    with pytest.raises(e.FrameLengthError):
        IdCardClient(ScriptedSerial(replies)).read_card()


def test_text_length_other_than_256() -> None:
    p = profile(RESIDENT)
    replies = card_replies(p)
    replies[3] = response_frame(
        0x90, (200).to_bytes(2, "big") + (0).to_bytes(2, "big") + bytes(200)
    )
    with pytest.raises(e.FrameLengthError):
        IdCardClient(ScriptedSerial(replies)).read_card()


def test_sam_id_of_wrong_length() -> None:
    with pytest.raises(e.FrameLengthError):
        IdCardClient(ScriptedSerial([response_frame(0x90, bytes(15))])).sam_id()


def test_silent_reader_times_out() -> None:
    client = IdCardClient(ScriptedSerial([]), timeout=0.05)
    with pytest.raises(e.IdReaderTimeout):
        client.sam_status()


def test_newest_address_absent_and_present() -> None:
    with pytest.raises(e.NoSuchContent):
        IdCardClient(ScriptedSerial([response_frame(0x91)])).newest_address()
    raw = "重庆市北碚区天生路2号".encode("utf-16-le")
    raw += b" \x00" * ((70 - len(raw)) // 2)
    client = IdCardClient(ScriptedSerial([response_frame(0x90, raw)]))
    assert client.newest_address() == "重庆市北碚区天生路2号"


def test_read_with_fingerprints_counts_but_keeps_none() -> None:
    p = profile(RESIDENT)
    text, photo = p.text(), p.photo()
    reply = response_frame(
        0x90,
        (256).to_bytes(2, "big")
        + (1024).to_bytes(2, "big")
        + (512).to_bytes(2, "big")
        + text
        + photo
        + bytes(512),
    )
    blocks = IdCardClient(ScriptedSerial([reply])).read_blocks(fingerprints=True)
    assert blocks.fingerprints == 512 and blocks.text == text


class _Vanishing(ScriptedSerial):
    def read(self, size: int = 1) -> bytes:
        raise OSError(5, "Input/output error")


def test_port_gone_is_disconnected_without_driver_text() -> None:
    with pytest.raises(e.IdReaderDisconnected) as err:
        IdCardClient(_Vanishing([])).sam_status()
    assert "Input/output" not in str(err.value)
    assert "连接" in str(err.value)
