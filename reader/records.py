"""Parsing what the card sends back: TLV records of EF05/EF06 and the SSSE FCI.

Tolerant where real cards differ (CARD.md "Client rules"): text padded with ``00`` or ``20``
(or ``FF``), trailing padding after a record, extra FCI tags. Anything that cannot be
understood raises ``MalformedResponse`` — never ``IndexError`` or ``UnicodeError``.
"""

from __future__ import annotations

from dataclasses import dataclass

from reader.errors import MalformedResponse

#: AID of the SSSE application: ASCII "sx1.sh." + GBK "社会保障" (CARD.md "Files").
SSSE_AID = bytes.fromhex("7378312E73682EC9E7BBE1B1A3D5CF")

# Tags of CARD.md's record table.
TAG_CARD_ID = 0x01
TAG_CARD_TYPE = 0x02
TAG_SPEC_VERSION = 0x03
TAG_INIT_ORG = 0x04
TAG_ISSUE_DATE = 0x05
TAG_EXPIRY_DATE = 0x06
TAG_CARD_NUMBER = 0x07
TAG_SSN = 0x08
TAG_NAME = 0x09
TAG_NAME_EXT = 0x4E
TAG_GENDER = 0x0A
TAG_ETHNICITY = 0x0B
TAG_BIRTHPLACE = 0x0C
TAG_BIRTH_DATE = 0x0D


@dataclass(frozen=True)
class TlvRecord:
    tag: int
    value: bytes


def parse_record(data: bytes, expected_tag: int | None = None) -> TlvRecord:
    """One record ``tag(1) len(1) value``. Bytes after the value (padding) are ignored; a
    value shorter than its length byte, or a tag other than ``expected_tag``, is malformed."""
    if len(data) < 2:
        raise MalformedResponse()
    tag, length = data[0], data[1]
    if len(data) < 2 + length:
        raise MalformedResponse()
    if expected_tag is not None and tag != expected_tag:
        raise MalformedResponse()
    return TlvRecord(tag, bytes(data[2 : 2 + length]))


def parse_tlv_sequence(data: bytes) -> list[TlvRecord]:
    """Consecutive one-byte-tag, one-byte-length TLVs filling ``data`` exactly."""
    out: list[TlvRecord] = []
    pos = 0
    while pos < len(data):
        if pos + 2 > len(data):
            raise MalformedResponse()
        tag, length = data[pos], data[pos + 1]
        end = pos + 2 + length
        if end > len(data):
            raise MalformedResponse()
        out.append(TlvRecord(tag, bytes(data[pos + 2 : end])))
        pos = end
    return out


def _strip_padding(value: bytes) -> bytes:
    """Cut at the first ``00`` and strip ``20``/``FF`` padding on both sides.

    Safe for GBK: neither byte of a two-byte GBK character can be ``00``, ``20`` or ``FF``.
    """
    cut = value.find(b"\x00")
    if cut >= 0:
        value = value[:cut]
    return value.strip(b" \xff")


def decode_ascii(value: bytes) -> str:
    """Printable ASCII text with padding stripped."""
    raw = _strip_padding(value)
    if any(b < 0x20 or b > 0x7E for b in raw):
        raise MalformedResponse()
    return raw.decode("ascii")


def decode_gbk(value: bytes) -> str:
    """GBK text (decoded as GB 18030, its superset, for rare name characters) with padding
    stripped."""
    raw = _strip_padding(value)
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise MalformedResponse() from exc
    if any(not ch.isprintable() for ch in text):
        raise MalformedResponse()
    return text


@dataclass(frozen=True)
class Fci:
    """What the card says about SSSE when it is selected (CARD.md "Files")."""

    aid: bytes | None
    algorithm: int | None


def parse_fci(data: bytes) -> Fci:
    """``6F L { 84 L AID, A5 L { 9F0C L { 86 01 alg } } }``; other tags are ignored,
    an empty answer gives an empty FCI."""
    if not data:
        return Fci(None, None)
    outer = parse_record(data)
    if outer.tag != 0x6F:
        raise MalformedResponse()
    aid: bytes | None = None
    algorithm: int | None = None
    for item in _parse_ber(outer.value):
        if item.tag == 0x84:
            aid = item.value
        elif item.tag == 0xA5:
            # CARD.md: A5 06 { 9F0C 03 { 86 01 alg } }; an 86 directly in A5 is accepted too
            for inner in _parse_ber(item.value):
                nested = _parse_ber(inner.value) if inner.tag == 0x9F0C else [inner]
                for element in nested:
                    if element.tag == 0x86 and len(element.value) == 1:
                        algorithm = element.value[0]
    return Fci(aid, algorithm)


def _parse_ber(data: bytes) -> list[TlvRecord]:
    """BER-TLV items with one- or two-byte tags and short or ``81``/``82`` lengths."""
    out: list[TlvRecord] = []
    pos = 0
    while pos < len(data):
        tag = data[pos]
        pos += 1
        if tag & 0x1F == 0x1F:
            if pos >= len(data):
                raise MalformedResponse()
            tag = (tag << 8) | data[pos]
            pos += 1
        if pos >= len(data):
            raise MalformedResponse()
        length = data[pos]
        pos += 1
        if length & 0x80:
            count = length & 0x7F
            if count not in (1, 2) or pos + count > len(data):
                raise MalformedResponse()
            length = int.from_bytes(data[pos : pos + count], "big")
            pos += count
        if pos + length > len(data):
            raise MalformedResponse()
        out.append(TlvRecord(tag, bytes(data[pos : pos + length])))
        pos += length
    return out
