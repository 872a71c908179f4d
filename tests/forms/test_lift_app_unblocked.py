"""解除挂失登记表 (RULES U1–U5, CARD.md APPLICATION UNBLOCK): when the lift also unblocked the
chip's application — a terminal had blocked the card while it was reported lost — both
copies say so on one line; a lift that did not need to says nothing about it."""

from __future__ import annotations

import dataclasses

import pytest

from forms.data import FormKind, LiftForm, Staff
from forms.fonts import FontSet
from forms.lift import APP_UNBLOCKED, DECLARATION, render_lift_form
from forms.render import render_form
from forms.specimens import specimen
from tests.forms.conftest import TEST_KEY
from tests.forms.pdfcheck import page_lines, page_text, value_right_of
from tests.forms.test_layout_bounds import assert_declaration_and_signatures_on_every_page

ARCHIVE, HOLDER = 0, 1


def _lift(**changes: object) -> LiftForm:
    form = specimen(FormKind.LIFT)
    assert isinstance(form, LiftForm)
    return dataclasses.replace(form, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize("page", [ARCHIVE, HOLDER])
def test_U5_lift_that_unblocked_the_chip_says_so(key: bytes, fonts: FontSet, page: int) -> None:
    pdf = render_lift_form(_lift(app_unblocked=True), key=key, fonts=fonts)
    lines = page_lines(pdf, page)
    drawn = value_right_of(lines, "卡片应用")
    assert drawn.startswith("挂失期间卡片应用已被锁定")
    assert APP_UNBLOCKED in page_text(pdf, page).replace("\n", "")


def test_U5_lift_without_an_unblock_prints_no_such_line(key: bytes, fonts: FontSet) -> None:
    pdf = render_lift_form(_lift(), key=key, fonts=fonts)
    for page in (ARCHIVE, HOLDER):
        text = page_text(pdf, page)
        assert "卡片应用" not in text and "已同时解锁" not in text


def test_U2_the_extra_line_keeps_declaration_and_signatures_on_the_page(fonts: FontSet) -> None:
    """With the longest reason and a 复核人 row, the line still leaves the declaration and
    the signatures on each copy, inside the margins (as tests/forms/test_layout_bounds.py)."""
    form = _lift(
        app_unblocked=True,
        reason="轨道交通2号线较场口站" * 1000,
        reviewer=Staff("王芳", "YB0001"),
    )
    pdf = render_form(form, key=TEST_KEY, fonts=fonts)
    assert_declaration_and_signatures_on_every_page(pdf, fonts, DECLARATION)
    assert APP_UNBLOCKED in page_text(pdf, HOLDER).replace("\n", "")
