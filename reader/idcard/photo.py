"""The photo block and the one seam that decodes it (IDCARD.md "The photo").

The chip's portrait is WLT-compressed; decoding it needs the licensed library shipped with
the reader. The workstation names a decoder in its settings (``idcard_decoder``) and loads
it once through :func:`load_decoder`: ``demo`` (the emulator's pattern, below), or
``module:callable`` naming a factory that returns a :class:`PhotoDecoder` wrapping the
vendor's library. Decoded portraits live in memory only (a ``bytearray`` the caller wipes):
nothing here writes a file, logs or keeps a copy.

The emulator fills the 1024 bytes with a deterministic pattern derived from the ID number
(:func:`demo_photo`); :class:`DemoDecoder` turns that pattern into a placeholder portrait.
"""

from __future__ import annotations

import hashlib
import importlib
from dataclasses import dataclass, field
from typing import Protocol

from reader.idcard.errors import IdCardError

PHOTO_LEN = 1024
#: The real WLT header starts ``WLf``; the demo pattern says plainly what it is.
DEMO_MAGIC = b"WLDEMO"
WIDTH, HEIGHT = 102, 126  # the size of the card's portrait


class PhotoDecodeError(IdCardError):
    message = "身份证照片无法解码。请对照证件上的照片核对本人；如需解码照片请检查解码库设置。"


class DecoderUnavailable(IdCardError):
    message = "身份证照片解码库未能加载。请检查设置中的 idcard_decoder 并重新启动程序。"


@dataclass(eq=False)
class Portrait:
    """A decoded portrait: ``rgb`` is width × height × 3 bytes, wiped by :meth:`wipe`."""

    width: int
    height: int
    rgb: bytearray = field(repr=False)

    def wipe(self) -> None:
        for i in range(len(self.rgb)):
            self.rgb[i] = 0
        del self.rgb[:]


class PhotoDecoder(Protocol):
    def decode(self, photo: bytes | bytearray) -> Portrait: ...


def demo_photo(id_number: str) -> bytes:
    """The emulator's photo block for ``id_number``: a magic, then a SHA-256 stream."""
    out = bytearray(DEMO_MAGIC)
    counter = 0
    while len(out) < PHOTO_LEN:
        out += hashlib.sha256(f"{id_number}/{counter}".encode()).digest()
        counter += 1
    return bytes(out[:PHOTO_LEN])


class DemoDecoder:
    """Decodes the emulator's pattern into a placeholder portrait (a head-and-shoulders
    silhouette on a background whose colour comes from the pattern); anything else is a
    :class:`PhotoDecodeError`, as a real decoder refuses bytes that are not WLT."""

    def decode(self, photo: bytes | bytearray) -> Portrait:
        if len(photo) != PHOTO_LEN or bytes(photo[: len(DEMO_MAGIC)]) != DEMO_MAGIC:
            raise PhotoDecodeError()
        seed = photo[len(DEMO_MAGIC) : len(DEMO_MAGIC) + 3]
        background = bytes(160 + b % 80 for b in seed)
        figure = bytes(60 + b % 60 for b in seed[::-1])
        rgb = bytearray(WIDTH * HEIGHT * 3)
        cx, head_cy, head_r = WIDTH // 2, HEIGHT * 2 // 5, WIDTH // 5
        for y in range(HEIGHT):
            for x in range(WIDTH):
                in_head = (x - cx) ** 2 + (y - head_cy) ** 2 <= head_r**2
                in_body = y > HEIGHT * 3 // 5 and abs(x - cx) < (y - HEIGHT // 2)
                colour = figure if in_head or in_body else background
                at = (y * WIDTH + x) * 3
                rgb[at : at + 3] = colour
        return Portrait(WIDTH, HEIGHT, rgb)


def load_decoder(name: str) -> PhotoDecoder:
    """The decoder named in settings: ``demo``, or ``package.module:factory``."""
    if name in ("", "demo"):
        return DemoDecoder()
    module_name, _, attr = name.partition(":")
    try:
        factory = getattr(importlib.import_module(module_name), attr or "decoder")
        decoder: PhotoDecoder = factory()
    except Exception as exc:  # a missing or broken vendor library: say so, no traceback
        raise DecoderUnavailable() from exc
    return decoder
