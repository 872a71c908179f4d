"""Chinese fonts that print everywhere: embedded, subsetted TrueType, chosen per character.

A form is only as good as the printer that has to draw it. A PDF that names a CID font
without embedding it (reportlab's ``STSong-Light``) prints as boxes or in a substitute font
on many counter printers and viewers, so this module looks for a CJK *TrueType* font on the
machine and embeds a subset of it. reportlab embeds only TrueType (``glyf``) outlines: fonts
with CFF outlines (Debian's Noto CJK, every ``.otf``) are refused before reportlab sees them.

A :class:`FontSet` is a primary font plus fallbacks; each character is drawn by the first
font that has a glyph for it. The HanaMin pair (A: BMP and extension A; B: extension B and
beyond) or Windows' SimSun-ExtB cover rare name characters such as 𠮷 (U+20BB7) and 䶮.

reportlab writes a faulty ToUnicode CMap for characters outside the BMP (``<20BB7>``, five hex
digits, where PDF wants the UTF-16 surrogate pair ``<D842DFB7>``), so copying or searching the
text of such a name fails. :class:`_ToUnicodeFixedTTFont` rewrites that CMap.

Nothing here runs at import time; fonts are found and loaded on first use and cached.
"""

from __future__ import annotations

import functools
import shutil
import struct
import subprocess
import unicodedata
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import SUBSETN, TTFont

OutlineFormat = Literal["truetype", "cff", "unknown"]

#: Characters every primary font must have: the words printed on every form.
_PROBE = "重庆市社会保障卡挂失登记表姓名号码经办机构盖章签名"

CID_FALLBACK_NAME = "STSong-Light"


class FontNotFound(RuntimeError):
    """No embeddable (TrueType) CJK font was found; the message says what to install."""


class FontRefused(ValueError):
    """A font file that cannot be embedded (CFF outlines, not a font, no CJK glyphs)."""


class CIDFallbackWarning(UserWarning):
    """Forms are being drawn with a CID font that is NOT embedded in the PDF."""


#: Printable characters that show nothing alone: Hangul fillers and the blank braille cell
#: (combining marks, which would draw over the quote before them, are found by category).
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def name_character(ch: str) -> str:
    """``ch`` for an administrator's message: itself in quotes (“𠮷”), or by code point
    when it cannot be seen alone (U+0301（不可见字符）)."""
    if ch in _BLANK_LETTERS or unicodedata.category(ch).startswith("M"):
        return f"U+{ord(ch):04X}（不可见字符）"
    return f"“{ch}”"


class MissingGlyphs(ValueError):
    """Text holds characters that no font of the set can draw; printing them would show boxes.
    The message names them as a reader sees them (“𠮷”), for the administrator who installs
    a font; only a character that cannot be seen alone goes by its code point."""

    def __init__(self, characters: Sequence[str]) -> None:
        self.characters = tuple(characters)
        listed = "、".join(name_character(c) for c in self.characters)
        super().__init__(
            f"字体中没有以下字符，表单无法正确打印: {listed}。"
            "请安装覆盖生僻字的字体 (如 fonts-hanazono 的花园明朝 HanaMinA/HanaMinB) 后重试。"
        )


@dataclass(frozen=True)
class FontFile:
    """One font inside a file (``index`` selects the face of a ``.ttc`` collection)."""

    path: Path
    index: int = 0


# Known places, best first. Primary: a face for all the text of a form.
_PRIMARY_CANDIDATES: tuple[FontFile, ...] = (
    FontFile(Path("C:/Windows/Fonts/simsun.ttc"), 0),  # SimSun (宋体)
    FontFile(Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"), 0),  # WenQuanYi Zen Hei
    FontFile(Path("/usr/share/fonts/truetype/arphic/uming.ttc"), 0),  # AR PL UMing CN
    FontFile(Path("/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf"), 0),
    FontFile(Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"), 0),
    FontFile(Path("/usr/share/fonts/wenquanyi/wqy-zenhei/wqy-zenhei.ttc"), 0),  # Fedora
    FontFile(Path("/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc"), 0),
    FontFile(Path("C:/Windows/Fonts/simhei.ttf"), 0),
    FontFile(Path("/Library/Fonts/Arial Unicode.ttf"), 0),
)
# Fallbacks for rare characters (CJK extension A, B and beyond).
_FALLBACK_CANDIDATES: tuple[FontFile, ...] = (
    FontFile(Path("/usr/share/fonts/truetype/hanazono/HanaMinA.ttf"), 0),
    FontFile(Path("/usr/share/fonts/truetype/hanazono/HanaMinB.ttf"), 0),
    FontFile(Path("/usr/share/fonts/hanazono/HanaMinA.ttf"), 0),
    FontFile(Path("/usr/share/fonts/hanazono/HanaMinB.ttf"), 0),
    FontFile(Path("C:/Windows/Fonts/simsunb.ttf"), 0),  # SimSun-ExtB
)


def outline_format(path: Path, index: int = 0) -> OutlineFormat:
    """The outline kind of face ``index`` of ``path``, read from the sfnt table directory."""
    try:
        with path.open("rb") as fh:
            head = fh.read(12)
            offset = 0
            if head[:4] == b"ttcf":
                fh.seek(12 + 4 * index)
                raw = fh.read(4)
                if len(raw) < 4:
                    return "unknown"
                (offset,) = struct.unpack(">I", raw)
                fh.seek(offset)
                head = fh.read(12)
            if len(head) < 12:
                return "unknown"
            version = head[:4]
            (num_tables,) = struct.unpack(">H", head[4:6])
            tags = {fh.read(16)[:4] for _ in range(num_tables)}
    except OSError:
        return "unknown"
    if version == b"OTTO" or b"CFF " in tags or b"CFF2" in tags:
        return "cff"
    if version in (b"\x00\x01\x00\x00", b"true") and b"glyf" in tags:
        return "truetype"
    return "unknown"


class _ToUnicodeFixedTTFont(TTFont):  # type: ignore[misc]  # reportlab has no type hints
    """A reportlab TTFont whose ToUnicode CMap is right for characters outside the BMP.

    reportlab's ``makeToUnicodeCMap`` formats every code point as ``<%04X>``; PDF wants
    UTF-16BE, so U+20BB7 must be ``<D842DFB7>``. After reportlab has built its objects, the
    CMap stream of each subset holding such characters is rewritten.
    """

    def addObjects(self, doc: Any) -> None:  # reportlab's method name
        state = self.state.get(doc)
        subsets = [list(s) for s in state.subsets] if state is not None else []
        super().addObjects(doc)
        for n, subset in enumerate(subsets):
            if all(code <= 0xFFFF for code in subset):
                continue
            base = b"".join((SUBSETN(n), b"+", self.face.name, self.face.subfontNameX))
            base_name = base.decode("pdfdoc")
            stream = doc.idToObject["toUnicodeCMap:" + base_name]
            stream.content = to_unicode_cmap(base_name, subset)


def to_unicode_cmap(font_name: str, subset: Sequence[int]) -> str:
    """A ToUnicode CMap mapping one-byte codes to UTF-16BE text (surrogates for non-BMP)."""
    entries = [
        f"<{i:02X}> <{chr(code).encode('utf-16-be').hex().upper()}>"
        for i, code in enumerate(subset)
    ]
    return "\n".join(
        [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            "/CIDSystemInfo",
            f"<< /Registry ({font_name})",
            f"/Ordering ({font_name})",
            "/Supplement 0",
            ">> def",
            f"/CMapName /{font_name} def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            f"<00> <{len(subset) - 1:02X}>",
            "endcodespacerange",
            f"{len(subset)} beginbfchar",
            *entries,
            "endbfchar",
            "endcmap",
            "CMapName currentdict /CMap defineresource pop",
            "end",
            "end",
        ]
    )


@dataclass(frozen=True)
class Face:
    """A registered reportlab font and the code points it can draw (``None``: assume all)."""

    name: str
    codepoints: Mapping[int, int] | None
    embedded: bool
    file: FontFile | None = None

    def has(self, code: int) -> bool:
        return self.codepoints is None or code in self.codepoints


class FontSet:
    """A primary font plus fallbacks; each character is drawn by the first face having it."""

    def __init__(self, faces: Sequence[Face]) -> None:
        if not faces:
            raise ValueError("FontSet needs at least one face")
        self.faces = tuple(faces)
        self._width_cache: dict[str, float] = {}

    @property
    def embedded(self) -> bool:
        return all(face.embedded for face in self.faces)

    @property
    def primary(self) -> str:
        return self.faces[0].name

    def _face_for(self, code: int) -> Face | None:
        for face in self.faces:
            if face.has(code):
                return face
        return None

    def runs(self, text: str, *, strict: bool = False) -> list[tuple[str, str]]:
        """``text`` cut into (font name, piece) runs, each piece drawable by its font.

        A character no face has goes to the primary font (it would print as a box); with
        ``strict`` such a printable character raises :class:`MissingGlyphs` instead.
        """
        result: list[tuple[str, str]] = []
        primary = self.faces[0]
        current = ""
        pieces: list[str] = []
        for ch in text:
            code = ord(ch)
            if primary.has(code):
                face = primary
            else:
                found = self._face_for(code)
                if found is None and strict and ch.isprintable() and not ch.isspace():
                    raise MissingGlyphs(self.missing(text))
                face = found or primary
            if face.name != current:
                if pieces:
                    result.append((current, "".join(pieces)))
                current, pieces = face.name, []
            pieces.append(ch)
        if pieces:
            result.append((current, "".join(pieces)))
        return result

    def missing(self, text: str) -> list[str]:
        """Printable characters of ``text`` that no face can draw, in order, once each."""
        seen: list[str] = []
        for ch in text:
            if ch.isprintable() and not ch.isspace() and self._face_for(ord(ch)) is None:
                if ch not in seen:
                    seen.append(ch)
        return seen

    def check(self, texts: Iterable[str]) -> None:
        """Raise :class:`MissingGlyphs` if any of ``texts`` cannot be drawn completely."""
        missing: list[str] = []
        for text in texts:
            missing.extend(c for c in self.missing(text) if c not in missing)
        if missing:
            raise MissingGlyphs(missing)

    def width(self, text: str, size: float) -> float:
        """The advance width of ``text`` at ``size`` points, summed over its runs."""
        unit = self._width_cache.get(text)
        if unit is None:
            unit = (
                sum(pdfmetrics.stringWidth(piece, name, 1000.0) for name, piece in self.runs(text))
                / 1000.0
            )
            if len(self._width_cache) < 50_000:
                self._width_cache[text] = unit
        return unit * size


@functools.cache
def _register(font: FontFile) -> Face:
    kind = outline_format(font.path, font.index)
    if kind == "cff":
        raise FontRefused(
            f"字体 {font.path} 使用 CFF (PostScript) 轮廓，reportlab 无法将其嵌入 PDF。"
            "请改用 TrueType 字体 (如文泉驿正黑 fonts-wqy-zenhei、AR PL UMing、宋体 SimSun)。"
        )
    if kind != "truetype":
        raise FontRefused(f"文件 {font.path} (第 {font.index} 个字体) 不是可嵌入的 TrueType 字体。")
    name = f"CQForm-{font.path.stem}-{font.index}"
    tt = _ToUnicodeFixedTTFont(name, str(font.path), subfontIndex=font.index)
    pdfmetrics.registerFont(tt)
    return Face(name=name, codepoints=tt.face.charToGlyph, embedded=True, file=font)


def _fc_list_candidates() -> list[FontFile]:
    """TrueType faces fontconfig knows for Chinese (``fc-list :lang=zh``), if fc-list exists."""
    exe = shutil.which("fc-list")
    if exe is None:
        return []
    try:
        out = subprocess.run(
            [exe, "--format", "%{file}\t%{index}\t%{fontformat}\n", ":lang=zh"],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    found: list[FontFile] = []
    for line in sorted(set(out.splitlines())):
        parts = line.split("\t")
        if len(parts) == 3 and parts[2] == "TrueType" and parts[1].isdigit():
            found.append(FontFile(Path(parts[0]), int(parts[1])))
    return found


def find_cjk_fonts(candidates: Sequence[FontFile] | None = None) -> list[FontFile]:
    """Embeddable CJK TrueType faces on this machine, best first (known paths, then fc-list)."""
    pool = (
        list(candidates)
        if candidates is not None
        else [*_PRIMARY_CANDIDATES, *_fc_list_candidates()]
    )
    result: list[FontFile] = []
    for font in pool:
        if font in result or not font.path.is_file():
            continue
        if outline_format(font.path, font.index) == "truetype":
            result.append(font)
    return result


def _usable_primary(fonts: Iterable[FontFile]) -> Face | None:
    for font in fonts:
        try:
            face = _register(font)
        except Exception:  # a refused or broken font file: try the next one
            continue
        if face.codepoints is not None and all(ord(c) in face.codepoints for c in _PROBE):
            return face
    return None


def load_fontset(
    primary: FontFile | Path | None = None,
    fallbacks: Sequence[FontFile] | None = None,
    *,
    candidates: Sequence[FontFile] | None = None,
    allow_cid_fallback: bool = False,
) -> FontSet:
    """The fonts forms draw with.

    ``primary`` names a font file to use (a CFF font raises :class:`FontRefused`); otherwise
    the machine is searched (or only ``candidates``, when given). ``fallbacks`` default to
    the HanaMin pair / SimSun-ExtB where installed. With no embeddable font,
    :class:`FontNotFound` is raised, unless
    ``allow_cid_fallback``: then the non-embedded ``STSong-Light`` CID font is used and a
    :class:`CIDFallbackWarning` is issued, because such a PDF may print wrongly.
    """
    face: Face | None
    if primary is not None:
        font = primary if isinstance(primary, FontFile) else FontFile(Path(primary))
        face = _register(font)
    else:
        face = _usable_primary(find_cjk_fonts(candidates))
    if face is None:
        message = (
            "未找到可嵌入 PDF 的中文 TrueType 字体，表单无法打印。请安装 fonts-wqy-zenhei、"
            "fonts-arphic-uming 或 fonts-hanazono (Debian/Ubuntu: sudo apt-get install "
            "fonts-wqy-zenhei fonts-hanazono)，Windows 上需有宋体 simsun.ttc。"
            "注意: Noto CJK 等 CFF 轮廓字体无法嵌入。"
        )
        if not allow_cid_fallback:
            raise FontNotFound(message)
        warnings.warn(
            message + " 现改用未嵌入的 CID 字体 STSong-Light: 打印机或阅读器缺少该字体时"
            "将显示为方框或替代字体，表单不宜作为正式凭证。",
            CIDFallbackWarning,
            stacklevel=2,
        )
        pdfmetrics.registerFont(UnicodeCIDFont(CID_FALLBACK_NAME))
        return FontSet([Face(CID_FALLBACK_NAME, None, embedded=False)])
    extra: list[Face] = []
    pool = fallbacks if fallbacks is not None else _FALLBACK_CANDIDATES
    for font in pool:
        if font.path.is_file() and font != face.file:
            try:
                extra.append(_register(font))
            except FontRefused:
                continue
    return FontSet([face, *extra])


@functools.lru_cache(maxsize=1)
def default_fontset() -> FontSet:
    """The machine's fonts, found once per process (raises :class:`FontNotFound`)."""
    return load_fontset()
