"""Card numbers and 卡识别码 for demo cards, unique by construction from the card id.

Both are bijections of the card id (no retry loop, no set of used values), so card 1 has
the same number in every demo database — which is what lets README and tests name the
fixed demo holders' cards.
"""

from __future__ import annotations

from reader.cardnumber import card_number_check_char

_PREFIXES = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_MASK64 = (1 << 64) - 1
#: The registered application provider id part of 卡识别码 (CARD.md: ``D1 56 00 00 05``).
RID = "D156000005"
#: 初始化机构编号 of demo cards (12 bytes, hex).
INIT_ORG = "500000000000000000000001"


def card_number(card_id: int) -> str:
    """Nine characters: a letter, seven digits, and the GB 11714-style check character."""
    block, rest = divmod(card_id, 10_000_000)
    digits = (rest * 7919 + 1_234_567) % 10_000_000  # 7919 is coprime to 10**7
    first8 = _PREFIXES[block % len(_PREFIXES)] + f"{digits:07d}"
    return first8 + card_number_check_char(first8)


def unique_part(card_id: int) -> str:
    """The 8 unique bytes (16 hex digits) of 卡识别码: an odd-multiplier mix of the id."""
    return f"{(card_id * 0x9E3779B97F4A7C15 + 0x5DEECE66D) & _MASK64:016X}"


def card_id_code(region: str, card_id: int) -> str:
    """卡识别码 as 32 hex digits: region (3 BCD bytes) + ``D156000005`` + unique bytes."""
    return region + RID + unique_part(card_id)
