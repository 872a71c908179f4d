"""RULES L4: a card already reported lost is not reported again; staff are shown the existing
report and may reprint its form, marked as a copy (补打). At the counter the form is the
one of the written report in force on the card of the holder being served — chosen by the
service from the database, in the clerk's own open session (Q7), audited like every
reprint (``form.reprint``), its refusals too."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from counter_app.api.inprocess import InProcessServices
from counter_app.models import FormDocument
from counter_app.models.audit import AuditEvent
from counter_app.services import form_reprints, phone_reports, written_reports
from counter_app.services.errors import ReprintReasonRequired, SessionRequired
from counter_app.services.sessions import open_id_session
from tests.id_documents import manual_doc

from .conftest import SERVICE_PASSWORD, World


@pytest.fixture
def world(world_on_each_backend: World) -> World:
    return world_on_each_backend


def _session(world: World, key: str, actor: str = "yb103") -> Any:
    return open_id_session(
        world.ctx,
        world.actors[actor],
        world.holders[key].holder_id,
        manual_doc(world.holders[key].ssn),
        "补打挂失登记表",
    )


def _written(world: World, key: str) -> written_reports.WrittenLossResult:
    return written_reports.register_written_loss(
        world.ctx,
        world.actors["yb103"],
        world.holders[key].holder_id,
        written_reports.WrittenLossInput(
            contact_phone="13883251234",
            loss_date=dt.date(2026, 3, 8),
            loss_place="轨道交通2号线较场口站",
            circumstances="乘车时钱包被盗",
            id_document=manual_doc(world.holders[key].ssn),
        ),
        f"written-{key}",
    )


def _text(pdf: bytes) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace("\n", "")


def _events(world: World, action: str) -> list[AuditEvent]:
    with world.session() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_L4_reprint_of_the_served_holder_s_loss_form_is_marked_and_audited(world: World) -> None:
    written = _written(world, "h005")
    session = _session(world, "h005")
    services = InProcessServices(world.ctx)
    copy = services.reprint_loss_form(world.actors["yb103"], session, "持卡人联遗失")
    assert copy.serial == written.serial and written.serial in copy.title
    text = _text(copy.pdf)
    assert "补打（第1次）" in text and "补打原因：持卡人联遗失" in text
    assert written.serial in text
    assert "补打" not in _text(written.pdf)
    with world.session() as s:
        row = s.scalars(select(FormDocument).where(FormDocument.serial == written.serial)).one()
        assert row.reprint_count == 1
    (event,) = _events(world, "form.reprint")
    assert event.holder_id == world.holders["h005"].holder_id
    assert event.details["serial"] == written.serial and event.reason == "持卡人联遗失"


def test_L4_a_phone_report_has_no_form_to_reprint(world: World) -> None:
    phone_reports.report_loss_by_phone(world.ctx, world.holders["h008"].ssn, SERVICE_PASSWORD)
    session = _session(world, "h008")
    with pytest.raises(form_reprints.NoLossFormToReprint):
        form_reprints.reprint_loss_form(world.ctx, world.actors["yb103"], session, "持卡人联遗失")
    (refused,) = _events(world, "form.reprint.refused")
    assert refused.holder_id == world.holders["h008"].holder_id
    assert _events(world, "form.reprint") == []


def test_L4_reprint_needs_a_reason_and_the_clerk_s_own_session(world: World) -> None:
    _written(world, "h009")
    session = _session(world, "h009")
    with pytest.raises(ReprintReasonRequired):
        form_reprints.reprint_loss_form(world.ctx, world.actors["yb103"], session, "  ")
    with pytest.raises(SessionRequired):  # a colleague cannot use this clerk's session
        form_reprints.reprint_loss_form(world.ctx, world.actors["yb103b"], session, "卡纸")
    with world.session() as s:
        assert s.scalars(select(FormDocument.reprint_count)).one() == 0
    assert _events(world, "form.reprint") == []
