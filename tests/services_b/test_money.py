"""Amounts are stored in fen and shown as exact yuan with two places (¥ on every screen)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from counter_app.services.queries.money import yuan


def test_fen_become_yuan_with_two_places() -> None:
    assert str(yuan(12345)) == "123.45"
    assert str(yuan(100)) == "1.00"
    assert str(yuan(0)) == "0.00"
    assert str(yuan(-5)) == "-0.05"
    assert yuan(None) is None


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_yuan_is_the_exact_hundredth_of_the_fen(fen: int) -> None:
    amount = yuan(fen)
    assert amount is not None
    assert amount * 100 == fen
    assert amount.as_tuple().exponent == -2
    assert amount == (Decimal(fen) / 100).quantize(Decimal("0.01"))
