"""Font choice: TrueType embedded, CFF refused, rare characters by fallback, no silent CID."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from reportlab.pdfbase.ttfonts import makeToUnicodeCMap

from forms.fonts import (
    CIDFallbackWarning,
    FontFile,
    FontNotFound,
    FontRefused,
    FontSet,
    MissingGlyphs,
    load_fontset,
    outline_format,
    to_unicode_cmap,
)
from forms.loss import render_loss_form
from tests.forms.conftest import RARE_NAME, loss_form

NOTO = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


def _sfnt(path: Path, version: bytes, tags: list[bytes]) -> Path:
    header = version + struct.pack(">HHHH", len(tags), 0, 0, 0)
    path.write_bytes(header + b"".join(tag + b"\0" * 12 for tag in tags))
    return path


def test_outline_format_reads_the_table_directory(tmp_path: Path) -> None:
    assert outline_format(_sfnt(tmp_path / "a.otf", b"OTTO", [b"CFF ", b"cmap"])) == "cff"
    ttf = _sfnt(tmp_path / "b.ttf", b"\x00\x01\x00\x00", [b"cmap", b"glyf", b"loca"])
    assert outline_format(ttf) == "truetype"
    assert outline_format(tmp_path / "missing.ttf") == "unknown"


def test_cff_font_is_refused(tmp_path: Path) -> None:
    fake = _sfnt(tmp_path / "cff.otf", b"OTTO", [b"CFF ", b"cmap"])
    with pytest.raises(FontRefused, match="CFF"):
        load_fontset(FontFile(fake))


@pytest.mark.skipif(not NOTO.exists(), reason="fonts-noto-cjk not installed")
def test_noto_cjk_is_refused_and_never_chosen(fonts: FontSet) -> None:
    assert outline_format(NOTO) == "cff"
    with pytest.raises(FontRefused):
        load_fontset(FontFile(NOTO))
    assert all(face.file is None or "Noto" not in face.file.path.name for face in fonts.faces)


def test_machine_fonts_are_embeddable_truetype(fonts: FontSet) -> None:
    assert fonts.embedded
    for face in fonts.faces:
        assert face.file is not None
        assert outline_format(face.file.path, face.file.index) == "truetype"


def test_no_truetype_font_is_a_clear_error() -> None:
    with pytest.raises(FontNotFound, match="fonts-wqy-zenhei"):
        load_fontset(candidates=[])


def test_cid_fallback_only_when_allowed_and_loudly() -> None:
    with pytest.warns(CIDFallbackWarning, match="未嵌入"):
        fallback = load_fontset(candidates=[], allow_cid_fallback=True)
    assert not fallback.embedded


def test_rare_characters_are_drawn_by_a_font_that_has_them(fonts: FontSet) -> None:
    runs = fonts.runs(RARE_NAME)
    assert "".join(piece for _, piece in runs) == RARE_NAME
    assert fonts.missing(RARE_NAME) == []
    by_char = {ch: name for name, piece in runs for ch in piece}
    for ch in RARE_NAME:
        face = next(f for f in fonts.faces if f.name == by_char[ch])
        assert face.has(ord(ch))


def test_a_character_no_font_has_is_refused_not_printed_as_a_box(key: bytes) -> None:
    primary_only = load_fontset(fallbacks=[])
    if primary_only.missing("𠮷") == []:
        pytest.skip("the primary font itself covers extension B")
    with pytest.raises(MissingGlyphs, match="𠮷"):
        render_loss_form(loss_form(name=RARE_NAME), key=key, fonts=primary_only)


def test_reportlab_tounicode_is_faulty_outside_the_bmp_so_we_fix_it() -> None:
    # Canary: if reportlab ever writes UTF-16 here, forms.fonts._ToUnicodeFixedTTFont can go.
    assert "<20BB7>" in makeToUnicodeCMap("X", [0, 0x20BB7])
    fixed = to_unicode_cmap("X", [0, 0x5F20, 0x20BB7])
    assert "<01> <5F20>" in fixed
    assert "<02> <D842DFB7>" in fixed
