"""The photo seam (IDCARD.md "The photo"), the emulator profile loader, and opening a port
at 115200 then 9600 baud (IDCARD.md "Transport")."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reader.idcard import client as client_module
from reader.idcard import errors as e
from reader.idcard.client import open_reader
from reader.idcard.frames import response_frame
from reader.idcard.photo import (
    PHOTO_LEN,
    DecoderUnavailable,
    DemoDecoder,
    PhotoDecodeError,
    demo_photo,
    load_decoder,
)
from reader.idcard.profile import ProfileError, load_profile

from .idkit import RESIDENT, ScriptedSerial


def test_demo_photo_is_deterministic_per_number() -> None:
    a, b = demo_photo("500103196803150310"), demo_photo("500103196803150310")
    assert a == b and len(a) == PHOTO_LEN
    assert demo_photo("500106197508220420") != a


def test_demo_decoder_gives_a_portrait_and_wipes_it() -> None:
    portrait = DemoDecoder().decode(bytearray(demo_photo("500103196803150310")))
    assert (portrait.width, portrait.height) == (102, 126)
    assert len(set(portrait.rgb)) > 1  # a figure on a background, not a blank
    buffer = portrait.rgb
    portrait.wipe()
    assert len(buffer) == 0


def test_demo_decoder_refuses_what_is_not_its_pattern() -> None:
    with pytest.raises(PhotoDecodeError):
        DemoDecoder().decode(b"WLf" + bytes(PHOTO_LEN - 3))


def test_load_decoder() -> None:
    assert isinstance(load_decoder("demo"), DemoDecoder)
    with pytest.raises(DecoderUnavailable) as err:
        load_decoder("no_such_vendor_lib:decoder")
    assert "idcard_decoder" in str(err.value)


def test_profile_loader(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(
        json.dumps({**RESIDENT, "birth": "1968-03-15"}, ensure_ascii=False), encoding="utf-8"
    )
    p = load_profile(path)
    assert p.values["birth"] == "19680315" and p.present
    assert p.sam_id.hex() == "0500010090b7320139300000d2029649"


@pytest.mark.parametrize(
    "change",
    [
        {"kind": "passport"},
        {"birth": "1968"},
        {"id_number": ""},
        {"sam_id": "12"},
        {"name": "很长" * 10},
    ],
)
def test_bad_profiles_say_which_entry(tmp_path: Path, change: dict[str, Any]) -> None:
    path = tmp_path / "p.json"
    path.write_text(json.dumps({**RESIDENT, **change}, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ProfileError):
        load_profile(path)


def test_falls_back_to_9600_baud(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[int] = []

    def fake_open(path: str, baudrate: int) -> ScriptedSerial:
        opened.append(baudrate)
        # at 115200 the reader only sends line noise; at 9600 it answers
        return ScriptedSerial([b"\x13\x37"] if baudrate == 115200 else [response_frame(0x90)])

    monkeypatch.setattr(client_module, "_open_serial", fake_open)
    client = open_reader("/dev/ttyUSB0", timeout=0.05)
    assert opened == [115200, 9600] and client.baudrate == 9600


def test_no_answer_at_either_rate(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(client_module, "_open_serial", lambda path, baudrate: ScriptedSerial([]))
    with pytest.raises(e.IdReaderNotFound):
        open_reader("/dev/ttyUSB0", timeout=0.05)
