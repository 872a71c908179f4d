"""Test kit for the ID card reader: card profiles of the three kinds, and a scripted serial
port whose replies arrive in whatever pieces a test chooses."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from reader.idcard.frames import response_frame
from reader.idcard.profile import IdCardProfile, parse_profile

RESIDENT: dict[str, Any] = {
    "kind": "resident",
    "name": "张伟",
    "gender": "1",
    "nation": "15",
    "birth": "19680315",
    "address": "重庆市渝中区解放碑民族路188号",
    "id_number": "500103196803150310",
    "authority": "重庆市公安局渝中区分局",
    "valid_from": "20160104",
    "valid_to": "20360104",
}
HMT: dict[str, Any] = {
    "kind": "hmt",
    "name": "陈家明",
    "gender": "1",
    "birth": "19900402",
    "address": "重庆市江北区观音桥步行街9号",
    "id_number": "810000199004020018",
    "authority": "重庆市公安局",
    "valid_from": "20200101",
    "valid_to": "20250101",
    "pass_number": "H12345678",
    "issue_count": "02",
}
FOREIGN_I: dict[str, Any] = {
    "kind": "foreign",
    "english_name": "SMITH, JOHN PAUL",
    "gender": "1",
    "id_number": "USA310075041506",
    "nationality": "USA",
    "name": "约翰·史密斯",
    "valid_from": "20170601",
    "valid_to": "20270601",
    "birth": "19750415",
    "version": "10",
    "authority_code": "1500",
    "flag": "I",
}
FOREIGN_Y: dict[str, Any] = dict(
    FOREIGN_I, flag="Y", id_number="931156197504150016", version="20", valid_to="长期"
)


def profile(data: dict[str, Any], **changes: Any) -> IdCardProfile:
    return parse_profile({**data, **changes})


class FakeClock:
    """A clock that moves only when the source waits: tests never sleep."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class ScriptedSource:
    """A ByteSource delivering ``chunks`` one per read (split as the test says); once they
    are used up every read waits its whole timeout (on the fake clock) and gets nothing."""

    def __init__(self, chunks: Iterable[bytes], clock: FakeClock) -> None:
        self.chunks = [bytes(c) for c in chunks if c]
        self.clock = clock

    def read(self, size: int, timeout: float) -> bytes:
        if not self.chunks:
            self.clock.now += timeout
            return b""
        chunk = self.chunks[0]
        out, rest = chunk[:size], chunk[size:]
        if rest:
            self.chunks[0] = rest
        else:
            self.chunks.pop(0)
        return out


class ScriptedSerial:
    """Stands in for ``serial.Serial``: every write is answered by the next scripted reply
    (bytes, delivered in ``split``-byte pieces), or by silence when the script ran out."""

    def __init__(self, replies: Iterable[bytes], split: int = 0) -> None:
        self.replies = list(replies)
        self.split = split
        self.timeout: float | None = 1.0
        self.written: list[bytes] = []
        self.pending: list[bytes] = []
        self.closed = False

    def write(self, data: bytes, /) -> int:
        self.written.append(bytes(data))
        if self.replies:
            reply = self.replies.pop(0)
            step = self.split or len(reply) or 1
            self.pending = [reply[i : i + step] for i in range(0, len(reply), step)]
        return len(data)

    def read(self, size: int = 1) -> bytes:
        if not self.pending:
            return b""  # pyserial: the timeout passed with nothing
        chunk = self.pending[0]
        out, rest = chunk[:size], chunk[size:]
        if rest:
            self.pending[0] = rest
        else:
            self.pending.pop(0)
        return out

    def flush(self) -> None:
        return None

    def reset_input_buffer(self) -> None:
        return None

    def close(self) -> None:
        self.closed = True


def read_reply(p: IdCardProfile) -> bytes:
    text, photo = p.text(), p.photo()
    return response_frame(
        0x90, len(text).to_bytes(2, "big") + len(photo).to_bytes(2, "big") + text + photo
    )


def card_replies(p: IdCardProfile) -> list[bytes]:
    """SAM ID, find, select, read: what a reader answers to ``read_card``."""
    return [
        response_frame(0x90, p.sam_id),
        response_frame(0x9F, bytes(4)),
        response_frame(0x90, bytes(8)),
        read_reply(p),
    ]
