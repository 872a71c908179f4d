"""One ID card reader for the GUI tests: the emulator on a real pseudo-terminal
(IDCARD.md) with 王建国's resident ID card, and the workstation's ``IdCardStation`` on it.

The fixtures ``pty_id_station`` (王建国's card) and ``station`` (tests/gui/conftest.py) are
stations made by :func:`emulated_station`.
"""

from __future__ import annotations

from collections.abc import Iterator

from counter_app.ui.id_reader import IdCardStation
from reader.idcard.emulator import PtyIdReader
from reader.idcard.profile import DEMO_SAM_ID

SSN = "500103196803150310"
CARD = {
    "kind": "resident",
    "name": "王建国",
    "gender": "1",
    "nation": "01",
    "birth": "19680315",
    "address": "重庆市渝中区民族路188号",
    "id_number": SSN,
    "authority": "重庆市公安局渝中区分局",
    "valid_from": "20160104",
    "valid_to": "长期",
}


def emulated_station(
    cards: dict[str, dict[str, str]] | None = None, polls: int = 2
) -> Iterator[IdCardStation]:
    """A station on a started emulator holding ``cards`` (default: 王建国's), closed after."""
    profiles = cards if cards is not None else {SSN: CARD}
    emulator = PtyIdReader(None, sam_id=bytes.fromhex(DEMO_SAM_ID))
    made = IdCardStation(
        emulator.start(), "demo", emulator=emulator, demo_profiles=lambda: profiles, polls=polls
    )
    yield made
    made.close()
