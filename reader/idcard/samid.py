"""The SAM ID of IDCARD.md "The photo (PL = 1024 bytes) and the SAM ID".

16 bytes, shown as ``AA.BB-CCCCCCCC-DDDDDDDDDD-EEEEEEEEEE``: the first two numbers are
one-byte values, each held in a 2-byte little-endian slot (bytes 0–1 and 2–3, as the GA 467
readers lay them out, so that the five numbers fill the 16 bytes), then three 4-byte
little-endian unsigned numbers; all decimal and zero-padded to the widths shown.
"""

from __future__ import annotations

from reader.idcard.errors import FrameLengthError

SAM_ID_LEN = 16


def format_sam_id(raw: bytes) -> str:
    if len(raw) != SAM_ID_LEN:
        raise FrameLengthError()
    a = int.from_bytes(raw[0:2], "little")
    b = int.from_bytes(raw[2:4], "little")
    c = int.from_bytes(raw[4:8], "little")
    d = int.from_bytes(raw[8:12], "little")
    e = int.from_bytes(raw[12:16], "little")
    return f"{a:02d}.{b:02d}-{c:08d}-{d:010d}-{e:010d}"


def sam_id_bytes(text: str) -> bytes:
    """The inverse of :func:`format_sam_id` (for profiles and tests)."""
    head, c, d, e = text.split("-")
    a, b = head.split(".")
    return (
        int(a).to_bytes(2, "little")
        + int(b).to_bytes(2, "little")
        + int(c).to_bytes(4, "little")
        + int(d).to_bytes(4, "little")
        + int(e).to_bytes(4, "little")
    )
