"""RULES L4 on the demo's own written reports: staff are shown the existing report and may
reprint its form, marked as a copy. The demo archives its forms as a counter does
(``counter_app/demo/form_contents.py``), so 陈明's 挂失登记表 — a documented demo holder's,
seeded ten days before the demo's day — is reprinted through the interface, drawn from
what was stored: his data in full on the archive copy, masked on the holder's copy. A form
taken over without archived content is still refused, saying why."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select, update

from counter_app.api.inprocess import InProcessServices
from counter_app.demo.accounts import fixed_holder
from counter_app.models import Card, FormContent, FormDocument, LossReport
from counter_app.services import form_reprints, sessions
from counter_app.services.context import ServiceContext
from counter_app.services.form_data import form_from_json
from forms import data as fd
from forms.masking import mask_card_number, mask_id_number
from tests.id_documents import manual_doc

from .conftest import actor_for, holder_id_of

JIANGBEI = "YB500105-01"  # 江北区医保分中心, where 陈明 reported the loss in writing
YUZHONG = "YB500103-01"


def _text(pdf: bytes) -> str:
    return "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages).replace(
        "\n", ""
    )


def _session(ctx: ServiceContext, staff_no: str, key: str) -> sessions.HolderSession:
    return sessions.open_id_session(
        ctx,
        actor_for(ctx, staff_no),
        holder_id_of(ctx, key),
        manual_doc(fixed_holder(key).ssn),
        "补打挂失登记表",
    )


def _stored_loss_form(ctx: ServiceContext, serial: str) -> fd.LossForm:
    with ctx.uow() as uow:
        data = uow.session.scalars(
            select(FormContent.data)
            .join(FormDocument, FormDocument.id == FormContent.form_document_id)
            .where(FormDocument.serial == serial)
        ).one()
    form = form_from_json(data)
    assert isinstance(form, fd.LossForm)
    return form


def test_L4_chen_ming_s_demo_loss_form_is_reprinted_as_a_copy(ctx: ServiceContext) -> None:
    chen = fixed_holder("written_lost")
    session = _session(ctx, JIANGBEI, "written_lost")
    copy = InProcessServices(ctx).reprint_loss_form(
        actor_for(ctx, JIANGBEI), session, "持卡人联遗失"
    )
    assert copy.serial.startswith("500105-YB-") and copy.serial in copy.title
    text = _text(copy.pdf)
    assert "补打（第1次）" in text and "补打原因：持卡人联遗失" in text
    assert copy.serial in text and "社会保障卡挂失登记表" in text
    assert chen.name in text and "江北区医疗保险分中心" in text
    # The archive copy prints his numbers in full, the holder's copy masked (forms/loss.py).
    assert chen.ssn in text and mask_id_number(chen.ssn) in text
    assert chen.card_number in text and mask_card_number(chen.card_number) in text
    stored = _stored_loss_form(ctx, copy.serial)
    assert stored.holder.name == chen.name and stored.card_number == chen.card_number
    assert stored.lost_place in text and "经办人：医保经办甲" in text
    with ctx.uow() as uow:
        count = uow.session.scalars(
            select(FormDocument.reprint_count).where(FormDocument.serial == copy.serial)
        ).one()
    assert count == 1


def test_L4_a_form_taken_over_without_its_content_is_refused_saying_why(
    ctx: ServiceContext,
) -> None:
    """A written report whose form was issued before forms were archived (data taken over
    from the old system: a ``form_documents`` row, no ``form_contents``) cannot be drawn
    again; the refusal names the serial so the paper archive can be consulted."""
    wang = fixed_holder("active_default_pin")
    actor = actor_for(ctx, YUZHONG)
    holder_id = holder_id_of(ctx, "active_default_pin")
    at = dt.datetime(2024, 11, 4, 2, tzinfo=dt.UTC)
    serial = "500103-YB-2024-900001"
    with ctx.uow() as uow:
        s = uow.session
        card_id = s.scalars(select(Card.id).where(Card.card_number == wang.card_number)).one()
        s.execute(update(Card).where(Card.id == card_id).values(state="lost", state_changed_at=at))
        s.add(
            FormDocument(
                serial=serial,
                kind="loss_registration",
                office_id=actor.office_id,
                year=2024,
                sequence=900001,
                holder_id=holder_id,
                card_id=card_id,
                staff_id=actor.staff_id,
                issued_at=at,
                reprint_count=0,
                last_printed_at=at,
            )
        )
        s.add(
            LossReport(
                card_id=card_id,
                holder_id=holder_id,
                channel="counter",
                kind="written",
                state="confirmed",
                reported_at=at,
                confirmed_at=at,
                office_id=actor.office_id,
                staff_id=actor.staff_id,
                id_doc_type="resident_id",
                id_doc_number=wang.ssn,
                form_serial=serial,
            )
        )
        uow.commit()
    session = _session(ctx, YUZHONG, "active_default_pin")
    with pytest.raises(form_reprints.LossFormNotArchived) as refused:
        InProcessServices(ctx).reprint_loss_form(actor, session, "档案联遗失")
    assert "没有存档的表单内容" in str(refused.value) and serial in str(refused.value)
