"""The one exception every validator in this package raises.

A refusal is a :class:`ValidationError` whose message is Chinese, names the problem and says
what staff should do next. ``field`` says which input it is about (so a form can highlight
it); ``code`` is a short stable English key for programs and tests, never shown to staff.
"""

from __future__ import annotations

from typing import Any

from counter_app.validation.chars import describe_char

FIELD_ID_NUMBER = "id_number"
FIELD_NAME = "name"
FIELD_PHONE = "phone"
FIELD_CARD_NUMBER = "card_number"

__all__ = [
    "FIELD_CARD_NUMBER",
    "FIELD_ID_NUMBER",
    "FIELD_NAME",
    "FIELD_PHONE",
    "ValidationError",
    "describe_char",
]


class ValidationError(ValueError):
    """Input refused. ``str(error)`` is the Chinese message for staff."""

    def __init__(self, message: str, *, field: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only arguments defeat the default exception pickling (cls(*args)).
        return (_rebuild, (self.message, self.field, self.code))

    def __repr__(self) -> str:
        return f"ValidationError({self.message!r}, field={self.field!r}, code={self.code!r})"


def _rebuild(message: str, field: str, code: str) -> ValidationError:
    return ValidationError(message, field=field, code=code)
