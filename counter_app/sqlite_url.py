"""Where a SQLite URL keeps its database: in memory, in a file of the machine, or behind a
URI filename (``file:…``). One reading for every part that asks — the engine (no WAL
journal for a database in memory) and the demo's chip memory (a file beside the database
file, ``demo.chips``) — so that they cannot disagree about the same URL.

Pure: parses, never opens or creates anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url


@dataclass(frozen=True)
class SqliteTarget:
    """``memory``: the database lives in memory (no name, ``:memory:``, or a URI filename
    ``file::memory:…``). ``file``: the database file as named in the URL (not resolved),
    None in memory or behind a URI filename (``file:…``, whose path SQLite reads itself)."""

    memory: bool
    file: Path | None


def sqlite_target(url: str | URL) -> SqliteTarget | None:
    """What the SQLite URL ``url`` names; None for another database."""
    parsed = make_url(url) if isinstance(url, str) else url
    if parsed.get_backend_name() != "sqlite":
        return None
    name = parsed.database or ""
    memory = name in ("", ":memory:") or name.startswith("file::memory:")
    plain = not memory and not name.startswith("file:")
    return SqliteTarget(memory=memory, file=Path(name) if plain else None)
