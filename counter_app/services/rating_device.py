"""The rating device seam (RULES E2): where the holder answers.

The workstation asks a :class:`RatingDevice` for the holder's answer when a case closes.
Two kinds plug in behind the same Protocol:

- the on-screen one (``counter_app/ui/rating.py``): large buttons on the holder-facing
  window, touch or mouse only — the clerk's keyboard never reaches it;
- a hardware 评价器 (a five-key box or a small touch panel on the counter, typically on a
  serial or USB-HID line): an adapter that implements this Protocol, shows or lights the
  prompt, reads the key pressed and calls ``on_answer`` — from its own reader thread if
  need be; the caller turns the callback into a GUI-thread event (docs/ARCHITECTURE.md "Threads").

Contract for an implementation:

1. :meth:`RatingDevice.ask` shows ``prompt`` (case number and the clerk's staff number, never
   the clerk's name on a device that lacks room) and returns at once; it must not block.
2. It calls ``on_answer`` **at most once** per ``ask`` with a :class:`RatingAnswer` whose
   ``source`` is ``"screen"`` or ``"device"``. For the two lowest levels it may collect
   reasons (态度 效率 流程 环境 其他) and a comment of at most ``COMMENT_MAX`` characters;
   a device without a keyboard sends the level alone.
3. :meth:`RatingDevice.withdraw` takes the prompt away (timeout, or the workstation closes);
   after it returns, ``on_answer`` is not called for that prompt.
4. The timeout (``settings.rating_timeout_seconds``) is the caller's: on expiry it calls
   ``withdraw`` and records 未评价 (``ratings.record_no_answer``). The device never records
   anything itself and never tells the clerk's side what was chosen.

This module imports no Qt.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from counter_app.models.case import RATING_LABELS, REASON_LABELS, RatingLevel, RatingReason
from counter_app.services.ratings import RatingAnswer


@dataclass(frozen=True)
class RatingPrompt:
    """What the holder is asked to rate."""

    case_no: str
    staff_no: str
    #: Seconds the holder has (shown as a countdown where the device can).
    timeout_s: int

    @property
    def levels(self) -> tuple[tuple[RatingLevel, str], ...]:
        """The five levels, best first, with their labels (RULES E2)."""
        return tuple((lv, RATING_LABELS[lv]) for lv in RatingLevel if lv is not RatingLevel.UNRATED)

    @property
    def reasons(self) -> tuple[tuple[RatingReason, str], ...]:
        return tuple((r, REASON_LABELS[r]) for r in RatingReason)


class RatingDevice(Protocol):
    """Where the holder answers: the holder-facing screen, or a hardware 评价器."""

    def ask(self, prompt: RatingPrompt, on_answer: Callable[[RatingAnswer], None]) -> None:
        """Show ``prompt``; call ``on_answer`` once when the holder has answered."""
        ...

    def withdraw(self) -> None:
        """Take the prompt away; no ``on_answer`` after this returns."""
        ...
