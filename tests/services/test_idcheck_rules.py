"""Every rule with an ID check reads the chip (IDCARD.md): P4 change at a window, P5 reset,
P6 unblock, P8 query password, L3 written report, U2 lift, R1 replacement, Q7 look-up without
the card. For each use case: the holder's chip passes and the audit names the check (chip and
the reader's SAM ID, never the photo); a chip with another name, an expired card, the setting
that forbids typing the number; U2 also refuses a document kind it does not accept. The forms
of L3, U2, R1 and P5/P6 say how the document was checked (芯片核验 / 人工录入（原因）)."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from counter_app.demo.accounts import fixed_holder
from counter_app.models.audit import AuditEvent
from counter_app.services import (
    lifting,
    pin_change,
    pin_reset,
    replacement,
    service_password,
    sessions,
    written_reports,
)
from counter_app.services.context import ServiceContext
from counter_app.services.errors import (
    IdDocumentExpired,
    IdDocumentNotAccepted,
    IdNameMismatch,
    ManualIdCheckForbidden,
)
from counter_app.services.idcheck import (
    IdDocument,
    IdDocumentKind,
    ManualReason,
    document_from_chip,
    manual_document,
)
from reader.client import SocialSecurityCardClient
from reader.idcard.profile import parse_profile
from reader.idcard.textblock import parse_text
from reader.keys import TEST_KEYS, SoftwareKeyProvider
from reader.pinbuffer import PinBuffer
from tests.services.conftest import _dispose, actor_for, card_for, holder_id_of, make_ctx

SAM = "05.01-20101008-0000012345-1234567890"
ALL_ID_ACTIONS = (
    "view_records,change_pin,reset_pin,unblock_pin,reset_service_password,"
    "written_loss_report,lift_loss_report,replacement_application"
)


def chip(key: str, *, name: str | None = None, valid_to: str = "20360104") -> IdDocument:
    """The document of a real parse of fixed holder ``key``'s ID card chip."""
    h = fixed_holder(key)
    data = {
        "kind": "resident",
        "name": name or h.name,
        "gender": "1",
        "nation": "01",
        "birth": h.ssn[6:14],
        "address": "重庆市渝中区民族路188号",
        "id_number": h.ssn,
        "authority": "重庆市公安局",
        "valid_from": "20160104",
        "valid_to": valid_to,
    }
    p = parse_profile(data)
    card = parse_text(p.text(), sam_id=SAM, photo=p.photo())
    try:
        return document_from_chip(card)
    finally:
        card.wipe()


def typed(
    key: str,
    kind: IdDocumentKind = IdDocumentKind.RESIDENT_ID,
    reason: ManualReason = ManualReason.NO_READER,
) -> IdDocument:
    return manual_document(kind, fixed_holder(key).ssn, reason)


def _pin(digits: str) -> PinBuffer:
    return PinBuffer.from_keys(digits.encode())


def _session(ctx: ServiceContext, staff: str, key: str) -> sessions.HolderSession:
    """A look-up session opened with the holder's chip (Q7)."""
    return sessions.open_id_session(
        ctx, actor_for(ctx, staff), holder_id_of(ctx, key), chip(key), "持卡人到窗口办理"
    )


def _card(ctx: ServiceContext, key: str) -> SocialSecurityCardClient:
    _, transport, _ = card_for(ctx, key)
    return SocialSecurityCardClient(transport, ctx.key_provider)


# --- one use case per rule: (holder, audit action of the success, run(ctx, document)) ----


def _q7(ctx: ServiceContext, document: IdDocument) -> Any:
    return sessions.open_id_session(
        ctx,
        actor_for(ctx, "YB500103-01"),
        holder_id_of(ctx, "active_default_pin"),
        document,
        "持卡人未带卡，查询",
    )


def _p4(ctx: ServiceContext, document: IdDocument) -> Any:
    h = fixed_holder("active_changed_pin")
    session = _session(ctx, "YB500103-01", "active_changed_pin")
    return pin_change.change_pin(
        ctx,
        actor_for(ctx, "YB500103-01"),
        session,
        _card(ctx, "active_changed_pin"),
        _pin(h.pin),
        _pin("258036"),
        _pin("258036"),
        document,
    )


def _p5(ctx: ServiceContext, document: IdDocument) -> Any:
    session = _session(ctx, "YB500103-01", "active_changed_pin")
    return pin_reset.reset_pin(
        ctx,
        actor_for(ctx, "YB500103-01"),
        session,
        _card(ctx, "active_changed_pin"),
        document,
        _pin("258036"),
        _pin("258036"),
        None,
    )


def _p6(ctx: ServiceContext, document: IdDocument) -> Any:
    session = _session(ctx, "YB500103-01", "pin_blocked")
    return pin_reset.unblock_pin(
        ctx, actor_for(ctx, "YB500103-01"), session, _card(ctx, "pin_blocked"), document
    )


def _p8(ctx: ServiceContext, document: IdDocument) -> Any:
    session = _session(ctx, "YB500103-01", "active_default_pin")
    return service_password.reset_service_password(
        ctx, actor_for(ctx, "YB500103-01"), session, document
    )


def _l3(ctx: ServiceContext, document: IdDocument) -> Any:
    details = written_reports.WrittenLossInput(
        contact_phone="13912345678",
        loss_date=dt.date(2025, 3, 9),
        loss_place="解放碑",
        circumstances="乘公交时遗失",
        id_document=document,
    )
    return written_reports.register_written_loss(
        ctx,
        actor_for(ctx, "YB500103-01"),
        holder_id_of(ctx, "active_default_pin"),
        details,
        uuid.uuid4().hex,
    )


def _u2(ctx: ServiceContext, document: IdDocument) -> Any:
    return lifting.lift_loss_report(
        ctx,
        actor_for(ctx, "YB500105-01"),
        _card(ctx, "written_lost"),
        _pin(fixed_holder("written_lost").pin),
        document,
        None,
        uuid.uuid4().hex,
    )


def _r1(ctx: ServiceContext, document: IdDocument) -> Any:
    return replacement.apply_replacement(
        ctx,
        actor_for(ctx, "YB500103-01"),
        holder_id_of(ctx, "phone_lost"),
        document,
        uuid.uuid4().hex,
    )


@dataclass(frozen=True)
class Rule:
    code: str
    holder: str
    action: str  # the audit action of the success
    run: Callable[[ServiceContext, IdDocument], Any]


RULES = [
    Rule("Q7", "active_default_pin", "session.open", _q7),
    Rule("P4", "active_changed_pin", "password.pin_change", _p4),
    Rule("P5", "active_changed_pin", "password.pin_reset", _p5),
    Rule("P6", "pin_blocked", "password.pin_unblock", _p6),
    Rule("P8", "active_default_pin", "password.service_password_reset", _p8),
    Rule("L3", "active_default_pin", "loss.written", _l3),
    Rule("U2", "written_lost", "loss.lift", _u2),
    Rule("R1", "phone_lost", "card.replacement", _r1),
]
IDS = [r.code for r in RULES]


@pytest.fixture
def ctx(sqlite_demo_url: str) -> Iterator[ServiceContext]:
    context = make_ctx(sqlite_demo_url, four_eyes=False)
    context.key_provider = SoftwareKeyProvider(TEST_KEYS)
    yield context
    _dispose(context)


def _successes(ctx: ServiceContext, action: str) -> list[dict[str, Any]]:
    with ctx.uow() as uow:
        rows = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action, AuditEvent.outcome == "success")
        ).all()
        return [dict(row.details or {}) for row in rows]


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_chip_of_the_holder_passes_and_the_audit_names_chip_and_sam_id(
    ctx: ServiceContext, rule: Rule
) -> None:
    rule.run(ctx, chip(rule.holder))
    details = _successes(ctx, rule.action)[-1]
    assert details["id_check"] == "chip" and details["sam_id"] == SAM
    assert details.get("document_kind", details.get("id_document_kind")) == "resident_id"
    text = repr(details)
    assert fixed_holder(rule.holder).name not in text and "photo" not in text


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_chip_with_another_name_is_refused(ctx: ServiceContext, rule: Rule) -> None:
    before = len(_successes(ctx, rule.action))
    with pytest.raises(IdNameMismatch):
        rule.run(ctx, chip(rule.holder, name="欧阳某某"))
    assert len(_successes(ctx, rule.action)) == before  # nothing done


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_expired_id_card_is_refused(ctx: ServiceContext, rule: Rule) -> None:
    # tests/services/conftest.py NOW is 2025-03-10 in Chongqing: the day before is past
    with pytest.raises(IdDocumentExpired):
        rule.run(ctx, chip(rule.holder, valid_to="20250309"))


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_typed_number_refused_when_the_setting_requires_the_chip(
    sqlite_demo_url: str, rule: Rule
) -> None:
    context = make_ctx(sqlite_demo_url, four_eyes=False, idcard_manual_forbidden=ALL_ID_ACTIONS)
    context.key_provider = SoftwareKeyProvider(TEST_KEYS)
    try:
        if rule.code != "Q7":  # the session itself is opened with the chip (_session)
            with pytest.raises(ManualIdCheckForbidden):
                rule.run(context, typed(rule.holder))
        else:
            with pytest.raises(ManualIdCheckForbidden):
                _q7(context, typed(rule.holder))
    finally:
        _dispose(context)


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_typed_number_with_its_reason_is_audited_as_manual(ctx: ServiceContext, rule: Rule) -> None:
    rule.run(ctx, typed(rule.holder, reason=ManualReason.CHIP_UNREADABLE))
    details = _successes(ctx, rule.action)[-1]
    assert details["id_check"] == "manual" and details["manual_reason"] == "chip_unreadable"
    assert "sam_id" not in details


def test_U2_lift_refuses_a_temporary_id_card(ctx: ServiceContext) -> None:
    with pytest.raises(IdDocumentNotAccepted):
        _u2(ctx, typed("written_lost", IdDocumentKind.TEMPORARY_ID, ManualReason.NO_CHIP))


def test_U2_lift_accepts_a_household_register_typed_without_chip(ctx: ServiceContext) -> None:
    _u2(ctx, typed("written_lost", IdDocumentKind.HOUSEHOLD_REGISTER, ManualReason.NO_CHIP))
    assert _successes(ctx, "loss.lift")[-1]["manual_reason"] == "no_chip"


def test_U2_checklist_names_the_chip_check(ctx: ServiceContext) -> None:
    _, transport, _ = card_for(ctx, "written_lost")
    identity = SocialSecurityCardClient(transport).read_identity()
    actor = actor_for(ctx, "YB500105-01")
    ok = lifting.check_lift(ctx, actor, identity, chip("written_lost"))
    assert ok.refusal is None and any("芯片核验" in line.reason for line in ok.lines)
    expired = lifting.check_lift(ctx, actor, identity, chip("written_lost", valid_to="20250309"))
    assert isinstance(expired.refusal, IdDocumentExpired)


# --- the forms say how the document was checked ----------------------------------------


def _pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    return "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


FORM_RULES = [r for r in RULES if r.code in ("P5", "P6", "L3", "U2", "R1")]


@pytest.mark.parametrize("rule", FORM_RULES, ids=[r.code for r in FORM_RULES])
def test_form_says_chip_check(ctx: ServiceContext, rule: Rule) -> None:
    result = rule.run(ctx, chip(rule.holder))
    assert result.form.id_document.check == "芯片核验"
    text = _pdf_text(result.pdf)
    assert "核验方式" in text and "芯片核验" in text
    assert "居民身份证" in text


@pytest.mark.parametrize("rule", FORM_RULES, ids=[r.code for r in FORM_RULES])
def test_form_says_manual_entry_and_its_reason(ctx: ServiceContext, rule: Rule) -> None:
    result = rule.run(ctx, typed(rule.holder, reason=ManualReason.CHIP_UNREADABLE))
    assert result.form.id_document.check == "人工录入（证件芯片无法读取）"
    text = _pdf_text(result.pdf)
    assert "人工录入（证件芯片无法读取）" in text and "芯片核验" not in text
    number = fixed_holder(rule.holder).ssn
    assert text.count(number) < text.count(number[:3])  # the holder copy masks it


# --- the remote tier carries the whole document -------------------------------------------


def test_remote_codec_carries_chip_and_manual_documents_whole() -> None:
    import json

    from counter_app.remote.codec import decode, encode

    for document in (
        chip("active_default_pin"),
        typed("written_lost", IdDocumentKind.HOUSEHOLD_REGISTER, ManualReason.NO_CHIP),
    ):
        back = decode(json.loads(json.dumps(encode(document))))
        assert back == document and type(back.method) is type(document.method)
    assert decode(encode(chip("active_default_pin"))).valid_to == dt.date(2036, 1, 4)
