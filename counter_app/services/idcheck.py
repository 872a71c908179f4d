"""The ID-document check of the counter use cases (RULES L3, P5, P6, U2).

Staff type the number of the document the holder shows; it must be the holder's citizen ID
number. The number is compared, never stored by this module, logged or put into a message.
"""

from __future__ import annotations

import hmac
from collections.abc import Collection
from typing import Protocol

from counter_app.models.loss import ID_DOCUMENT_TYPES
from counter_app.services.errors import IdDocumentMismatch, IdDocumentNotAccepted
from counter_app.validation.idnumber import normalise_id_number

#: RULES U2: lifting needs a resident ID card or a household-register certificate.
LIFT_DOCUMENTS = ("resident_id", "household_register")


class HasSsn(Protocol):
    """A holder (row or plain data): its citizen ID number."""

    @property
    def ssn(self) -> str: ...


class IdDocumentLike(Protocol):
    """``sessions.IdDocument`` (kind, number) or anything shaped like it."""

    @property
    def kind(self) -> str: ...

    @property
    def number(self) -> str: ...


def number_matches(holder: HasSsn, number: str) -> bool:
    typed = normalise_id_number(number).encode()
    return hmac.compare_digest(typed, holder.ssn.upper().encode())


def check_document(
    holder: HasSsn, document: IdDocumentLike, accepted: Collection[str] = ID_DOCUMENT_TYPES
) -> None:
    """Refuse a document of a kind not accepted here, or whose number is not the holder's."""
    if document.kind not in accepted:
        raise IdDocumentNotAccepted()
    if not number_matches(holder, document.number):
        raise IdDocumentMismatch()
