"""The pause between two finds of a wait for the ID card (``PlacementWait(pause=…)``) on a
fake clock: the tests of the wait never sleep, and act at a chosen pause as the holder or
the clerk would (place the card, cancel)."""

from __future__ import annotations

from collections.abc import Callable


class FakePause:
    """Counts the pauses; ``at(n, action)`` runs ``action`` in the ``n``-th one."""

    def __init__(self) -> None:
        self.slept: list[float] = []
        self.actions: dict[int, list[Callable[[], object]]] = {}

    def at(self, n: int, action: Callable[[], object]) -> None:
        self.actions.setdefault(n, []).append(action)

    def __call__(self, seconds: float) -> None:
        self.slept.append(seconds)
        for action in self.actions.get(len(self.slept), []):
            action()
