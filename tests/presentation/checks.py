"""What a clerk must never read on a record page (docs/ARCHITECTURE.md "Screens a clerk reads"):
a programmer's identifier, a Python repr, an undecoded code, an unformatted date, time or
amount. :func:`unreadable` names what is wrong with one string, or returns None."""

from __future__ import annotations

import re

#: Field names of the read models, which would betray a generic field dump.
IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
REPRS = (
    "()",
    "[]",
    "{}",
    "None",
    "True",
    "False",
    "Decimal(",
    "datetime.",
    "{'",
    "<",
    "object at",
    "dataclass",
)
BARE_REGION = re.compile(r"^\d{6}$")
BARE_SMALL_CODE = re.compile(r"^\d{1,2}$")
ISO_DAY = re.compile(r"\d{4}-\d{2}(-\d{2})?")
BARE_AMOUNT = re.compile(r"^-?\d[\d,]*\.\d{2}$")
#: Labels whose value is a code in the database (民族 GB 3304, 性别 GB/T 2261.1, 区县).
CODED_LABELS = ("民族", "性别", "户籍所在地", "出生地", "发卡地区", "所在区县")


def unreadable(text: str, label: str = "") -> str | None:
    """Why ``text`` (shown under ``label``) is not fit for a clerk, or None."""
    if IDENTIFIER.match(text):
        return "ASCII identifier"
    for repr_part in REPRS:
        if repr_part in text:
            return f"Python repr ({repr_part})"
    if BARE_REGION.match(text):
        return "bare 6-digit code"
    if label in CODED_LABELS and (BARE_SMALL_CODE.match(text) or text.isascii()):
        return f"undecoded {label} code"
    if ISO_DAY.search(text):
        return "date not in the Chinese format"
    if BARE_AMOUNT.match(text):
        return "amount without ¥"
    return None
