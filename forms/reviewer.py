"""The 复核人 row of a form whose transaction a supervisor approved (four-eyes, RULES S1–S3)."""

from __future__ import annotations

from forms.data import Staff
from forms.layout import Field


def reviewer_rows(reviewer: Staff | None) -> list[list[Field]]:
    """The 复核人 row: the approving supervisor's staff number and name (e.g.
    ``YB500103-03 王主管``); no row at all when nobody approved (four-eyes off)."""
    return [] if reviewer is None else [[Field("复核人", reviewer.signed)]]
