"""IDCARD.md "Frames": encoding, and reading one frame from a stream that misbehaves."""

from __future__ import annotations

import pytest

from reader.idcard.errors import (
    FrameChecksumError,
    FrameError,
    FrameLengthError,
    FrameTruncated,
    IdReaderTimeout,
)
from reader.idcard.frames import (
    HEADER,
    MAX_LEN,
    checksum,
    command_frame,
    parse_command,
    parse_response,
    read_frame,
    response_frame,
)

from .idkit import FakeClock, ScriptedSource


def test_command_frames_are_the_ga467_bytes() -> None:
    # IDCARD.md "Frames": LEN counts CMD PARA CHK; CHK is the XOR from LEN to the last byte
    assert command_frame(0x11, 0xFF).hex(" ") == "aa aa aa 96 69 00 03 11 ff ed"
    assert command_frame(0x20, 0x01).hex(" ") == "aa aa aa 96 69 00 03 20 01 22"
    assert command_frame(0x20, 0x02).hex(" ") == "aa aa aa 96 69 00 03 20 02 21"
    assert command_frame(0x30, 0x01).hex(" ") == "aa aa aa 96 69 00 03 30 01 32"


def test_response_frame_has_sw1_sw2_zero_and_checksum() -> None:
    frame = response_frame(0x9F, bytes(4))
    assert frame[:5] == HEADER
    assert frame[5:7] == (3 + 4 + 1).to_bytes(2, "big")
    assert frame[7:10] == bytes([0, 0, 0x9F])
    assert frame[-1] == checksum(frame[5:-1])


def _read(chunks: list[bytes], timeout: float = 1.0) -> bytes:
    return read_frame(ScriptedSource(chunks, clock := FakeClock()), timeout, clock)


def test_whole_reply_is_read() -> None:
    frame = response_frame(0x90, b"\x01\x02\x03")
    assert parse_response(_read([frame])).data == b"\x01\x02\x03"


@pytest.mark.parametrize("piece", [1, 2, 3, 5, 7, 11])
def test_reply_split_across_reads(piece: int) -> None:
    frame = response_frame(0x90, bytes(range(200)))
    chunks = [frame[i : i + piece] for i in range(0, len(frame), piece)]
    assert parse_response(_read(chunks)).data == bytes(range(200))


def test_garbage_before_the_header_is_skipped() -> None:
    frame = response_frame(0x9F, bytes(4))
    noise = b"\x00\xff\xaa\xaa\x96\xaa\xaa\xaa\x96"  # partial headers inside the noise
    assert parse_response(_read([noise, frame])).sw3 == 0x9F


def test_bad_checksum() -> None:
    frame = bytearray(response_frame(0x90, b"abc"))
    frame[-1] ^= 0x01
    with pytest.raises(FrameChecksumError) as err:
        _read([bytes(frame)])
    assert "取下后重新放置" in str(err.value)


def test_corrupted_byte_is_a_checksum_error() -> None:
    frame = bytearray(response_frame(0x90, b"abcdef"))
    frame[10] ^= 0x40
    with pytest.raises(FrameChecksumError):
        _read([bytes(frame)])


def test_short_frame_is_truncated_not_a_hang() -> None:
    frame = response_frame(0x90, bytes(50))
    with pytest.raises(FrameTruncated):
        _read([frame[:30]])


def test_header_only_is_truncated() -> None:
    with pytest.raises(FrameTruncated):
        _read([HEADER])


@pytest.mark.parametrize("length", [0, 1, MAX_LEN + 1, 0xFFFF])
def test_impossible_length(length: int) -> None:
    with pytest.raises(FrameLengthError):
        _read([HEADER + length.to_bytes(2, "big") + bytes(10)])


def test_silence_is_a_timeout() -> None:
    with pytest.raises(IdReaderTimeout) as err:
        _read([])
    assert "没有应答" in str(err.value)


def test_endless_noise_is_a_frame_error() -> None:
    with pytest.raises(FrameError):
        _read([b"\x55" * 10_000])


def test_noise_then_silence_is_truncated() -> None:
    with pytest.raises(FrameTruncated):
        _read([b"\x01\x02\x03"])


def test_sw1_sw2_other_than_zero_is_malformed() -> None:
    body = bytes([0x6A, 0x82, 0x90])
    with pytest.raises(FrameError):
        parse_response(body)


def test_parse_command_round_trip() -> None:
    frame = command_frame(0x30, 0x10)
    command = parse_command(_read([frame]))
    assert (command.cmd, command.para, command.data) == (0x30, 0x10, b"")
