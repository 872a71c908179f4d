"""Independent reference formulas for the tests (not the code under test)."""

from __future__ import annotations


def gb11643_check(first17: str) -> str:
    """ISO 7064 MOD 11-2 written the way the standard states it: weight of position i
    (counted from the right, check character = 1) is 2^(i-1) mod 11, and the check
    character a1 satisfies sum(ai * Wi) ≡ 1 (mod 11)."""
    total = sum(int(d) * pow(2, 17 - i, 11) for i, d in enumerate(first17))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def with_check(first17: str) -> str:
    return first17 + gb11643_check(first17)


def card_check(first8: str) -> str:
    """GB 11714-style check for a card number (CARD.md "Client rules")."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(ch, 36) * w for ch, w in zip(first8, weights, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))
