"""The resident ID card reader (二代身份证阅读器) of IDCARD.md: frames, client, emulator.

Imports nothing from the application or Qt (docs/ARCHITECTURE.md "Layers").
"""

from reader.idcard.card import CARD_KIND_LABELS, JSON_KEYS, LONG_TERM, CardKind, IdCardData
from reader.idcard.client import IdCardClient, open_reader
from reader.idcard.discovery import find_reader
from reader.idcard.errors import IdCardError

__all__ = [
    "CARD_KIND_LABELS",
    "JSON_KEYS",
    "LONG_TERM",
    "CardKind",
    "IdCardClient",
    "IdCardData",
    "IdCardError",
    "find_reader",
    "open_reader",
]
