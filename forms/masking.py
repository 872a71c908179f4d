"""The project's one masking function, and its presets for card numbers and phone numbers.

Holder copies of forms, the access slip and any screen that does not need the full number show
masked numbers; archive copies show them in full (RULES Q7). Every layer imports
masking from here so there is exactly one rule for what stays visible.
"""

from __future__ import annotations

MASK_CHAR = "*"


def mask_id_number(text: str, head: int = 3, tail: int = 4) -> str:
    """``text`` with all but its first ``head`` and last ``tail`` characters replaced by ``*``.

    ``500103199001011234`` -> ``500***********1234``. The length is kept, so staff can still
    see it was an 18-character number. Surrounding blanks are dropped. A text too short to keep
    anything hidden (``len <= head + tail``) is masked completely rather than shown.
    """
    if head < 0 or tail < 0:
        raise ValueError("head and tail must not be negative")
    value = text.strip()
    if len(value) <= head + tail:
        return MASK_CHAR * len(value)
    hidden = len(value) - head - tail
    return value[:head] + MASK_CHAR * hidden + value[len(value) - tail :]


def mask_card_number(text: str) -> str:
    """A social security card number with its first and last four characters visible."""
    return mask_id_number(text, head=1, tail=4)


def mask_phone(text: str) -> str:
    """A phone number with its first three and last four digits visible (138****5678)."""
    return mask_id_number(text, head=3, tail=4)
