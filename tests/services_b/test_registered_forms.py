"""Receipts and access slips as registered forms (RULES P5, P6, Q7)
and the PIN change on the reader's PIN pad (P2–P4, P7).

A reset or unblock the card confirmed carries its 密码重置/解锁回执 with a serial from
``form_serial_counters``, stored with the password event's success record (same
transaction); the access slip is issued once per session. All of them are in
``form_documents`` with their plain data, so ``reprint_form`` draws them again marked 补打
and the QR payload verifies — and none of the stored data holds a PIN digit.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from sqlalchemy import func, select

from counter_app.models import AuditEvent, FormDocument, PasswordEvent
from counter_app.models.form_content import FormContent
from counter_app.services import (
    access_slips,
    form_reprints,
    pin_change,
    pin_reset,
    registered_forms,
    sessions,
)
from counter_app.services.errors import IdNumberRequired
from forms import data as fd
from forms.verification import payload_for, verify_payload
from reader.emulator.inprocess import InProcessTransport
from reader.errors import PinMismatch
from reader.pinbuffer import PinBuffer
from reader.pinpad import SecurePinPad

from .conftest import World, pin
from .test_rules import doc, id_session


def pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    return "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def stored(world: World, serial: str) -> tuple[FormDocument, dict[str, Any]]:
    with world.session() as s:
        row = s.scalars(select(FormDocument).where(FormDocument.serial == serial)).one()
        content = s.get(FormContent, row.id)
        assert content is not None
        s.expunge(row)
        return row, content.data


def test_P5_reset_receipt_is_a_registered_form_with_the_success_record(world: World) -> None:
    card, transport = world.insert_card("h006", pin="975310")
    actor = world.actors["yb103"]
    session = id_session(world, "h006")
    result = pin_reset.reset_pin(
        world.ctx,
        actor,
        session,
        world.client(transport),
        doc(world, "h006"),
        pin("258036"),
        pin("258036"),
        None,
    )
    assert card.to_profile()["pin"] == "258036"
    assert isinstance(result.form, fd.PinReceipt) and result.form.action is fd.PinAction.RESET
    assert result.serial.startswith("500103-YB-") and result.form.header.serial == result.serial
    row, data = stored(world, result.serial)
    assert row.kind == registered_forms.KIND_PIN_RESET
    assert row.holder_id == world.holders["h006"].holder_id
    assert row.card_id == world.holders["h006"].card_id and row.reprint_count == 0
    # No PIN digit in what is stored (old or new), whatever the encoding.
    text = json.dumps(data, ensure_ascii=False)
    for secret in ("258036", "975310", "0x258036", "25 80 36"):
        assert secret not in text
    # The password event's success record and the receipt came in one transaction.
    with world.session() as s:
        event = s.get(PasswordEvent, result.event_id)
        assert event is not None and event.outcome == "success"
        (audited,) = s.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "password.pin_reset", AuditEvent.outcome == "success"
            )
        ).all()
        assert audited.details == {
            "event_id": event.id,
            "serial": result.serial,  # IDCARD.md
            "document_kind": "resident_id",
            "id_check": "manual",
            "manual_reason": "no_reader",
        }
        assert abs((event.at - row.issued_at.replace(tzinfo=event.at.tzinfo)).total_seconds()) < 1
    assert pdf_text(result.pdf).count("密码重置回执") >= 1
    assert "258036" not in pdf_text(result.pdf)


def test_P5_reset_receipt_reprints_marked_and_verifies(world: World) -> None:
    _card, transport = world.insert_card("h006", pin="975310")
    actor = world.actors["yb103"]
    session = id_session(world, "h006")
    result = pin_reset.reset_pin(
        world.ctx,
        actor,
        session,
        world.client(transport),
        doc(world, "h006"),
        pin("258036"),
        pin("258036"),
        None,
    )
    key = registered_forms.form_key(world.ctx.settings)
    verified = verify_payload(payload_for(result.form, key), key)  # form verify
    assert result.serial in verified.describe()
    again = form_reprints.reprint_form(world.ctx, actor, result.serial, "持卡人遗失回执")
    text = pdf_text(again)
    assert "补打" in text and result.serial in text
    row, _data = stored(world, result.serial)
    assert row.reprint_count == 1


def test_P5_no_receipt_when_the_card_refused(world: World) -> None:
    _card, transport = world.insert_card("h006", pin="975310")
    transport.remove_during_next_transmit()
    with pytest.raises(Exception):  # noqa: B017 - card pulled: CardRemoved / unknown outcome
        pin_reset.reset_pin(
            world.ctx,
            world.actors["yb103"],
            id_session(world, "h006"),
            world.client(transport),
            doc(world, "h006"),
            pin("258036"),
            pin("258036"),
            None,
        )
    with world.session() as s:
        assert (
            s.scalar(
                select(func.count())
                .select_from(FormDocument)
                .where(FormDocument.kind == registered_forms.KIND_PIN_RESET)
            )
            == 0
        )


def test_P6_unblock_receipt_is_registered_and_reprints(world: World) -> None:
    card, transport = world.insert_card("h007", pin="975310", pin_tries_left=0)
    actor = world.actors["yb103"]
    result = pin_reset.unblock_pin(
        world.ctx,
        actor,
        id_session(world, "h007"),
        world.client(transport),
        doc(world, "h007"),
        pin=pin("975310"),
    )
    assert result.verified is True and card.to_profile()["pin_tries_left"] == 3
    assert isinstance(result.form, fd.PinReceipt) and result.form.action is fd.PinAction.UNBLOCK
    row, data = stored(world, result.serial)
    assert row.kind == registered_forms.KIND_UNBLOCK
    assert "975310" not in json.dumps(data)
    assert "密码解锁回执" in pdf_text(result.pdf)
    again = form_reprints.reprint_form(world.ctx, actor, result.serial, "重打")
    assert "补打" in pdf_text(again)


def test_Q7_access_slip_is_issued_once_per_session_and_reprints(world: World) -> None:
    actor = world.actors["yb103"]
    session = id_session(world, "h006")
    summary = sessions.end_session(world.ctx, actor, session)
    first = access_slips.issue_access_slip(world.ctx, actor, summary)
    assert isinstance(first.form, fd.AccessSlip) and not first.already_issued
    again = access_slips.issue_access_slip(world.ctx, actor, session)  # asked again
    assert again.already_issued and again.serial == first.serial
    row, data = stored(world, first.serial)
    assert row.kind == registered_forms.KIND_ACCESS_SLIP
    assert world.holders["h006"].ssn not in json.dumps(data)  # masked on the slip
    text = pdf_text(first.pdf)
    assert "个人信息查阅告知单" in text and first.serial in text
    assert "补打" in pdf_text(form_reprints.reprint_form(world.ctx, actor, first.serial, "重打"))
    key = registered_forms.form_key(world.ctx.settings)
    assert first.serial in verify_payload(payload_for(first.form, key), key).describe()


def test_Q7_access_slip_lists_the_receipt_serial_of_a_reset(world: World) -> None:
    _card, transport = world.insert_card("h006", pin="975310")
    actor = world.actors["yb103"]
    session = id_session(world, "h006")
    reset = pin_reset.reset_pin(
        world.ctx,
        actor,
        session,
        world.client(transport),
        doc(world, "h006"),
        pin("258036"),
        pin("258036"),
        None,
    )
    slip = access_slips.issue_access_slip(world.ctx, actor, session)  # ends the open session
    assert [a.serial for a in slip.form.actions] == [reset.serial]
    assert slip.summary.closed_at is not None


# --------------------------------------------------------------------------- PIN pad


class Pad:
    """The holder at the reader's simulated PIN pad (``InProcessTransport(pinpad=...)``)."""

    def __init__(self, *entries: str) -> None:
        self.entries = list(entries)
        self.prompts: list[str] = []

    def __call__(self, prompt: str) -> PinBuffer | None:
        self.prompts.append(prompt)
        return pin(self.entries.pop(0))


def pad_client(world: World, key: str, holder: Pad, **chip: Any) -> tuple[Any, Any, Any]:
    card, _plain = world.insert_card(key, **chip)
    transport = InProcessTransport(card, pinpad=holder)
    pad = SecurePinPad.detect(transport)
    assert pad is not None
    return card, world.client(transport), pad


def test_P4_change_pin_on_the_reader_pin_pad(world: World) -> None:
    holder = Pad("975310", "258036", "258036")
    card, client, pad = pad_client(world, "h006", holder, pin="975310")
    result = pin_change.change_pin(
        world.ctx,
        world.actors["yb103"],
        id_session(world, "h006"),
        client,
        None,
        None,
        None,
        doc(world, "h006"),
        pinpad=pad,
    )
    assert card.to_profile()["pin"] == "258036"
    assert holder.prompts == ["请输入原密码", "请输入新密码", "请再次输入新密码"]
    with world.session() as s:
        event = s.get(PasswordEvent, result.event_id)
        assert event is not None and event.outcome == "success"
        assert "P7" in (event.detail or "")  # recorded: the workstation could not check P7


def test_P2_pin_pad_change_always_needs_the_id_number(world: World) -> None:
    holder = Pad("123456", "258036", "258036")
    card, client, pad = pad_client(world, "h006", holder, pin="123456")
    with pytest.raises(IdNumberRequired):
        pin_change.change_pin(
            world.ctx,
            world.actors["yb103"],
            id_session(world, "h006"),
            client,
            None,
            None,
            None,
            None,
            pinpad=pad,
        )
    assert holder.prompts == [] and card.to_profile()["pin"] == "123456"  # not asked


def test_P7_pin_pad_entries_that_differ_change_nothing(world: World) -> None:
    holder = Pad("975310", "258036", "258037")
    card, client, pad = pad_client(world, "h006", holder, pin="975310")
    with pytest.raises(PinMismatch):
        pin_change.change_pin(
            world.ctx,
            world.actors["yb103"],
            id_session(world, "h006"),
            client,
            None,
            None,
            None,
            doc(world, "h006"),
            pinpad=pad,
        )
    assert card.to_profile()["pin"] == "975310"
    with world.session() as s:
        (event,) = s.scalars(select(PasswordEvent).where(PasswordEvent.kind == "pin_change"))
        assert event.outcome == "failed"
