"""How a holder is identified at the counter (RULES Q1, Q7) and the ID-document check of
the counter use cases (RULES L3, P5, P6, U2).

A holder session opens by card + PIN or by an ID document (:class:`SessionVia`). The ID
documents accepted are those of :class:`IdDocumentKind`, with their Chinese names in
``ID_DOCUMENT_LABELS``; :class:`IdDocument` is one shown at the counter. Staff type the
number of the document the holder shows; it must be the holder's citizen ID number. The
number is compared, never stored by this module, logged or put into a message (an
``IdDocument``'s ``repr`` masks it).

These types live here, not in ``sessions``, because the access slip's data
(``session_summary``) needs them and ``sessions.end_session`` needs that summary.
"""

from __future__ import annotations

import hmac
from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from counter_app.models.loss import ID_DOCUMENT_TYPES
from counter_app.services.errors import IdDocumentMismatch, IdDocumentNotAccepted
from counter_app.validation.idnumber import normalise_id_number
from forms.masking import mask_id_number

#: RULES U2: lifting needs a resident ID card or a household-register certificate.
LIFT_DOCUMENTS = ("resident_id", "household_register")


class SessionVia(StrEnum):
    """How the holder of a session was identified (RULES Q1 card + PIN, Q7 ID document)."""

    CARD_PIN = "card_pin"
    ID_DOCUMENT = "id_document"


class IdDocumentKind(StrEnum):
    RESIDENT_ID = "resident_id"  # 居民身份证
    TEMPORARY_ID = "temporary_id"  # 临时居民身份证
    HOUSEHOLD_REGISTER = "household_register"  # 户籍证明


ID_DOCUMENT_LABELS: dict[IdDocumentKind, str] = {
    IdDocumentKind.RESIDENT_ID: "居民身份证",
    IdDocumentKind.TEMPORARY_ID: "临时居民身份证",
    IdDocumentKind.HOUSEHOLD_REGISTER: "户籍证明",
}


@dataclass(frozen=True)
class IdDocument:
    """An ID document shown at the counter: its kind and the citizen ID number on it."""

    kind: IdDocumentKind
    number: str

    def __repr__(self) -> str:  # never print the full number in logs or tracebacks
        return f"IdDocument(kind={self.kind.value!r}, number={mask_id_number(self.number)!r})"


class HasSsn(Protocol):
    """A holder (row or plain data): its citizen ID number."""

    @property
    def ssn(self) -> str: ...


class IdDocumentLike(Protocol):
    """:class:`IdDocument` (kind, number) or anything shaped like it."""

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
