"""Canary values and the search for them in every encoding (RELIABILITY.md, leaks).

A canary is a PIN or password that appears nowhere by chance. :func:`needles` spells one
out in every form a careless line of code could write it: the digits as text (UTF-8,
UTF-16, full-width, spaced), packed BCD (raw bytes, hex with and without separators,
``\\x`` escapes, Python's ``bytes`` repr, a list of ints), the ASCII hex of the digits,
base64, the packed APDU data of VERIFY / CHANGE / RELOAD, and unsalted hashes (an
unsalted SHA-256 of a 6-digit PIN is as good as the PIN: a million guesses).

:class:`Haystacks` holds every place searched, as bytes, and whether it is *binary*
(a file of pages or compressed streams): there a bare 3-byte BCD value occurs by chance
about once in 16 MiB, so binary places are searched for every encoding except that one
(a BCD value *stored* in the database still shows, as hex, in the dump, which is text).
"""

from __future__ import annotations

import base64
import hashlib
import urllib.parse
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Needle:
    canary: str  # the name of the canary (never its value, so a report can be printed)
    encoding: str
    pattern: bytes
    #: ASCII case does not matter (hex, text); raw bytes and reprs are matched exactly.
    fold: bool
    #: Short enough to occur by chance in binary data: searched in text places only.
    text_only: bool = False


def bcd(digits: str) -> bytes:
    padded = digits + ("F" if len(digits) % 2 else "")
    return bytes.fromhex(padded)


def _hashes(name: str, raw: bytes) -> list[Needle]:
    return [
        Needle(name, f"{algo}-hex", hashlib.new(algo, raw).hexdigest().encode(), True)
        for algo in ("sha256", "sha1", "md5")
    ]


def digit_needles(name: str, digits: str) -> list[Needle]:
    """Every spelling of a PIN (or a digits-only one-time password)."""
    packed = bcd(digits)
    hexed = packed.hex()
    ascii_codes = [ord(c) for c in digits]
    full_width = "".join(chr(0xFF10 + int(c)) for c in digits)
    out = [
        Needle(name, "digits", digits.encode(), True),
        Needle(name, "digits-utf16le", digits.encode("utf-16-le"), False),
        Needle(name, "digits-utf16be", digits.encode("utf-16-be"), False),
        Needle(name, "digits-fullwidth", full_width.encode(), False),
        Needle(name, "digits-spaced", " ".join(digits).encode(), True),
        Needle(name, "digits-intlist", str([int(c) for c in digits])[1:-1].encode(), True),
        Needle(name, "ascii-codes", str(ascii_codes)[1:-1].encode(), True),
        Needle(name, "ascii-hex", digits.encode().hex().encode(), True),
        Needle(name, "ascii-base64", base64.b64encode(digits.encode()).rstrip(b"="), False),
        Needle(name, "bcd-hex-spaced", " ".join(f"{b:02x}" for b in packed).encode(), True),
        Needle(name, "bcd-hex-colon", ":".join(f"{b:02x}" for b in packed).encode(), True),
        Needle(name, "bcd-hex-0x", ", ".join(f"0x{b:02x}" for b in packed).encode(), True),
        Needle(name, "bcd-escaped", "".join(f"\\x{b:02x}" for b in packed).encode(), True),
        Needle(name, "bcd-pyrepr", repr(packed)[2:-1].encode(), False),
        Needle(name, "bcd-intlist", str(list(packed))[1:-1].encode(), True),
        Needle(name, "bcd-utf16le", hexed.upper().encode("utf-16-le"), False),
        Needle(name, "bcd-raw", packed, False, text_only=len(packed) < 4),
        Needle(name, "bcd-raw-with-lc", bytes((len(packed),)) + packed, False),
        Needle(name, "apdu-verify-hex", ("0020000003" + hexed).encode(), True),
        Needle(name, "apdu-verify-raw", bytes.fromhex("0020000003") + packed, False),
        Needle(name, "apdu-reload-hex", ("805e000007" + hexed).encode(), True),
        Needle(name, "apdu-reload-raw", bytes.fromhex("805e000007") + packed, False),
        Needle(name, "apdu-change-old-hex", ("805e010007" + hexed).encode(), True),
        Needle(name, "apdu-change-old-raw", bytes.fromhex("805e010007") + packed, False),
        Needle(name, "apdu-change-new-hex", (hexed + "ff").encode(), True),
        Needle(name, "apdu-change-new-raw", packed + b"\xff", False),
        Needle(name, "apdu-change-after-ff-hex", ("ff" + hexed).encode(), True),
        Needle(name, "apdu-change-after-ff-raw", b"\xff" + packed, False),
    ]
    out += _hashes(name, digits.encode())
    return out


def text_needles(name: str, value: str) -> list[Needle]:
    """Every spelling of a staff or service password."""
    raw = value.encode()
    out = [
        Needle(name, "text", raw, True),
        Needle(name, "utf16le", value.encode("utf-16-le"), True),
        Needle(name, "utf16be", value.encode("utf-16-be"), True),
        Needle(name, "utf8-hex", raw.hex().encode(), True),
        Needle(name, "base64", base64.b64encode(raw).rstrip(b"="), False),
        Needle(name, "base64url", base64.urlsafe_b64encode(raw).rstrip(b"="), False),
        Needle(name, "url-encoded", urllib.parse.quote(value, safe="").encode(), True),
        Needle(name, "pyrepr-bytes", repr(raw)[2:-1].encode(), True),
    ]
    out += _hashes(name, raw)
    return out


def pair_needles(name: str, old: str, new: str) -> list[Needle]:
    """The data field of one CHANGE PIN: ``old FF new``."""
    data = bcd(old) + b"\xff" + bcd(new)
    return [
        Needle(name, "apdu-change-data-raw", data, False),
        Needle(name, "apdu-change-data-hex", data.hex().encode(), True),
        Needle(
            name, "apdu-change-data-hex-spaced", " ".join(f"{b:02x}" for b in data).encode(), True
        ),
    ]


@dataclass
class Haystacks:
    """Every place searched: name -> (bytes, binary?)."""

    places: dict[str, tuple[bytes, bool]] = field(default_factory=dict)

    def add(self, name: str, data: bytes | str, *, binary: bool = False) -> None:
        blob = data.encode("utf-8", "backslashreplace") if isinstance(data, str) else data
        if name in self.places:
            old, was_binary = self.places[name]
            blob, binary = old + b"\n" + blob, was_binary or binary
        self.places[name] = (blob, binary)

    def search(self, needles: list[Needle]) -> list[tuple[str, Needle, int]]:
        """(place, needle, offset) of every hit."""
        hits: list[tuple[str, Needle, int]] = []
        for place, (blob, binary) in self.places.items():
            folded = blob.lower()
            for needle in needles:
                if binary and needle.text_only:
                    continue
                hay, pattern = (
                    (folded, needle.pattern.lower()) if needle.fold else (blob, needle.pattern)
                )
                at = hay.find(pattern)
                if at >= 0:
                    hits.append((place, needle, at))
        return hits

    def bytes_searched(self) -> int:
        return sum(len(blob) for blob, _ in self.places.values())


def describe(hits: list[tuple[str, Needle, int]], haystacks: Haystacks, width: int = 60) -> str:
    lines = []
    for place, needle, at in hits[:40]:
        blob = haystacks.places[place][0]
        context = blob[max(0, at - width) : at + len(needle.pattern) + width]
        lines.append(f"{place}: {needle.canary} as {needle.encoding} at {at}: {context!r}")
    return "\n".join(lines)
