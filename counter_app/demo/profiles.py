"""Emulator profile JSON (CARD.md "Interchange formats") for every demo card, written from
the database rows so the card side always matches the database."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, bindparam, text

_QUERY = text(
    "SELECT c.id, c.card_number, c.card_id_code, c.card_type, c.spec_version, c.init_org, "
    "c.issue_date, c.expiry_date, h.ssn, h.name, h.gender, h.ethnicity, h.birthplace, "
    "h.birth_date FROM cards c JOIN holders h ON h.id = c.holder_id ORDER BY c.id"
)


def profile(row: Mapping[Any, Any], chip: tuple[str, int, str], tries_max: int = 3
            ) -> dict[str, Any]:
    """The profile dict of one card row (cards joined with holders) and its chip state."""
    pin, tries_left, app_state = chip
    return {
        "card_number": row["card_number"],
        "card_id_code": row["card_id_code"],
        "card_type": row["card_type"],
        "spec_version": row["spec_version"],
        "init_org": row["init_org"],
        "issue_date": str(row["issue_date"]),
        "expiry_date": str(row["expiry_date"]),
        "ssn": row["ssn"],
        "name": row["name"],
        "gender": row["gender"],
        "ethnicity": row["ethnicity"],
        "birthplace": row["birthplace"],
        "birth_date": str(row["birth_date"]),
        "pin": pin,
        "pin_tries_max": tries_max,
        "pin_tries_left": tries_left,
        "app_state": app_state,
    }


def profile_path(directory: Path, card_number: str) -> Path:
    return directory / f"{card_number}.json"


def write_profiles(engine: Engine, directory: Path,
                   chips: Mapping[int, tuple[str, int, str]]) -> int:
    """Write ``<card_number>.json`` for every card; returns how many were written."""
    directory.mkdir(parents=True, exist_ok=True)
    count = 0
    with engine.connect() as conn:
        for row in conn.execute(_QUERY).mappings():
            chip = chips.get(row["id"], ("123456", 3, "ok"))
            data = profile(row, chip)
            text_ = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)
            profile_path(directory, row["card_number"]).write_text(text_ + "\n",
                                                                  encoding="utf-8")
            count += 1
    return count


def fixed_card_profiles(engine: Engine) -> dict[str, dict[str, Any]]:
    """Emulator profiles of the fixed demo holders' cards (``accounts.FIXED_HOLDERS``), keyed
    by card number in that order, read from the database rows so the chips match the
    records. Only those cards are read; nothing is written anywhere (the demo-cards panel
    needs a dozen profiles, not one file per card of the city)."""
    from counter_app.demo.accounts import FIXED_HOLDERS

    chips = {h.card_number: (h.pin, h.pin_tries_left, h.app_state) for h in FIXED_HOLDERS}
    query = text(
        _QUERY.text.replace(" ORDER BY c.id", " WHERE c.card_number IN :numbers ORDER BY c.id")
    ).bindparams(bindparam("numbers", expanding=True))
    found: dict[str, dict[str, Any]] = {}
    with engine.connect() as conn:
        for row in conn.execute(query, {"numbers": list(chips)}).mappings():
            found[row["card_number"]] = profile(row, chips[row["card_number"]])
    return {h.card_number: found[h.card_number] for h in FIXED_HOLDERS if h.card_number in found}
