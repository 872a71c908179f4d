"""ID documents typed by staff, for tests: a manual check always carries a reason from the
fixed list (IDCARD.md "typed fallback"; RULES Q7, P5, L3, U2)."""

from __future__ import annotations

from counter_app.services.idcheck import IdDocument, IdDocumentKind, ManualReason


def manual_doc(
    number: str,
    kind: IdDocumentKind = IdDocumentKind.RESIDENT_ID,
    reason: ManualReason | None = None,
) -> IdDocument:
    """The document ``kind`` with ``number``, typed by staff for ``reason`` (default: no
    reader for a resident ID card, no chip for a document that has none)."""
    if reason is None:
        chip = kind is IdDocumentKind.RESIDENT_ID
        reason = ManualReason.NO_READER if chip else ManualReason.NO_CHIP
    return IdDocument(kind, number, manual_reason=reason)
