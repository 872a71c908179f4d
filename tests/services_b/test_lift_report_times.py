"""RULES L3 with U1: a written report that confirms a 12333 phone report is the same row —
``reported_at`` stays the call's time and the written report's time is ``confirmed_at``.
What staff read of the report in force (the lift's checklist, the 解除挂失登记表, the L4
refusal showing the existing report, the replacement application form) must give the
written report its own time, not the phone call's (a trial read 书面挂失于 the phone
report's time)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from counter_app.services import (
    lifting,
    loss_records,
    phone_reports,
    replacement,
    written_reports,
)
from counter_app.services.context import ServiceContext
from forms.data import format_datetime
from tests.id_documents import manual_doc

from .conftest import NOW, SERVICE_PASSWORD, World, pin

#: The 12333 call, three days before the written report (NOW: 10:00 in Chongqing).
PHONE_AT = NOW - dt.timedelta(days=3, hours=1, minutes=30)


def _confirmed_phone_report(world: World, key: str) -> written_reports.WrittenLossResult:
    earlier = ServiceContext(
        world.ctx.session_factory,
        world.ctx.settings,
        world.ctx.key_provider,
        clock=lambda: PHONE_AT,
    )
    phone_reports.report_loss_by_phone(earlier, world.holders[key].ssn, SERVICE_PASSWORD)
    result = written_reports.register_written_loss(
        world.ctx,
        world.actors["yb103"],
        world.holders[key].holder_id,
        written_reports.WrittenLossInput(
            contact_phone="13883251234",
            loss_date=dt.date(2026, 3, 6),
            loss_place="解放碑步行街",
            circumstances="购物时遗失",
            id_document=manual_doc(world.holders[key].ssn),
        ),
        f"written-{key}",
    )
    assert result.confirmed_phone_report
    return result


def test_U1_L3_checklist_gives_the_written_report_its_own_time(
    world_on_each_backend: World,
) -> None:
    world = world_on_each_backend
    written = _confirmed_phone_report(world, "h004")
    _card, transport = world.insert_card("h004")
    identity = world.client(transport).read_identity()
    checklist = lifting.check_lift(
        world.ctx, world.actors["yb103"], identity, manual_doc(world.holders["h004"].ssn)
    )
    (line,) = [line for line in checklist.lines if line.label == "有效挂失"]
    assert line.passed is True
    assert f"书面挂失于 {format_datetime(NOW)}，编号 {written.serial}" in line.reason
    assert f"电话挂失于 {format_datetime(PHONE_AT)}" in line.reason
    assert f"书面挂失于 {format_datetime(PHONE_AT)}" not in line.reason


def test_U1_L3_lift_form_prints_the_written_report_s_time(world_on_each_backend: World) -> None:
    world = world_on_each_backend
    written = _confirmed_phone_report(world, "h006")
    _card, transport = world.insert_card("h006")
    result = lifting.lift_loss_report(
        world.ctx,
        world.actors["yb103"],
        world.client(transport),
        pin("123456"),
        manual_doc(world.holders["h006"].ssn),
        None,
        "lift-h006-times",
    )
    assert result.form.loss_report.serial == written.serial
    assert result.form.loss_report.reported_at == NOW
    text = pdf_text(result.pdf)
    assert format_datetime(NOW) in text
    assert format_datetime(PHONE_AT) not in text


def test_L4_existing_report_shown_at_the_written_report_s_time(
    world_on_each_backend: World,
) -> None:
    world = world_on_each_backend
    written = _confirmed_phone_report(world, "h007")
    with pytest.raises(loss_records.LossAlreadyReported) as refused:
        written_reports.register_written_loss(
            world.ctx,
            world.actors["yb103b"],
            world.holders["h007"].holder_id,
            written_reports.WrittenLossInput(
                contact_phone="13883251234",
                loss_date=dt.date(2026, 3, 6),
                loss_place="解放碑步行街",
                circumstances="购物时遗失",
                id_document=manual_doc(world.holders["h007"].ssn),
            ),
            "written-h007-again",
        )
    text = str(refused.value)
    assert f"书面挂失（{format_datetime(NOW)}，挂失登记表编号 {written.serial}" in text
    assert f"确认 {format_datetime(PHONE_AT)} 的电话挂失" in text


def test_R2_L3_replacement_form_names_the_written_report_at_its_own_time(
    world_on_each_backend: World,
) -> None:
    world = world_on_each_backend
    written = _confirmed_phone_report(world, "h008")
    result = replacement.apply_replacement(
        world.ctx,
        world.actors["yb103"],
        world.holders["h008"].holder_id,
        manual_doc(world.holders["h008"].ssn),
        "replacement-h008-times",
    )
    ref = result.form.loss_report
    assert ref is not None and ref.serial == written.serial
    assert ref.reported_at == NOW


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "".join(page.extract_text() for page in reader.pages).replace("\n", "")
