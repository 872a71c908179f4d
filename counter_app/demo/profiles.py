"""Emulator profile JSON (CARD.md "Interchange formats") for every demo card, and the ID
card profile (IDCARD.md "Emulator profile (JSON)") of every demo holder, written from the
database rows so the cards always match the database and each other."""

from __future__ import annotations

import datetime as dt
import hashlib
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


def profile(
    row: Mapping[Any, Any], chip: tuple[str, int, str], tries_max: int = 3
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


def write_profiles(
    engine: Engine, directory: Path, chips: Mapping[int, tuple[str, int, str]]
) -> int:
    """Write ``<card_number>.json`` for every card; returns how many were written."""
    directory.mkdir(parents=True, exist_ok=True)
    count = 0
    with engine.connect() as conn:
        for row in conn.execute(_QUERY).mappings():
            chip = chips.get(row["id"], ("123456", 3, "ok"))
            data = profile(row, chip)
            text_ = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)
            profile_path(directory, row["card_number"]).write_text(text_ + "\n", encoding="utf-8")
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


# --- resident ID card profiles (IDCARD.md "Emulator profile (JSON)") ----------------------

_HOLDERS = text(
    "SELECT h.ssn, h.name, h.gender, h.ethnicity, h.birth_date, h.household_district, "
    "h.address FROM holders h ORDER BY h.id"
)


def _years(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _plus_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _validity(ssn: str, born: dt.date, as_of: dt.date) -> tuple[dt.date, dt.date | None]:
    """A card issued on a day derived from the number, valid on ``as_of``, for the period
    the Resident Identity Card Law gives the age at issue: under 16 five years, 16–25 ten,
    26–45 twenty, over 45 long-term (``None``)."""
    seed = int(hashlib.sha256(ssn.encode()).hexdigest()[:8], 16)
    issued = max(born, as_of - dt.timedelta(days=30 + seed % (19 * 365)))
    for _ in range(3):  # a later issue day (older holder) never shortens the period
        age = _years(born, issued)
        years = 5 if age < 16 else 10 if age < 26 else 20 if age < 46 else 0
        if years == 0:
            return issued, None
        if _plus_years(issued, years) >= as_of:
            break
        # expired by as_of: the holder renewed it within the last period
        issued = max(born, as_of - dt.timedelta(days=30 + seed % max(1, 365 * years - 60)))
    return issued, _plus_years(issued, years)


def _authority(district: str) -> str:
    from counter_app.validation.regions import district_name

    name = district_name(district)
    if name is None:
        return "重庆市公安局"
    return f"重庆市公安局{name}分局" if name.endswith("区") else f"{name}公安局"


def idcard_profile(row: Mapping[Any, Any], as_of: dt.date) -> dict[str, Any]:
    """The ID card emulator profile of one holder row: the same name, gender, nation,
    birth date and number as the database (and so as the social security card profile)."""
    from reader.idcard.profile import DEMO_SAM_ID

    born = row["birth_date"]
    if isinstance(born, str):
        born = dt.date.fromisoformat(born)
    issued, until = _validity(row["ssn"], born, as_of)
    address = (row["address"] or "重庆市")[:35]
    return {
        "kind": "resident",
        "name": row["name"],
        "gender": row["gender"],
        "nation": row["ethnicity"],
        "birth": born.strftime("%Y%m%d"),
        "address": address,
        "id_number": row["ssn"],
        "authority": _authority(row["household_district"]),
        "valid_from": issued.strftime("%Y%m%d"),
        "valid_to": "长期" if until is None else until.strftime("%Y%m%d"),
        "sam_id": DEMO_SAM_ID,
        "present": True,
    }


def idcard_profile_path(directory: Path, id_number: str) -> Path:
    return directory / f"idcard-{id_number}.json"


def write_idcard_profiles(engine: Engine, directory: Path, as_of: dt.date) -> int:
    """Write ``idcard-<ID number>.json`` for every holder; returns how many were written."""
    directory.mkdir(parents=True, exist_ok=True)
    count = 0
    with engine.connect() as conn:
        for row in conn.execute(_HOLDERS).mappings():
            data = idcard_profile(row, as_of)
            idcard_profile_path(directory, row["ssn"]).write_text(
                json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                encoding="utf-8",
            )
            count += 1
    return count


def fixed_idcard_profiles(engine: Engine, as_of: dt.date) -> dict[str, dict[str, Any]]:
    """ID card profiles of the fixed demo holders (``accounts.FIXED_HOLDERS``), keyed by ID
    number in that order, from the database rows — for the demo panel's ID card reader
    (``reader.idcard.emulator.PtyIdReader``); nothing is written anywhere."""
    from counter_app.demo.accounts import FIXED_HOLDERS

    numbers = [h.ssn for h in FIXED_HOLDERS]
    query = text(
        _HOLDERS.text.replace(" ORDER BY h.id", " WHERE h.ssn IN :numbers ORDER BY h.id")
    ).bindparams(bindparam("numbers", expanding=True))
    with engine.connect() as conn:
        found = {
            row["ssn"]: idcard_profile(row, as_of)
            for row in conn.execute(query, {"numbers": numbers}).mappings()
        }
    return {n: found[n] for n in numbers if n in found}


def todays_idcard_profiles(url: str) -> dict[str, dict[str, Any]]:
    """:func:`fixed_idcard_profiles` of the demo database at ``url``, valid as of today
    (Asia/Shanghai) — what the demo's ID card reader is given when the clerk places a card."""
    from counter_app.db import create_engine_for
    from counter_app.services.idcheck import shanghai_today

    engine = create_engine_for(url)
    try:
        return fixed_idcard_profiles(engine, shanghai_today(dt.datetime.now(dt.UTC)))
    finally:
        engine.dispose()
