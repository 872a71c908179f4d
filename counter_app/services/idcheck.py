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

How a document was checked (IDCARD.md): read from the resident ID card's chip
(:attr:`CheckMethod.CHIP`, with the reader's SAM ID, the chip's name and validity — see
:func:`document_from_chip`), or typed by staff (:attr:`CheckMethod.MANUAL`) with a reason
from :class:`ManualReason`. :func:`check_document` compares either against the holder in
the database; :func:`id_check_details` is what an audit event records about the check — the
method and the SAM ID or the reason, never the photo (an ``IdDocument`` holds none).
"""

from __future__ import annotations

import datetime as dt
import hmac
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol
from zoneinfo import ZoneInfo

from counter_app.models.loss import ID_DOCUMENT_TYPES
from counter_app.services.context import ServiceContext
from counter_app.services.errors import (
    IdCheckIncomplete,
    IdDocumentExpired,
    IdDocumentMismatch,
    IdDocumentNotAccepted,
    IdNameMismatch,
    ManualIdCheckForbidden,
    ManualReasonRequired,
)
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


class CheckMethod(StrEnum):
    """How the document's data reached the service."""

    CHIP = "chip"  # read from the resident ID card's chip (IDCARD.md)
    MANUAL = "manual"  # typed by staff from the document


class ManualReason(StrEnum):
    """Why the number was typed instead of read from the chip (the clerk picks one)."""

    NO_READER = "no_reader"  # 无身份证阅读器或阅读器故障
    CHIP_UNREADABLE = "chip_unreadable"  # 证件芯片无法读取
    NO_CHIP = "no_chip"  # 证件无芯片（如户籍证明、临时居民身份证）


MANUAL_REASON_LABELS: dict[ManualReason, str] = {
    ManualReason.NO_READER: "阅读器故障或未连接",
    ManualReason.CHIP_UNREADABLE: "证件芯片无法读取",
    ManualReason.NO_CHIP: "证件无芯片（如户籍证明）",
}

#: The chip kinds (IDCARD.md ``kind``) whose document is one of :class:`IdDocumentKind`.
#: The residence permit (``hmt``) and the foreign permanent resident card (``foreign``)
#: have no kind in the database's document list yet, so they are refused here.
CHIP_KINDS: dict[str, IdDocumentKind] = {"resident": IdDocumentKind.RESIDENT_ID}
_CHIP_KIND_LABELS = {"hmt": "港澳台居民居住证", "foreign": "外国人永久居留身份证"}

_SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class IdDocument:
    """An ID document shown at the counter: its kind and the citizen ID number on it, and
    how it was checked. ``IdDocument(kind, number, manual_reason=…)`` is a manual check: it
    must carry the reason the chip was not read (:class:`ManualReason`), or
    :func:`check_document` refuses it.

    A chip check (:func:`document_from_chip`) also carries the reader's ``sam_id``, the
    chip's ``name``, ``valid_to`` (``None`` with ``long_term`` for 长期) and the chip's
    ``card_kind`` (``resident``, ``hmt``, ``foreign``). Never the photo. ``reused``: the
    workstation offers a chip document of this service again (``idcheck_reuse``).
    """

    kind: IdDocumentKind
    number: str
    method: CheckMethod = CheckMethod.MANUAL
    manual_reason: ManualReason | None = None
    sam_id: str = ""
    name: str = ""
    valid_to: dt.date | None = None
    long_term: bool = False
    card_kind: str = ""
    #: The chip document this service accepted earlier, offered again and confirmed by the
    #: clerk instead of a new read (RULES E1; ``idcheck_reuse`` marks its audit event).
    reused: bool = False

    def __repr__(self) -> str:  # never print the full number in logs or tracebacks
        return (
            f"IdDocument(kind={self.kind.value!r}, number={mask_id_number(self.number)!r}, "
            f"method={self.method.value!r})"
        )


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


class ChipRead(Protocol):
    """What :func:`document_from_chip` needs of a chip read (``reader.idcard.IdCardData``)."""

    @property
    def kind(self) -> str: ...

    @property
    def id_number(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def valid_to(self) -> dt.date | None: ...

    @property
    def sam_id(self) -> str: ...


def number_matches(holder: HasSsn, number: str) -> bool:
    try:
        typed = normalise_id_number(number).encode()
    except UnicodeEncodeError:  # a lone surrogate typed: not anyone's ID number
        return False
    return hmac.compare_digest(typed, holder.ssn.upper().encode())


def normalise_name(name: str) -> str:
    """A name as compared: NFKC, no spaces (half- or full-width, NUL padding), every middle
    dot variant (· • ‧ ・ ∙ ⋅ and the ASCII full stop typed for it) as ``·``, Latin
    letters case-folded."""
    text = unicodedata.normalize("NFKC", name)
    text = "".join(ch for ch in text if not ch.isspace() and ch != "\x00")
    for dot in "•‧・∙⋅.．":
        text = text.replace(dot, "·")
    return text.casefold()


def names_match(registered: str, on_card: str) -> bool:
    return bool(on_card.strip()) and normalise_name(registered) == normalise_name(on_card)


def shanghai_today(now: dt.datetime | None = None) -> dt.date:
    """The date in Asia/Shanghai at ``now`` (an aware datetime; default: the clock)."""
    return (now or dt.datetime.now(dt.UTC)).astimezone(_SHANGHAI).date()


def manual_forbidden_actions(setting: str) -> frozenset[str]:
    """The actions of the ``idcard_manual_forbidden`` setting (comma-separated)."""
    return frozenset(part.strip() for part in setting.split(",") if part.strip())


def check_document(
    holder: HasSsn,
    document: IdDocumentLike,
    accepted: Collection[str] = ID_DOCUMENT_TYPES,
    *,
    name: str | None = None,
    today: dt.date | None = None,
    action: str | None = None,
    manual_forbidden: Collection[str] = (),
) -> None:
    """Refuse a document that does not pass the ID check of the rules (P5, P6, L3, U2, Q7).

    In this order: a kind not ``accepted`` (:class:`IdDocumentNotAccepted`; U2 accepts the
    resident ID card or a household register); a typed number for an ``action`` listed in
    ``manual_forbidden`` (:class:`ManualIdCheckForbidden`); a typed document without a
    reason from :class:`ManualReason` (:class:`ManualReasonRequired`); a number that is not the
    holder's (:class:`IdDocumentMismatch`). For a chip read also: no SAM ID or no
    registered name to compare (:class:`IdCheckIncomplete`), a name that differs after
    normalising dots and spaces (:class:`IdNameMismatch`); and for any document that
    states its validity, ``valid_to`` before ``today`` in Asia/Shanghai
    (:class:`IdDocumentExpired`; 长期 never expires). ``name`` is the holder's registered
    name (default: ``holder.name`` when the holder has one).
    """
    method = getattr(document, "method", CheckMethod.MANUAL)
    card_kind = getattr(document, "card_kind", "")
    if document.kind not in accepted:
        raise IdDocumentNotAccepted()
    if method == CheckMethod.CHIP and card_kind and card_kind not in CHIP_KINDS:
        raise IdDocumentNotAccepted()
    if method != CheckMethod.CHIP and action is not None and action in manual_forbidden:
        raise ManualIdCheckForbidden()
    if method != CheckMethod.CHIP and not _known_reason(getattr(document, "manual_reason", None)):
        raise ManualReasonRequired()
    if not number_matches(holder, document.number):
        raise IdDocumentMismatch()
    if method == CheckMethod.CHIP:
        registered = name if name is not None else getattr(holder, "name", None)
        if not getattr(document, "sam_id", "") or not isinstance(registered, str):
            raise IdCheckIncomplete()
        if not names_match(registered, getattr(document, "name", "")):
            raise IdNameMismatch()
    valid_to = getattr(document, "valid_to", None)
    if valid_to is not None and not getattr(document, "long_term", False):
        if valid_to < (today or shanghai_today()):
            raise IdDocumentExpired()


def _known_reason(reason: object) -> bool:
    """True for a reason of the fixed list (:class:`ManualReason`)."""
    return isinstance(reason, str) and reason in {r.value for r in ManualReason}


def check_id(
    ctx: ServiceContext,
    action: str,
    holder: HasSsn,
    document: IdDocumentLike,
    accepted: Collection[str] = ID_DOCUMENT_TYPES,
    *,
    name: str | None = None,
) -> None:
    """:func:`check_document` as a use case runs it: today from the context's clock in
    Asia/Shanghai, and the ``idcard_manual_forbidden`` setting applied to ``action``."""
    check_document(
        holder,
        document,
        accepted,
        name=name,
        today=shanghai_today(ctx.now()),
        action=str(action),
        manual_forbidden=manual_forbidden_actions(ctx.settings.idcard_manual_forbidden),
    )


def document_from_chip(data: ChipRead) -> IdDocument:
    """The :class:`IdDocument` of one chip read (``reader.idcard.IdCardData`` or alike):
    number, name, validity, kind and the reader's SAM ID; the photo is not taken along.
    A residence permit or a foreign permanent resident card is refused
    (:class:`IdDocumentNotAccepted`, naming it): the document list has no kind for them."""
    kind = CHIP_KINDS.get(str(data.kind))
    if kind is None:
        label = _CHIP_KIND_LABELS.get(str(data.kind), "该证件")
        raise IdDocumentNotAccepted(f"{label}暂不能用于此项业务。请持居民身份证办理。")
    return IdDocument(
        kind=kind,
        number=data.id_number,
        method=CheckMethod.CHIP,
        sam_id=data.sam_id,
        name=data.name,
        valid_to=data.valid_to,
        long_term=data.valid_to is None,
        card_kind=str(data.kind),
    )


def manual_document(kind: IdDocumentKind, number: str, reason: ManualReason) -> IdDocument:
    """A document typed by staff, with the reason the chip was not read."""
    return IdDocument(
        kind=kind, number=number, method=CheckMethod.MANUAL, manual_reason=ManualReason(reason)
    )


def id_check_text(document: IdDocumentLike) -> str:
    """How the check was made, as the forms print it: 芯片核验, or 人工录入（<reason>）."""
    method = getattr(document, "method", CheckMethod.MANUAL)
    return check_text(str(method), getattr(document, "manual_reason", None))


def check_text(method: str, manual_reason: str | None) -> str:
    """:func:`id_check_text` from what an audit event recorded (:func:`id_check_details`)."""
    if method == CheckMethod.CHIP.value:
        return "芯片核验"
    try:
        label = MANUAL_REASON_LABELS[ManualReason(manual_reason)] if manual_reason else ""
    except ValueError:
        label = ""
    return f"人工录入（{label}）" if label else "人工录入"


def id_check_details(document: IdDocumentLike) -> dict[str, str]:
    """What an audit event records about an ID check: ``chip`` and the SAM ID, or
    ``manual`` and the reason (``unspecified`` for a caller that gave none). Never the
    number, the name or the photo."""
    details = {"document_kind": str(document.kind)}
    if getattr(document, "method", CheckMethod.MANUAL) == CheckMethod.CHIP:
        details.update(id_check=CheckMethod.CHIP.value, sam_id=getattr(document, "sam_id", ""))
    else:
        reason = getattr(document, "manual_reason", None)
        details.update(
            id_check=CheckMethod.MANUAL.value,
            manual_reason=str(reason) if reason else "unspecified",
        )
    return details
