"""Which rule a new card PIN typed on the holder keypad broke (RULES P7) — never a digit of it.

The workstation checks a new PIN as soon as the holder confirmed it (``ui.workflows.steps``)
and has the holder type it again; it tells the services which rule was broken, so that the
refusal is audited (``pin_refusals``) like every other refusal of a password step (RULES
S3). Plain data with no import: the UI names it, and it travels to counter-server.
"""

from __future__ import annotations

from enum import StrEnum


class NewPinRefusal(StrEnum):
    """The rule a refused new PIN broke."""

    #: RULES P1/P7: not six digits, or 123456, six equal digits, or a straight run.
    TOO_SIMPLE = "too_simple"
    #: RULES P7 (and P2/P3): the second entry differs from the first.
    ENTRIES_DIFFER = "entries_differ"
