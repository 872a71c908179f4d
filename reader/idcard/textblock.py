"""The 256-byte text block of IDCARD.md "The text block", for the three card kinds.

UCS-2LE; fields padded with spaces (``20 00``) — some readers pad with NULs, which the
parser strips as well. The kind is decided by the flag at bytes 248–249 (space: resident,
``J``: 港澳台居民居住证, ``I``/``Y``: 外国人永久居留身份证). :func:`build_text` is the inverse,
used by the emulator, so one table describes both directions.

The 2023 foreign card (``Y``) has an 18-character number but IDCARD.md gives its field 30
bytes (15 characters); its last three characters are taken from the 6 bytes after the flag,
where the ``Y`` card keeps them. A ``Y`` block with spaces there gives the 15 characters.
"""

from __future__ import annotations

import datetime as dt

from reader.idcard.card import LONG_TERM, CardKind, IdCardData
from reader.idcard.errors import CardDataError

TEXT_LEN = 256
FLAG_AT = 248

Layout = tuple[tuple[str, int], ...]

RESIDENT: Layout = (
    ("name", 30),
    ("gender", 2),
    ("nation", 4),
    ("birth", 16),
    ("address", 70),
    ("id_number", 36),
    ("authority", 30),
    ("valid_from", 16),
    ("valid_to", 16),
    ("reserved", 36),
)
HMT: Layout = (
    ("name", 30),
    ("gender", 2),
    ("reserved1", 4),
    ("birth", 16),
    ("address", 70),
    ("id_number", 36),
    ("authority", 30),
    ("valid_from", 16),
    ("valid_to", 16),
    ("pass_number", 18),
    ("issue_count", 4),
    ("reserved2", 6),
    ("flag", 2),
    ("reserved3", 6),
)
FOREIGN: Layout = (
    ("english_name", 120),
    ("gender", 2),
    ("id_number", 30),
    ("nationality", 6),
    ("name", 30),
    ("valid_from", 16),
    ("valid_to", 16),
    ("birth", 16),
    ("version", 4),
    ("authority_code", 8),
    ("flag", 2),
    ("tail", 6),
)

LAYOUTS: dict[CardKind, Layout] = {
    CardKind.RESIDENT: RESIDENT,
    CardKind.HMT: HMT,
    CardKind.FOREIGN: FOREIGN,
}


def _check_layouts() -> None:
    for layout in LAYOUTS.values():
        assert sum(size for _, size in layout) == TEXT_LEN


_check_layouts()


def kind_of_flag(flag: str) -> CardKind:
    if flag in (" ", "\x00", ""):
        return CardKind.RESIDENT
    if flag == "J":
        return CardKind.HMT
    if flag in ("I", "Y"):
        return CardKind.FOREIGN
    raise CardDataError()


def _decode(raw: bytes) -> str:
    try:
        text = raw.decode("utf-16-le")
    except UnicodeDecodeError as exc:
        raise CardDataError() from exc
    return text.strip(" \x00\u3000")


def _date(value: str) -> dt.date:
    if len(value) != 8 or not value.isdigit():
        raise CardDataError()
    try:
        return dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError as exc:
        raise CardDataError() from exc


def _valid_to(value: str) -> dt.date | None:
    return None if value == LONG_TERM else _date(value)


def split_fields(text: bytes, layout: Layout) -> dict[str, str]:
    fields: dict[str, str] = {}
    at = 0
    for name, size in layout:
        fields[name] = _decode(text[at : at + size])
        at += size
    return fields


def parse_text(text: bytes, sam_id: str = "", photo: bytes | bytearray = b"") -> IdCardData:
    """The card's fields from its text block (and the photo bytes, copied into a fresh
    ``bytearray`` the caller wipes)."""
    if len(text) != TEXT_LEN:
        raise CardDataError()
    flag = _decode(text[FLAG_AT : FLAG_AT + 2])
    kind = kind_of_flag(flag)
    f = split_fields(text, LAYOUTS[kind])
    number = f["id_number"]
    if kind is CardKind.FOREIGN and flag == "Y" and len(number) == 15:
        number += f["tail"][:3]
    if not number:
        raise CardDataError()
    return IdCardData(
        kind=kind,
        flag=flag,
        name=f["name"],
        gender=f["gender"],
        birth=_date(f["birth"]),
        id_number=number,
        valid_from=_date(f["valid_from"]),
        valid_to=_valid_to(f["valid_to"]),
        nation=f.get("nation", ""),
        address=f.get("address", ""),
        authority=f.get("authority", ""),
        pass_number=f.get("pass_number", ""),
        issue_count=f.get("issue_count", ""),
        english_name=f.get("english_name", ""),
        nationality=f.get("nationality", ""),
        version=f.get("version", ""),
        authority_code=f.get("authority_code", ""),
        sam_id=sam_id,
        photo=bytearray(photo),
    )


def _encode(value: str, size: int, pad: str = " ") -> bytes:
    raw = value.encode("utf-16-le")
    if len(raw) > size:
        raise ValueError(f"field too long for {size} bytes")
    return raw + pad.encode("utf-16-le") * ((size - len(raw)) // 2)


def build_text(kind: CardKind, values: dict[str, str], pad: str = " ") -> bytes:
    """The text block of a card of ``kind`` (dates as ``YYYYMMDD``, ``valid_to`` may be
    ``长期``); ``pad`` is the padding character (space as IDCARD.md says, or NUL)."""
    values = dict(values)
    if kind is CardKind.HMT:
        values["flag"] = "J"
    if kind is CardKind.FOREIGN:
        flag = values.get("flag") or "I"
        values["flag"] = flag
        number = values.get("id_number", "")
        if flag == "Y" and len(number) == 18:
            values["id_number"], values["tail"] = number[:15], number[15:]
    out = b"".join(_encode(values.get(name, ""), size, pad) for name, size in LAYOUTS[kind])
    if kind is CardKind.RESIDENT:  # the flag byte pair is a space whatever the padding
        out = out[:FLAG_AT] + b" \x00" + out[FLAG_AT + 2 :]
    return out
