"""Writing an emulated card's state to disk: the whole file replaced at once, so a reader
(or the next start) never sees half of it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def replace_file(path: Path, text: str, *, sync: bool = False) -> None:
    """Replace ``path`` with ``text`` atomically (a temporary file beside it, renamed over
    it). The file is readable and writable by its owner only (``mkstemp``'s 0600).
    ``sync``: flushed to the disk before the rename, for state that must survive a power
    cut, not only a killed process."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            if sync:
                out.flush()
                os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
