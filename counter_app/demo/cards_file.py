"""The demo cards of a city workstation (demo only): the fixed demo holders' card profiles
and ID card profiles in one JSON file, written by whoever fills the demo city's database
(``scripts/city``) and read by ``counter-app --demo --demo-cards FILE``.

A city workstation has no database (DEPLOYMENT.md), so it cannot read the demo cards the way
the embedded demo does (``ui.app.load_demo_cards``). The file holds what the 演示卡 and
演示身份证 panels need — the emulated chips' data, PINs of demo cards included — and nothing
of the issuer's card keys or of the database: the keyed card steps stay on counter-server.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Engine

#: Written in the file; a file of another layout is refused, not half read.
FORMAT = "counter-demo-cards/1"


class DemoCardsFileError(ValueError):
    """The demo cards file cannot be read (missing, not JSON, another layout)."""


@dataclass(frozen=True)
class DemoCards:
    #: (emulator profile, note) per fixed demo holder's card: the 演示卡 panel's rows.
    cards: list[tuple[dict[str, Any], str]]
    #: ID number -> ID card emulator profile, valid on the day the file was written.
    idcards: dict[str, dict[str, Any]]
    #: Random, new at every writing: the cards' chip memory (``chips``) belongs to one
    #: generation, so a file written again for a new demo city starts its cards fresh.
    #: Empty for a file written before there was one.
    generation: str = ""


def demo_cards_of(engine: Engine, as_of: dt.date) -> DemoCards:
    """The fixed demo holders' cards and ID cards, read from the demo database's rows (the
    chips match the records, as in the embedded demo)."""
    from counter_app.demo.accounts import FIXED_HOLDERS
    from counter_app.demo.profiles import fixed_card_profiles, fixed_idcard_profiles

    profiles = fixed_card_profiles(engine)
    cards = [(profiles[h.card_number], h.note) for h in FIXED_HOLDERS if h.card_number in profiles]
    return DemoCards(cards, fixed_idcard_profiles(engine, as_of))


def write_demo_cards_file(engine: Engine, path: Path, as_of: dt.date) -> int:
    """Write the file; returns how many cards it holds."""
    found = demo_cards_of(engine, as_of)
    data = {
        "format": FORMAT,
        "generation": secrets.token_hex(16),
        "cards": [{"profile": profile, "note": note} for profile, note in found.cards],
        "idcards": found.idcards,
    }
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return len(found.cards)


def read_demo_cards_file(path: Path) -> DemoCards:
    """The cards of a file :func:`write_demo_cards_file` wrote; :class:`DemoCardsFileError`
    with a Chinese message otherwise."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise DemoCardsFileError(f"无法读取演示卡文件 {path}：{error.strerror}") from None
    except ValueError:
        raise DemoCardsFileError(f"演示卡文件 {path} 不是有效的 JSON。") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise DemoCardsFileError(f"演示卡文件 {path} 的格式不对（应由 scripts/city 生成）。")
    try:
        cards = [(dict(c["profile"]), str(c["note"])) for c in data["cards"]]
        idcards = {str(k): dict(v) for k, v in dict(data["idcards"]).items()}
        generation = str(data.get("generation", ""))
    except (KeyError, TypeError, ValueError):
        raise DemoCardsFileError(f"演示卡文件 {path} 的内容不完整。") from None
    return DemoCards(cards, idcards, generation)
