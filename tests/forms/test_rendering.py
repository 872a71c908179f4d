"""Rendered pages are not blank and every font is embedded (poppler: pdftoppm, pdffonts)."""

from __future__ import annotations

from pathlib import Path

import pytest

from forms.data import FormKind
from forms.fonts import FontSet
from forms.loss import render_loss_form
from forms.render import render_form
from forms.specimens import render_specimen, specimen
from tests.forms.conftest import RARE_NAME, loss_form
from tests.forms.pdfcheck import dark_fraction, pdffonts, render_pages


@pytest.mark.parametrize("kind", list(FormKind))
def test_pages_render_with_ink(kind: FormKind, key: bytes, fonts: FontSet, tmp_path: Path) -> None:
    path = tmp_path / f"{kind.value}.pdf"
    path.write_bytes(render_form(specimen(kind), key=key, fonts=fonts))
    pages = render_pages(path)
    assert len(pages) == (1 if kind is FormKind.ACCESS_SLIP else 2)
    for image in pages:
        ink = dark_fraction(image)
        assert 0.01 < ink < 0.5, f"{kind}: {ink:.3%} dark pixels"
        # The top band (title, QR) and the body both carry ink.
        top = image.crop((0, 0, image.width, image.height // 5))
        middle = image.crop((0, image.height // 5, image.width, image.height // 2))
        assert dark_fraction(top) > 0.01 and dark_fraction(middle) > 0.01


@pytest.mark.parametrize("kind", list(FormKind))
def test_every_font_is_embedded(kind: FormKind, key: bytes, fonts: FontSet, tmp_path: Path) -> None:
    path = tmp_path / f"{kind.value}.pdf"
    path.write_bytes(render_specimen(kind, fonts=fonts))
    listed = pdffonts(path)
    assert listed, "no fonts listed"
    for font in listed:
        assert font["emb"] == "yes", font
        assert font["sub"] == "yes", font
        assert font["uni"] == "yes", font  # a ToUnicode map: text can be copied


def test_rare_name_renders_and_is_embedded(key: bytes, fonts: FontSet, tmp_path: Path) -> None:
    path = tmp_path / "rare.pdf"
    path.write_bytes(render_loss_form(loss_form(name=RARE_NAME), key=key, fonts=fonts))
    assert all(font["emb"] == "yes" for font in pdffonts(path))
    # The name cell with the rare characters carries ink where the glyphs are.
    plain = tmp_path / "plain.pdf"
    plain.write_bytes(render_loss_form(loss_form(name="张"), key=key, fonts=fonts))
    rare_ink = dark_fraction(render_pages(path, dpi=100)[0])
    plain_ink = dark_fraction(render_pages(plain, dpi=100)[0])
    assert rare_ink > plain_ink  # two more glyphs drawn, not blanks
