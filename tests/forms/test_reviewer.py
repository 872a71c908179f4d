"""复核人 on the papers of an approved transaction (four-eyes, RULES S1–S3): the lift form
(U1–U5) and the reset/unblock receipt (P5, P6) name the approving supervisor — staff number
and name — and say nothing of one when nobody approved. Read back from the PDF (pypdf)."""

from __future__ import annotations

import dataclasses

from hypothesis import given

from forms.data import FormKind, LiftForm, PinReceipt, Staff
from forms.fonts import FontSet
from forms.layout import BOTTOM, LEFT, RIGHT, TOP
from forms.lift import DECLARATION as LIFT_DECLARATION
from forms.render import render_form
from forms.specimens import specimen

from .conftest import TEST_KEY
from .pdfcheck import page_count, page_lines
from .test_layout_bounds import (
    BOUNDS,
    assert_declaration_and_signatures_on_every_page,
    long_text,
)

SUPERVISOR = Staff("王主管", "YB500103-03")


def lift_form(reviewer: Staff | None) -> LiftForm:
    form = specimen(FormKind.LIFT)
    assert isinstance(form, LiftForm)
    return dataclasses.replace(form, reviewer=reviewer)


def receipt(kind: FormKind, reviewer: Staff | None) -> PinReceipt:
    form = specimen(kind)
    assert isinstance(form, PinReceipt)
    return dataclasses.replace(form, reviewer=reviewer)


def texts(pdf: bytes) -> list[str]:
    """Each page's drawn lines, joined."""
    return [
        "\n".join(line.text for line in page_lines(pdf, page)) for page in range(page_count(pdf))
    ]


def test_U5_lift_form_names_the_approving_supervisor_on_both_copies(fonts: FontSet) -> None:
    pdf = render_form(lift_form(SUPERVISOR), key=TEST_KEY, fonts=fonts)
    pages = texts(pdf)
    assert len(pages) == 2
    for text in pages:
        assert "复核人" in text and "YB500103-03 王主管" in text


def test_U5_lift_form_without_approval_has_no_reviewer_line(fonts: FontSet) -> None:
    pdf = render_form(lift_form(None), key=TEST_KEY, fonts=fonts)
    for text in texts(pdf):
        assert "复核人" not in text
        assert "经办人" in text  # the clerk is still named


def test_P5_P6_receipts_name_the_approving_supervisor(fonts: FontSet) -> None:
    for kind in (FormKind.PIN_RESET, FormKind.UNBLOCK):
        with_reviewer = texts(render_form(receipt(kind, SUPERVISOR), key=TEST_KEY, fonts=fonts))
        without = texts(render_form(receipt(kind, None), key=TEST_KEY, fonts=fonts))
        for text in with_reviewer:
            assert "复核人" in text and "YB500103-03 王主管" in text
        for text in without:
            assert "复核人" not in text and "YB500103-03" not in text


def test_P5_receipt_with_a_reviewer_stays_on_its_page(fonts: FontSet) -> None:
    pdf = render_form(receipt(FormKind.PIN_RESET, SUPERVISOR), key=TEST_KEY, fonts=fonts)
    assert page_count(pdf) == 2
    for page in range(2):
        lines = page_lines(pdf, page)
        assert any(line.text.startswith("温馨提示") for line in lines)
        for line in lines:
            assert BOTTOM - 0.5 <= line.y <= TOP, line
            assert LEFT - 0.5 <= line.x
            assert line.x + fonts.width(line.text, line.size) <= RIGHT + 0.5, line


@BOUNDS
@given(reason=long_text(), address=long_text())
def test_U2_lift_form_with_a_reviewer_keeps_declaration_and_signatures(
    fonts: FontSet, reason: str, address: str
) -> None:
    """The extra 复核人 line never pushes the declaration or the signatures off the page."""
    form = lift_form(SUPERVISOR)
    form = dataclasses.replace(
        form, reason=reason, holder=dataclasses.replace(form.holder, address=address)
    )
    pdf = render_form(form, key=TEST_KEY, fonts=fonts)
    assert_declaration_and_signatures_on_every_page(pdf, fonts, LIFT_DECLARATION)
    assert all("YB500103-03 王主管" in text for text in texts(pdf))
