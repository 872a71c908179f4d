"""The non-volatile memory of emulated cards: what a real chip keeps in its EEPROM when it
leaves the reader — the PIN, the counter, the application state (``CHANGEABLE_KEYS``) —
kept in one JSON file for a set of cards, so an emulator restarted on the same file finds
its cards as they were left (a PIN changed, a counter spent, an application blocked).

The file holds each card's PIN in clear, as an emulator profile does (CARD.md "Emulator
profile JSON"): it *is* the emulated chips, in the role a card's own memory plays, and only
the emulator reads it. So it is written with mode 0600, its contents never go into a log
line or an exception message (those name the file and the problem only), and it is meant
for demo and test cards only — never a holder's real card.

The file belongs to an ``owner``: an opaque string naming what the cards' state must agree
with (the demo database that records their PIN events, a generation of a demo cards file).
A file of another owner — the database was made anew — is stale: it is deleted when read
and the cards start from their profiles. Every change is written at once, atomically
(a temporary file, fsync, rename), before the card answers: a process killed right after
still remembers, and a torn file is never read. Writes merge card by card into what is on
disk, so two emulators sharing the file lose no other card's state.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from reader.emulator.card import CHANGEABLE_KEYS, EmulatedCard
from reader.emulator.files import replace_file
from reader.emulator.profile import validate_profile

log = logging.getLogger(__name__)

#: Written in the file; a file of another layout is treated as stale, not half read.
FORMAT = "counter-emulated-chips/1"


class ChipMemory:
    """The remembered state of the cards in one file, for one ``owner``.

    Thread-safe (cards answer on the card thread). Nothing here raises on a file that cannot
    be read or written: a demo card that forgets is logged as a warning, not an error that
    stops the card from answering.
    """

    def __init__(self, path: str | Path, owner: str) -> None:
        self.path = Path(path)
        self.owner = owner
        self._lock = threading.Lock()
        self._cards = self._read_own()

    def __repr__(self) -> str:  # the path only: never the PINs it holds
        return f"<ChipMemory {self.path}>"

    # -- reading -----------------------------------------------------------------------------

    def _read(self) -> tuple[str | None, dict[str, dict[str, Any]]]:
        """(owner, cards) of the file; (None, {}) when absent or not a file of ours."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None, {}
        except OSError as error:
            log.warning("emulated chip memory %s unreadable: %s", self.path, error.strerror)
            return None, {}
        try:
            data = json.loads(text)
        except ValueError:
            data = None  # the message of a JSON error quotes no content, but say nothing
        if (
            not isinstance(data, dict)
            or data.get("format") != FORMAT
            or not isinstance(data.get("owner"), str)
            or not isinstance(data.get("cards"), dict)
        ):
            log.warning("emulated chip memory %s is not in its format: ignored", self.path)
            return None, {}
        cards = {
            str(k): dict(v)
            for k, v in data["cards"].items()
            if isinstance(v, dict) and set(v) <= set(CHANGEABLE_KEYS)
        }
        return data["owner"], cards

    def _read_own(self) -> dict[str, dict[str, Any]]:
        owner, cards = self._read()
        if owner == self.owner:
            return cards
        if self.path.exists():  # another database's cards: they must not come back
            log.info("emulated chip memory %s belongs to other data: cards start fresh", self.path)
            self.forget()
        return {}

    def remembered(self, card_id_code: str) -> dict[str, Any] | None:
        """The remembered state of the card (``CHANGEABLE_KEYS``), or None."""
        with self._lock:
            state = self._cards.get(card_id_code.upper())
            return dict(state) if state is not None else None

    def recall(self, profile: Mapping[str, Any]) -> dict[str, Any]:
        """``profile`` with the remembered state of its card (by 卡识别码) in place of the
        profile's own; the profile unchanged when nothing is remembered, or when what is
        remembered does not make a valid card with it (logged, without the values)."""
        out = dict(profile)
        state = self.remembered(str(profile.get("card_id_code", "")))
        if state is None:
            return out
        merged = {**out, **state}
        if validate_profile(merged):
            log.warning(
                "emulated chip memory %s: the state kept for a card is not valid: ignored",
                self.path,
            )
            return out
        return merged

    # -- writing -----------------------------------------------------------------------------

    def card(
        self,
        profile: Mapping[str, Any],
        challenge_source: Callable[[int], bytes] | None = None,
    ) -> EmulatedCard:
        """An emulated card made from ``profile`` as this memory last knew it, remembering
        every later change here."""
        return EmulatedCard(self.recall(profile), challenge_source, on_change=self.remember)

    def remember(self, card: EmulatedCard) -> None:
        """Keep the card's changeable state: merged into the file as it is on disk now,
        written atomically with mode 0600. A failure is logged (file and reason only)."""
        with self._lock:
            self._cards[card.card_id_code] = card.changeable_state()
            owner, on_disk = self._read()
            cards = on_disk if owner == self.owner else {}
            cards[card.card_id_code] = self._cards[card.card_id_code]
            self._cards.update(cards)
            data = {"format": FORMAT, "owner": self.owner, "cards": cards}
            try:
                text = json.dumps(data, indent=1, sort_keys=True) + "\n"
                replace_file(self.path, text, sync=True)
            except OSError as error:
                log.warning(
                    "emulated chip memory %s not written (%s): the card forgets at restart",
                    self.path,
                    error.strerror or type(error).__name__,
                )

    def forget(self) -> None:
        """Delete the file and what is remembered: every card starts from its profile."""
        with self._lock:
            self._cards = {}
            try:
                self.path.unlink()
            except FileNotFoundError:
                pass
            except OSError as error:
                log.warning("emulated chip memory %s not deleted: %s", self.path, error.strerror)
