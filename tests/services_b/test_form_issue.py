"""Issuing a registered form (RULES L3): the serial and the office's header come from one
upsert, the form data is written without an ORM flush yet passes the same stored-text
guard, and a refused form gives its serial back (gap-free per office and year)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from counter_app.models import FormDocument
from counter_app.models.office import Office
from counter_app.services import form_data, registered_forms, written_reports
from counter_app.validation.text_policy import TextRefused
from forms import data as fd

from .conftest import World
from .test_rules import details

AT = dt.datetime(2026, 3, 9, 2, 0, tzinfo=dt.UTC)


def test_L3_the_form_header_names_the_office_read_with_the_serial(
    world_on_each_backend: World,
) -> None:
    world = world_on_each_backend
    actor = world.actors["yb103"]
    result = written_reports.register_written_loss(
        world.ctx, actor, world.holders["h004"].holder_id, details(world, "h004"), "header-0001"
    )
    with world.session() as s:
        office = s.get(Office, actor.office_id)
        assert office is not None
        other = s.scalars(select(Office).where(Office.id != actor.office_id)).first()
        assert other is not None and other.code != office.code
        code, name = office.code, office.name
    header = result.form.header
    assert (header.office.code, header.office.name) == (code, name)
    assert result.serial.startswith(f"{code}-") and header.serial == result.serial


def _issue(world: World, session: Session, form: fd.LossForm, place: str) -> str:
    actor = world.actors["yb103"]
    issued, _form = registered_forms.issue_office_form(
        session,
        kind=registered_forms.KIND_LOSS,
        office_id=actor.office_id,
        staff_id=actor.staff_id,
        holder_id=world.holders["h005"].holder_id,
        card_id=world.holders["h005"].card_id,
        at=AT,
        build=lambda header: dataclasses.replace(form, header=header, lost_place=place),
        handler=form_data.form_staff(actor),
    )
    return issued.serial


def test_L3_form_data_that_must_never_be_stored_is_refused_and_gives_its_serial_back(
    world_on_each_backend: World,
) -> None:
    world = world_on_each_backend
    form = written_reports.register_written_loss(
        world.ctx,
        world.actors["yb103"],
        world.holders["h004"].holder_id,
        details(world, "h004"),
        "guard-0001",
    ).form
    with world.session() as s:
        first = _issue(world, s, form, "解放碑站")
        s.commit()
    with world.session() as s:
        documents = s.scalar(select(func.count()).select_from(FormDocument))
    # A service that forgot the input policy (text_policy.clean_text): a bidi override.
    with world.session() as s:
        with pytest.raises(TextRefused) as refused:
            _issue(world, s, form, "解放碑\u202e站")
        s.rollback()
    assert refused.value.field == "form_contents.data"
    assert "文字方向控制符" in str(refused.value) and "未保存" in str(refused.value)
    assert "U+" not in str(refused.value)  # named in the clerk's words
    with world.session() as s:
        assert s.scalar(select(func.count()).select_from(FormDocument)) == documents
        serial = _issue(world, s, form, "较场口站")
        s.commit()
    # The refused form's number was given back: the next one follows the first.
    prefix, number = first.rsplit("-", 1)
    assert serial == f"{prefix}-{int(number) + 1:06d}"
    with world.session() as s:
        stored = registered_forms.stored_form_by_serial(s, serial, fd.LossForm)
    assert stored.lost_place == "较场口站" and stored.header.serial == serial


def test_form_data_keeps_enums_tagged_and_plain_values_as_they_are() -> None:
    assert form_data.form_to_json(fd.PinAction.RESET) == {
        "$enum": "PinAction",
        "value": "reset",
    }
    assert form_data.form_from_json(form_data.form_to_json(fd.PinAction.UNBLOCK)) is (
        fd.PinAction.UNBLOCK
    )
    assert form_data.form_to_json(("a", 1, True, None, 2.5)) == ["a", 1, True, None, 2.5]
