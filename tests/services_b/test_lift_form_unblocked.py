"""The lift's form records the chip's unblock (RULES U5, CARD.md APPLICATION UNBLOCK): a
card a terminal had blocked while it was lost is unblocked by the lift, and the 解除挂失登记表
issued (and stored for a reprint) says so; a card that was not blocked gets no such line."""

from __future__ import annotations

from counter_app.services import form_reprints
from forms import data as fd
from forms.lift import APP_UNBLOCKED, render_lift_form
from tests.forms.pdfcheck import page_text

from .conftest import World
from .test_rules import lift, report_written


def _one_line(pdf: bytes, page: int) -> str:
    return page_text(pdf, page).replace("\n", "")


def test_U5_lift_form_says_the_chip_was_unblocked(world_on_each_backend: World) -> None:
    world = world_on_each_backend
    report_written(world, "h009")
    result, _ = lift(world, "h009", app_state="blocked")
    assert result.app_unblocked
    assert isinstance(result.form, fd.LiftForm) and result.form.app_unblocked
    pdf = render_lift_form(result.form, key=result.form_key)
    assert APP_UNBLOCKED in _one_line(pdf, 0) and APP_UNBLOCKED in _one_line(pdf, 1)
    # The stored form keeps it: a reprint (补打) says it too.
    again = form_reprints.reprint_form(world.ctx, world.actors["yb103"], result.serial, "补打")
    assert APP_UNBLOCKED in _one_line(again, 0)


def test_U5_lift_of_an_unblocked_chip_has_no_such_line(world_on_each_backend: World) -> None:
    world = world_on_each_backend
    report_written(world, "h001")
    result, _ = lift(world, "h001")
    assert not result.app_unblocked and not result.form.app_unblocked
    assert "已同时解锁" not in _one_line(render_lift_form(result.form, key=result.form_key), 0)
