"""The demo cards remember what happened to them: the emulated chips' memory
(``reader.emulator.chipmemory``) kept beside the demo data, tied to it.

A holder who changes a demo card's PIN, or blocks it with wrong PINs, finds it so after the
demo restarts — as the database's records, audit and PIN events say. The memory is a file
beside what the cards come from, named after it (``demo.sqlite3`` → ``demo.sqlite3-chips.json``;
``demo-cards.json`` → ``demo-cards.json-chips.json``) and owned by it:

- a demo SQLite database carries a random identity in its header's ``user_version`` (a
  number SQLite leaves to the application; neither alembic nor SQLAlchemy uses it), set
  anew when the demo data is filled (:func:`renew_database_identity`) and on first use of
  a database that has none. A new database — the file deleted and made again — has another
  identity, so the old cards' state is dropped and the cards start as the new records say.
  Other databases (PostgreSQL behind a demo) have no file beside them: their demo cards
  start from the records at each start, as before.
- a demo cards file (``cards_file``) carries a random ``generation`` written with it; a file
  written again (a new demo city) starts its cards fresh.

The memory file holds the demo cards' PINs, as the cards themselves do (see the reader
module); it is the emulated chips, never read by anything but the emulator.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import SQLAlchemyError

from counter_app.sqlite_url import sqlite_target
from reader.emulator.card import CHANGEABLE_KEYS
from reader.emulator.chipmemory import ChipMemory

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from counter_app.demo.cards_file import DemoCards

log = logging.getLogger(__name__)

CHIPS_SUFFIX = "-chips.json"

#: (emulator profile, note) of one demo card, as the 演示卡 panel lists them.
DemoCard = tuple[dict[str, Any], str]

#: Added to the note of a card whose chip kept a state from an earlier demo run: the note
#: itself tells the state the demo data starts with (初始密码 123456, …).
KEPT_NOTE = "（以上为演示初始状态；此卡保留了上次演示后的密码和状态）"


def chips_path(beside: Path) -> Path:
    """The chip memory file that belongs to the file ``beside``."""
    return beside.with_name(beside.name + CHIPS_SUFFIX)


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL; None for another database, an in-memory one, or one behind
    a URI filename (``file:…``)."""
    target = sqlite_target(url)
    if target is None or target.file is None:
        return None
    return target.file.resolve()


def _new_identity() -> int:
    return secrets.randbits(31) | 1  # positive, never 0 (0: no identity yet)


def renew_database_identity(engine: Engine) -> None:
    """Give the SQLite database behind ``engine`` a new random identity: whatever chip
    memory lies beside it no longer belongs to it. Nothing for another database."""
    if engine.dialect.name != "sqlite":
        return
    with engine.begin() as conn:
        conn.exec_driver_sql(f"PRAGMA user_version = {_new_identity()}")


def database_identity(engine: Engine) -> str | None:
    """The identity of the SQLite database behind ``engine`` (given one when it has none);
    None for another database."""
    if engine.dialect.name != "sqlite":
        return None
    with engine.begin() as conn:
        number = int(conn.exec_driver_sql("PRAGMA user_version").scalar_one())
        if number == 0:
            number = _new_identity()
            conn.exec_driver_sql(f"PRAGMA user_version = {number}")
    return f"sqlite-user-version:{number}"


def database_chips(url: str, engine: Engine) -> ChipMemory | None:
    """The chip memory of the demo database at ``url`` (``engine`` open on it); None when
    the database is not a SQLite file, or its identity cannot be read or given (the cards
    then start from the records, as a demo without a memory does)."""
    path = sqlite_file(url)
    if path is None:
        return None
    try:
        owner = database_identity(engine)
    except SQLAlchemyError as error:  # the engine hides bound values; the class says enough
        log.warning(
            "demo database identity unavailable (%s): cards start fresh", type(error).__name__
        )
        return None
    return None if owner is None else ChipMemory(chips_path(path), owner)


def recalled(cards: Sequence[DemoCard], memory: ChipMemory | None) -> list[DemoCard]:
    """The cards with the state their chips remember (the note says so when it differs
    from the records' starting state)."""
    if memory is None:
        return [(dict(p), n) for p, n in cards]
    out: list[DemoCard] = []
    for profile, note in cards:
        now = memory.recall(profile)
        kept = any(now.get(k) != profile.get(k) for k in CHANGEABLE_KEYS)
        out.append((now, note + KEPT_NOTE if kept else note))
    return out


def load_database_cards(url: str) -> tuple[list[DemoCard], ChipMemory | None]:
    """The fixed demo holders' cards (``accounts.FIXED_HOLDERS``, with their notes) of the
    demo database at ``url``: read from its rows, as their chips remember them; and the
    memory that keeps them (None when the database is not a SQLite file)."""
    from counter_app.db import create_engine_for
    from counter_app.demo.accounts import FIXED_HOLDERS
    from counter_app.demo.profiles import fixed_card_profiles

    engine = create_engine_for(url)
    try:
        profiles = fixed_card_profiles(engine)
        memory = database_chips(url, engine)
    finally:
        engine.dispose()
    cards = [(profiles[h.card_number], h.note) for h in FIXED_HOLDERS if h.card_number in profiles]
    return recalled(cards, memory), memory


def cards_file_owner(path: Path, found: DemoCards) -> str:
    """The owner of a demo cards file's chip memory: the generation written in it, or (a
    file written before there was one) a digest of its bytes."""
    if found.generation:
        return f"demo-cards:{found.generation}"
    return "demo-cards-sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


def load_file_cards(path: Path) -> tuple[DemoCards, ChipMemory]:
    """A demo cards file (``cards_file``, ``--demo-cards``) with its cards as their chips
    remember them, and the memory beside the file that keeps them."""
    from dataclasses import replace

    from counter_app.demo.cards_file import read_demo_cards_file

    found = read_demo_cards_file(path)
    memory = ChipMemory(chips_path(path.resolve()), cards_file_owner(path, found))
    return replace(found, cards=recalled(found.cards, memory)), memory
