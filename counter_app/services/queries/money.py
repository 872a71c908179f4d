"""Amounts: stored in fen (分, integers), shown in yuan (元) as exact decimals."""

from __future__ import annotations

from decimal import Decimal


def yuan(fen: int | None) -> Decimal | None:
    """``12345`` fen → ``Decimal('123.45')`` yuan; None stays None."""
    return None if fen is None else Decimal(int(fen)).scaleb(-2)  # exact: two places


def period_text(period: int | None) -> str:
    """``202403`` → ``2024-03``."""
    if period is None:
        return ""
    return f"{period // 100:04d}-{period % 100:02d}"
