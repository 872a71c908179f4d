"""复核人 on the papers (four-eyes, RULES S1–S3): a lift (U1–U5), a reset (P5) or an
unblock (P6) that spent a supervisor's approval prints the supervisor — staff number and
name, as the database has them — on its form; without an approval there is no 复核人 line.
The stored form keeps it, so a reprint (补打) shows the same 复核人, and a form stored
before the field existed still loads."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select, update

from counter_app.models import FormDocument, Staff
from counter_app.models.form_content import FormContent
from counter_app.remote import codec
from counter_app.services import approvals, form_reprints, lifting, pin_reset, registered_forms
from counter_app.services.permissions import Action
from forms import data as fd

from .conftest import SUPERVISOR_PASSWORD, World, pin
from .test_rules import doc, id_session, report_written

SUPERVISOR_NO = "YB500103-03"
SUPERVISOR = fd.Staff("王主管", SUPERVISOR_NO)


@pytest.fixture
def world(world_on_each_backend: World) -> World:
    """On SQLite and on PostgreSQL, as the rule tests."""
    return world_on_each_backend


def pdf_lines(pdf: bytes) -> list[str]:
    return [
        line
        for page in PdfReader(io.BytesIO(pdf)).pages
        for line in (page.extract_text() or "").splitlines()
    ]


def reviewer_lines(pdf: bytes) -> list[str]:
    return [line for line in pdf_lines(pdf) if "复核人" in line]


def name_the_supervisor(world: World) -> None:
    """The supervisor's name as the staff table has it (the form must take it from there)."""
    with world.session() as s:
        s.execute(update(Staff).where(Staff.staff_no == SUPERVISOR_NO).values(name="王主管"))
        s.commit()


def approve(world: World, ctx: Any, digest: str) -> Any:
    return approvals.verify_supervisor_approval(
        ctx, world.actors["yb103"], SUPERVISOR_NO, SUPERVISOR_PASSWORD, digest
    )


def approved_lift(world: World, key: str) -> Any:
    report_written(world, key)
    ctx = world.context(four_eyes=True)
    actor = world.actors["yb103"]
    _, transport = world.insert_card(key)
    client = world.client(transport)
    idem = f"lift-{key}-approved"
    approval = approve(world, ctx, lifting.lift_digest(actor, client.read_identity(), idem))
    return lifting.lift_loss_report(
        ctx, actor, client, pin("123456"), doc(world, key), approval, idem
    )


def approved_reset(world: World, key: str) -> Any:
    ctx = world.context(four_eyes=True)
    actor = world.actors["yb103"]
    _, transport = world.insert_card(key, pin="975310")
    session = id_session(world, key)
    approval = approve(world, ctx, pin_reset.pin_reset_digest(actor, session, "approved"))
    return pin_reset.reset_pin(
        ctx,
        actor,
        session,
        world.client(transport),
        doc(world, key),
        pin("258036"),
        pin("258036"),
        approval,
        "approved",
    )


def test_U5_approved_lift_form_names_the_supervisor_and_reprints_it(world: World) -> None:
    name_the_supervisor(world)
    result = approved_lift(world, "h012")
    assert result.form.reviewer == SUPERVISOR
    lines = reviewer_lines(result.pdf)
    assert len(lines) == 2  # archive copy and holder copy
    assert all(SUPERVISOR_NO in line and "王主管" in line for line in lines)
    again = form_reprints.reprint_form(world.ctx, world.actors["yb103"], result.serial, "重打")
    assert "补打" in "".join(pdf_lines(again))
    assert reviewer_lines(again) == lines


def test_U5_lift_without_four_eyes_has_no_reviewer(world: World) -> None:
    report_written(world, "h001")
    _, transport = world.insert_card("h001")
    result = lifting.lift_loss_report(
        world.context(four_eyes=False),
        world.actors["yb103"],
        world.client(transport),
        pin("123456"),
        doc(world, "h001"),
        None,
        "lift-h001-plain",
    )
    assert result.form is not None and result.form.reviewer is None
    assert reviewer_lines(result.pdf) == []
    assert SUPERVISOR_NO not in "".join(pdf_lines(result.pdf))


def test_P5_approved_reset_receipt_names_the_supervisor_and_reprints_it(world: World) -> None:
    name_the_supervisor(world)
    result = approved_reset(world, "h007")
    assert result.form.reviewer == SUPERVISOR
    lines = reviewer_lines(result.pdf)
    assert len(lines) == 2
    assert all(SUPERVISOR_NO in line and "王主管" in line for line in lines)
    again = form_reprints.reprint_form(world.ctx, world.actors["yb103"], result.serial, "重打")
    assert reviewer_lines(again) == lines


def test_P5_reset_without_four_eyes_has_no_reviewer(world: World) -> None:
    _, transport = world.insert_card("h006", pin="975310")
    result = pin_reset.reset_pin(
        world.context(four_eyes=False),
        world.actors["yb103"],
        id_session(world, "h006"),
        world.client(transport),
        doc(world, "h006"),
        pin("258036"),
        pin("258036"),
        None,
    )
    assert result.form is not None and result.form.reviewer is None
    assert reviewer_lines(result.pdf) == []


def test_P5_an_earlier_approval_is_not_named_on_a_later_unapproved_receipt(world: World) -> None:
    """The 复核人 is the approval spent on this very password event, not the clerk's last
    one: an approved reset, then a reset of the same card without four-eyes."""
    approved = approved_reset(world, "h007")
    assert approved.form.reviewer is not None
    _, transport = world.insert_card("h007", pin="258036")
    later = pin_reset.reset_pin(
        world.context(four_eyes=False),
        world.actors["yb103"],
        id_session(world, "h007"),
        world.client(transport),
        doc(world, "h007"),
        pin("369258"),
        pin("369258"),
        None,
        "later",
    )
    assert later.form is not None and later.form.reviewer is None
    assert reviewer_lines(later.pdf) == []


def test_P6_unblock_with_an_approval_names_the_supervisor(world: World) -> None:
    ctx = world.context(four_eyes=True)
    actor = world.actors["yb103"]
    _, transport = world.insert_card("h008", pin="135790", pin_tries_left=0)
    session = id_session(world, "h008")
    digest = approvals.request_digest(
        Action.UNBLOCK_PIN.value, actor, holder_id=session.holder_id, session=session.session_id
    )
    result = pin_reset.unblock_pin(
        ctx,
        actor,
        session,
        world.client(transport),
        doc(world, "h008"),
        approve(world, ctx, digest),
        pin=pin("135790"),
    )
    assert result.receipt is not None
    assert result.receipt.reviewer == fd.Staff("yb103_sup", SUPERVISOR_NO)
    assert all(SUPERVISOR_NO in line for line in reviewer_lines(result.pdf))
    assert len(reviewer_lines(result.pdf)) == 2


def test_U5_a_lift_form_stored_before_the_reviewer_field_still_reprints(world: World) -> None:
    result = approved_lift(world, "h012")
    with world.session() as s:
        row = s.scalars(select(FormDocument).where(FormDocument.serial == result.serial)).one()
        content = s.get(FormContent, row.id)
        assert content is not None and "reviewer" in content.data
        old = {k: v for k, v in content.data.items() if k != "reviewer"}
        s.execute(
            update(FormContent).where(FormContent.form_document_id == row.id).values(data=old)
        )
        s.commit()
        loaded = registered_forms.stored_form(s, row, fd.LiftForm)
    assert loaded.reviewer is None
    again = form_reprints.reprint_form(world.ctx, world.actors["yb103"], result.serial, "重打")
    assert reviewer_lines(again) == []


def test_U5_the_reviewer_travels_to_the_workstation(world: World) -> None:
    """The city tier's codec carries the form with its 复核人 (counter_app.remote.codec)."""
    result = approved_lift(world, "h012")
    decoded = codec.decode(codec.encode(result.form))
    assert decoded == result.form and decoded.reviewer is not None
