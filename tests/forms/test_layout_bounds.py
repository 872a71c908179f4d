"""Whatever the input, a form keeps its declaration and signatures on the page.

A holder signs under a declaration: if a long place, account of the loss, address or reason
pushed the declaration or the signature block under the footer or off the page, the holder
would sign a form that does not show what they declare. Every free-text field is bounded in
lines (``forms.layout.Field.max_lines``); this renders random lengths, from empty to 10,000
characters, and reads the positions back from the PDF's text layer (pypdf).
"""

from __future__ import annotations

import dataclasses
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forms.data import FormKind, LiftForm, LossForm, ReplacementForm
from forms.fonts import FontSet
from forms.layout import BOTTOM, LEFT, RIGHT, TOP, mm
from forms.lift import DECLARATION as LIFT_DECLARATION
from forms.loss import DECLARATION as LOSS_DECLARATION
from forms.render import render_form
from forms.replacement import DECLARATION as REPLACEMENT_DECLARATION
from forms.specimens import specimen

from .conftest import TEST_KEY
from .pdfcheck import page_count, page_lines

FOOTER_RULE = BOTTOM + 7.5 * mm  # draw_foot's rule: nothing of the body may go below it
SIGNATURE_DATE = "日期：　　　年　　月　　日"
BOUNDS = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

PIECES = st.sampled_from(
    [
        "解放碑步行街",
        "轨道交通2号线",
        "，",
        "。",
        "（",
        "）",
        " ",
        "\n",
        "A",
        "Wangfujing",
        "12333",
        "x" * 40,
        "重庆市渝北区龙塔街道黄泥磅紫薇支路12号",
        "·",
        "—",
        "ABCDEFGHIJKLMNOP",
    ]
)


@st.composite
def long_text(draw: st.DrawFn) -> str:
    """From empty to 10,000 characters: CJK, Latin runs without breaks, punctuation, newlines."""
    length = draw(st.sampled_from([0, 1, 30, 61, 120, 300, 301, 800, 1000, 3000, 10_000]))
    pieces = draw(st.lists(PIECES, min_size=1, max_size=12))
    text = "".join(pieces)
    return (text * (length // max(len(text), 1) + 1))[:length]


def last_words(declaration: str) -> str:
    return declaration[-8:]


def assert_declaration_and_signatures_on_every_page(
    pdf: bytes, fonts: FontSet, declaration: str
) -> None:
    pages = page_count(pdf)
    assert pages == 2  # archive copy and holder copy, nothing spilled onto a third page
    for page in range(pages):
        lines = page_lines(pdf, page)
        text = "".join(line.text for line in lines)
        assert last_words(declaration) in text.replace(" ", "")
        dates = [line for line in lines if line.text == SIGNATURE_DATE]
        assert dates, f"page {page}: no holder signature date line"
        signature = [line for line in lines if line.text.startswith(("持卡人签名", "申请人签名"))]
        assert signature, f"page {page}: no signature line"
        # The signature block's lowest line is above the footer rule, so all of it is.
        assert dates[0].y > FOOTER_RULE, (dates[0].y, FOOTER_RULE)
        for line in lines:
            assert BOTTOM - 0.5 <= line.y <= TOP, line
            assert line.x >= LEFT - 0.5 and line.x + fonts.width(line.text, line.size) <= (
                RIGHT + 0.5
            ), line


@BOUNDS
@given(place=long_text(), circumstances=long_text(), address=long_text())
def test_L3_loss_form_keeps_declaration_and_signatures_whatever_the_lengths(
    fonts: FontSet, place: str, circumstances: str, address: str
) -> None:
    form = specimen(FormKind.LOSS)
    assert isinstance(form, LossForm)
    form = dataclasses.replace(
        form,
        lost_place=place,
        circumstances=circumstances,
        holder=dataclasses.replace(form.holder, address=address),
    )
    pdf = render_form(form, key=TEST_KEY, fonts=fonts)
    assert_declaration_and_signatures_on_every_page(pdf, fonts, LOSS_DECLARATION)


@BOUNDS
@given(reason=long_text(), address=long_text())
def test_U2_lift_form_keeps_declaration_and_signatures_whatever_the_lengths(
    fonts: FontSet, reason: str, address: str
) -> None:
    form = specimen(FormKind.LIFT)
    assert isinstance(form, LiftForm)
    form = dataclasses.replace(
        form, reason=reason, holder=dataclasses.replace(form.holder, address=address)
    )
    pdf = render_form(form, key=TEST_KEY, fonts=fonts)
    assert_declaration_and_signatures_on_every_page(pdf, fonts, LIFT_DECLARATION)


@BOUNDS
@given(reason=long_text(), mailing=long_text(), address=long_text())
def test_R1_replacement_form_keeps_declaration_and_signatures_whatever_the_lengths(
    fonts: FontSet, reason: str, mailing: str, address: str
) -> None:
    form = specimen(FormKind.REPLACEMENT)
    assert isinstance(form, ReplacementForm)
    form = dataclasses.replace(
        form,
        reason=reason,
        mailing_address=mailing,
        holder=dataclasses.replace(form.holder, address=address),
    )
    pdf = render_form(form, key=TEST_KEY, fonts=fonts)
    assert_declaration_and_signatures_on_every_page(pdf, fonts, REPLACEMENT_DECLARATION)


def test_L3_a_value_within_the_policy_limit_is_printed_whole(fonts: FontSet) -> None:
    # The service accepts up to 300 characters of 遗失经过 (text_policy.LOSS_CIRCUMSTANCES):
    # the form prints all of them, smaller if need be, and never the cut mark.
    form = specimen(FormKind.LOSS)
    assert isinstance(form, LossForm)
    circumstances = ("5月4日晚乘坐轨道交通时钱包被盗内有社会保障卡和银行卡" * 12)[:300]
    form = dataclasses.replace(form, circumstances=circumstances, lost_place="地" * 60)
    pdf = render_form(form, key=TEST_KEY, fonts=fonts)
    text = "".join(line.text for line in page_lines(pdf, 0))
    assert "以下从略" not in text
    assert circumstances in text and "地" * 60 in text


def test_L3_a_value_beyond_any_limit_is_cut_visibly(fonts: FontSet) -> None:
    form = specimen(FormKind.LOSS)
    assert isinstance(form, LossForm)
    form = dataclasses.replace(form, circumstances="丢" * 10_000)
    pdf = render_form(form, key=TEST_KEY, fonts=fonts)
    assert "…（以下从略）" in "".join(line.text for line in page_lines(pdf, 0))


def test_L3_the_worst_loss_form_found_keeps_its_signatures(fonts: FontSet) -> None:
    """Examples hypothesis found (they overflowed): the longest place, circumstances and
    address at once, one with a leading blank line, one address of opening brackets."""
    form = specimen(FormKind.LOSS)
    assert isinstance(form, LossForm)
    place = "\n重庆市渝北区龙塔街道黄泥磅紫薇支路12号" * 3
    circumstances = ("·解放碑步行街解放碑步行街" * 40)[:300]
    for address in ("（" * 300, "重庆市渝北区龙塔街道黄泥磅紫薇支路12号" * 30):
        worst = dataclasses.replace(
            form,
            lost_place=place,
            circumstances=circumstances,
            holder=dataclasses.replace(form.holder, address=address),
        )
        pdf = render_form(worst, key=TEST_KEY, fonts=fonts)
        assert_declaration_and_signatures_on_every_page(pdf, fonts, LOSS_DECLARATION)


def test_a_run_of_brackets_longer_than_a_line_still_breaks_within_the_width(
    fonts: FontSet,
) -> None:
    """Keeping an opening bracket with what follows must not push a line past the width
    (a run of them longer than a line did: the carried run went over the cell's edge)."""
    from reportlab.pdfgen.canvas import Canvas

    from forms.layout import Sheet

    sheet = Sheet(Canvas(io.BytesIO()), fonts)
    for text in ("（" * 300, "解放碑" + "（" * 40 + "ABCDEFGHIJKLMNOP" * 3, "。" * 200):
        lines = sheet.wrap(text, 160.0, 9.5)
        assert "".join(lines) == text
        assert all(sheet.width(line, 9.5) <= 160.0 for line in lines), lines
        # Full lines, not a column of single characters.
        assert len(lines) <= sheet.width(text, 9.5) / (160.0 - 2 * 9.5) + 1, len(lines)
