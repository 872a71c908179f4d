"""A typed (manual) ID document carries a reason from the fixed list (IDCARD.md typed
fallback; RULES Q7, P5, L3, U2): without one — or with one not on the list — the check
refuses it with a Chinese message saying what to do; a chip read needs none."""

from __future__ import annotations

import pytest

from counter_app.demo.accounts import fixed_holder
from counter_app.services.context import ServiceContext
from counter_app.services.errors import ManualReasonRequired
from counter_app.services.idcheck import (
    CheckMethod,
    IdDocument,
    IdDocumentKind,
    ManualReason,
    check_document,
)
from counter_app.services.sessions import open_id_session
from tests.id_documents import manual_doc
from tests.services.conftest import actor_for, holder_id_of

SSN = fixed_holder("active_default_pin").ssn
RID = IdDocumentKind.RESIDENT_ID


class Holder:
    ssn = SSN
    name = fixed_holder("active_default_pin").name


@pytest.mark.parametrize("reason", [None, "", "clerk_said_so"])
def test_Q7_typed_document_without_a_listed_reason_is_refused(reason: object) -> None:
    document = IdDocument(RID, SSN, manual_reason=reason)  # type: ignore[arg-type]
    with pytest.raises(ManualReasonRequired) as refused:
        check_document(Holder(), document)
    assert "请选择原因" in str(refused.value) and "手工录入" in str(refused.value)


@pytest.mark.parametrize("reason", list(ManualReason))
def test_Q7_typed_document_with_a_listed_reason_passes(reason: ManualReason) -> None:
    check_document(Holder(), IdDocument(RID, SSN, manual_reason=reason))
    check_document(Holder(), IdDocument(RID, SSN, manual_reason=reason.value))  # type: ignore[arg-type]


def test_chip_document_needs_no_reason() -> None:
    chip = IdDocument(
        RID,
        SSN,
        method=CheckMethod.CHIP,
        sam_id="05.01-20240101-0001",
        name=Holder.name,
        long_term=True,
        card_kind="resident",
    )
    check_document(Holder(), chip)


def test_Q7_holder_session_refuses_a_typed_document_without_reason(
    ctx: ServiceContext,
) -> None:
    clerk = actor_for(ctx, "CK500103-01")
    holder_id = holder_id_of(ctx, "active_default_pin")
    with pytest.raises(ManualReasonRequired):
        open_id_session(ctx, clerk, holder_id, IdDocument(RID, SSN), "持卡人未带卡")
    session = open_id_session(ctx, clerk, holder_id, manual_doc(SSN), "持卡人未带卡")
    assert session.holder_id == holder_id
