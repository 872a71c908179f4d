"""What an issued form said, kept so that a reprint (补打, RULES L4) draws the same form.

A loss registration form carries what the holder declared (lost on, where, how, contact
phone) and the ID document staff checked; a lift form the document shown at the lift. None
of that is elsewhere in the schema, and a reprint must not change a word of it — so the
plain form data is stored once, next to the form document, when the form is issued.
Never a PIN or password: forms carry none (forms/data.py).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from counter_app.models.base import Base


class FormContent(Base):
    """The plain data of one issued form (``forms.data`` dataclass, as JSON)."""

    __tablename__ = "form_contents"

    form_document_id: Mapped[int] = mapped_column(
        ForeignKey("form_documents.id"), primary_key=True, autoincrement=False
    )
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
