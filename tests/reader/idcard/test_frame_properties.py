"""Property tests: whatever bytes arrive, in whatever pieces, the frame reader returns a
checksum-verified body or raises a typed ``IdCardError`` — never another exception, never a
hang (the scripted source's clock only moves when it waits)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.idcard.emulator import EmulatedIdReader
from reader.idcard.errors import IdCardError
from reader.idcard.frames import HEADER, checksum, parse_response, read_frame, response_frame
from reader.idcard.textblock import parse_text

from .idkit import RESIDENT, FakeClock, ScriptedSource, profile


def _pieces(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts} | {0, len(data)})
    return [data[a:b] for a, b in zip(points, points[1:], strict=False)]


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=600), st.lists(st.integers(0, 600), max_size=20))
def test_random_bytes_give_a_verified_frame_or_a_typed_error(data: bytes, cuts: list[int]) -> None:
    clock = FakeClock()
    try:
        body = read_frame(ScriptedSource(_pieces(data, cuts), clock), 1.0, clock)
    except IdCardError:
        return
    # a body came back: it was framed in the input with a matching checksum
    length = (len(body) + 1).to_bytes(2, "big")
    assert HEADER + length + body + bytes([checksum(length + body)]) in data


@settings(max_examples=200, deadline=None)
@given(
    st.binary(max_size=300).filter(lambda b: HEADER[:1] not in b),
    st.binary(max_size=300),
    st.integers(0, 0xFF),
    st.lists(st.integers(0, 900), max_size=30),
)
def test_a_frame_after_noise_is_found_in_any_split(
    noise: bytes, data: bytes, sw3: int, cuts: list[int]
) -> None:
    stream = noise + response_frame(sw3, data)
    clock = FakeClock()
    response = parse_response(read_frame(ScriptedSource(_pieces(stream, cuts), clock), 1.0, clock))
    assert (response.sw3, response.data) == (sw3, data)


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=256, max_size=256))
def test_random_text_blocks_parse_or_refuse(text: bytes) -> None:
    try:
        card = parse_text(text)
    except IdCardError:
        return
    assert card.kind.value in ("resident", "hmt", "foreign")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=40))
def test_emulator_answers_any_command_body_with_a_well_formed_reply(body: bytes) -> None:
    reader = EmulatedIdReader(profile(RESIDENT))
    reply = reader.answer_bytes(body)
    clock = FakeClock()
    response = parse_response(read_frame(ScriptedSource([reply], clock), 1.0, clock))
    assert response.sw3 in (0x90, 0x9F, 0x91, 0x10, 0x11, 0x21, 0x41, 0x80, 0x81)
