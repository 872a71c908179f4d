"""Waiting for the holder to place the ID card (IDCARD.md: the reader announces nothing
when a card is placed; find card is asked again every interval until one is found).

A :class:`PlacementWait` is one such wait, shared by two threads: the one that polls the
reader (it reports how many finds are left, and pauses between them) and the clerk's,
which may cancel it at any moment. Cancelling only sets an event: the polling thread sees
it before its next find and its pause ends at once, so no command to the reader is cut off
half-way and whoever holds the reader lets it go. Nothing here talks to the reader itself
(``IdCardClient.read_when_placed`` does) and nothing here logs.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable

from reader.idcard.errors import NoIdCard

#: Between two finds while waiting for the card (IDCARD.md: the reader answers within 1 s).
POLL_INTERVAL = 0.3


def wait_seconds(polls: int, interval: float) -> int:
    """How long ``polls`` finds ``interval`` apart wait, in whole seconds."""
    return math.ceil(max(0, polls) * interval - 1e-9)


class IdCardNotPlaced(NoIdCard):
    """The wait ran out with no card on the reader (``80`` to every find); ``seconds``:
    how long it waited."""

    message = "等待期间阅读器上没有身份证。请将身份证放在阅读器上，再点击“读取身份证”。"

    def __init__(self, message: str | None = None, seconds: int = 0) -> None:
        super().__init__(message)
        self.seconds = seconds


class IdCardWaitCancelled(NoIdCard):
    """The wait was stopped before a card was found (the clerk's 取消, the window closed)."""

    message = "已取消读取身份证。需要时请将身份证放在阅读器上，再点击“读取身份证”。"


class PlacementWait:
    """One wait for a card: at most ``polls`` finds, ``interval`` seconds apart.

    Thread-safe: :meth:`cancel` may be called from any thread, any number of times;
    :meth:`polled` and :meth:`pause` are the polling thread's. ``pause`` replaces the
    real pause (a test's fake clock); a cancel then ends the wait at the next find."""

    def __init__(
        self,
        polls: int,
        interval: float = POLL_INTERVAL,
        *,
        pause: Callable[[float], object] | None = None,
    ) -> None:
        self.polls = max(1, polls)
        self.interval = interval
        self._stopped = threading.Event()
        self._pause = pause
        # Written by the polling thread only; an int is read whole by any other.
        self._left = self.polls

    # -- the clerk's side (any thread) ---------------------------------------------------

    def cancel(self) -> None:
        """Stop the wait: no new find is sent, a pause ends now."""
        self._stopped.set()

    def cancelled(self) -> bool:
        return self._stopped.is_set()

    def total_seconds(self) -> int:
        """How long the whole wait lasts, in whole seconds (for the clerk's message)."""
        return wait_seconds(self.polls, self.interval)

    def seconds_left(self) -> int:
        """Whole seconds of finds still to come (the clerk's count-down)."""
        return wait_seconds(self._left, self.interval)

    # -- the polling thread --------------------------------------------------------------

    def polled(self, left: int) -> None:
        """A find found no card; ``left`` finds remain."""
        self._left = max(0, left)

    def pause(self, seconds: float) -> None:
        """The pause between two finds; returns at once once cancelled."""
        if self._pause is not None:
            self._pause(seconds)
        else:
            self._stopped.wait(seconds)
