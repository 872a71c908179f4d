"""Focus phases of ``scripts/load --focus view,written_loss``: one action alone, then its
raw-driver baseline alone, with CPU accounted on both sides.

In the mix every worker does every action, so the mix's throughput ratio is one figure for
the whole mix. A focus phase runs **one** action for ``--seconds`` in every worker (through
the services), then the same workers replay that action's captured statements through
psycopg for ``--seconds`` (reads as sent, writes as plain ``INSERT``s, the same commits).
Each side reports per action:

- throughput and p50/p99 (wall time, all workers together);
- ``client_cpu_ms``: the worker process's CPU per action (``time.process_time``) — the
  workstation's own PC in a city, one core per window;
- ``db_cpu_ms``: the PostgreSQL server's CPU per action: the workers' own backends, read
  from ``/proc`` by the orchestrator around the phase (not the lock sampler's queries nor
  the server's background processes) — the resource every window of the city shares.

``view`` rotates through every category of one open holder session (the baseline replays
each category's statements as captured, in the same rotation); ``written_loss`` registers
written reports on the worker's own active cards, one per card, and stops early when they
run out (``exhausted``; give ``--holders-per-worker`` enough cards).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

FOCUSABLE = ("view", "written_loss")

Op = tuple[str, str, Any]


# ----------------------------------------------------------------- the database server's CPU


def backend_cpu(conninfo: str, pids: list[int] | None = None) -> dict[int, float]:
    """CPU seconds used so far by each server backend of the load's workstations (their
    ``application_name`` starts with ``load-``; or the given ``pids``), read from
    ``/proc``: the database's work on their behalf, without the lock sampler's queries or
    the server's background processes. A backend that has exited is left out."""
    if pids is None:
        import psycopg

        with psycopg.connect(conninfo, autocommit=True) as conn:
            pids = [
                int(r[0])
                for r in conn.execute(
                    "SELECT pid FROM pg_stat_activity WHERE application_name LIKE 'load-%'"
                )
            ]
    tick = os.sysconf("SC_CLK_TCK")
    seconds: dict[int, float] = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds[pid] = (int(fields[11]) + int(fields[12])) / tick  # utime + stime
    return seconds


def cpu_between(before: dict[int, float], after: dict[int, float]) -> float | None:
    """CPU seconds the backends of ``before`` used until ``after`` (None: none readable,
    e.g. a server on another machine)."""
    common = [pid for pid in before if pid in after]
    return sum(after[pid] - before[pid] for pid in common) if common else None


# ------------------------------------------------------------------------- the worker side


class Focus:
    """The worker's side of the focus phases; built by ``load_worker`` with its closures."""

    def __init__(
        self,
        *,
        run_view: Callable[[Any, str], None],
        open_session: Callable[[Any], Any],
        end_session: Callable[[Any], None],
        register: Callable[[Any], None],
        active: Callable[[], list[Any]],
        anyone: Callable[[], Any],
        capture: Callable[[str, Callable[[], Any]], list[Op]],
        replay: Callable[[list[Op]], None],
        categories: list[str],
    ) -> None:
        self.run_view = run_view
        self.open_session = open_session
        self.end_session = end_session
        self.register = register
        self.active = active
        self.anyone = anyone
        self.capture = capture
        self.replay = replay
        self.categories = categories

    def run(self, action: str, seconds: float, barrier: Any) -> dict[str, Any]:
        """One focus phase: services, then baseline, each between two barriers."""
        if action == "view":
            return self._view(seconds, barrier)
        return self._written(seconds, barrier)

    def _view(self, seconds: float, barrier: Any) -> dict[str, Any]:
        session = self.open_session(self.anyone())
        try:
            ops = {
                c: self.capture("view", lambda c=c: self.run_view(session, c))
                for c in self.categories
            }
            ours = _loop(
                seconds,
                barrier,
                lambda i: self.run_view(session, self.categories[i % len(self.categories)]),
            )
        finally:
            self.end_session(session)
        raw = _loop(
            seconds, barrier, lambda i: self.replay(ops[self.categories[i % len(self.categories)]])
        )
        return {"service": ours, "baseline": raw}

    def _written(self, seconds: float, barrier: Any) -> dict[str, Any]:
        cards = self.active()
        first = cards.pop()
        ops = self.capture("written_loss", lambda: self.register(first))
        exhausted = [False]

        def one(_i: int) -> bool:
            if not cards:
                exhausted[0] = True
                return False
            self.register(cards.pop())
            return True

        ours = _loop(seconds, barrier, one)
        ours["exhausted"] = exhausted[0]
        raw = _loop(seconds, barrier, lambda _i: self.replay(ops))
        return {"service": ours, "baseline": raw}


def _loop(seconds: float, barrier: Any, step: Callable[[int], Any]) -> dict[str, Any]:
    """``step(i)`` for ``seconds`` between two barriers; its latencies, errors and CPU."""
    latencies: list[float] = []
    errors = 0
    barrier.wait(timeout=600)
    cpu0 = time.process_time()
    until = time.perf_counter() + seconds
    i = 0
    while time.perf_counter() < until:
        start = time.perf_counter()
        try:
            if step(i) is False:
                break
        except Exception:
            errors += 1
        else:
            latencies.append((time.perf_counter() - start) * 1000)
        i += 1
    cpu = time.process_time() - cpu0
    barrier.wait(timeout=600)
    return {"latencies": latencies, "errors": errors, "cpu_s": cpu}


FOCUS_COLUMNS = (
    ("workers", "workers"),
    ("latency_ms", "latency ms"),
    ("action", "action"),
    ("statements", "stmts"),
    ("throughput", "/s"),
    ("p50_ms", "p50 ms"),
    ("p99_ms", "p99 ms"),
    ("baseline_throughput", "raw /s"),
    ("baseline_p99_ms", "raw p99 ms"),
    ("throughput_ratio", "throughput ratio"),
    ("p99_ratio", "p99 ratio"),
    ("client_cpu_ms", "client CPU ms"),
    ("baseline_client_cpu_ms", "raw client CPU ms"),
    ("db_cpu_ms", "DB CPU ms"),
    ("baseline_db_cpu_ms", "raw DB CPU ms"),
    ("db_cpu_ratio", "DB CPU ratio"),
    ("shared_lock_waits", "shared lock waits"),
    ("exhausted_workers", "out of cards"),
)


def focus_table(rows: list[dict[str, Any]], markdown: bool = False) -> str:
    """The focus rows as a table (plain, or Markdown for docs/BENCHMARKS.md)."""
    sep = " | "
    head = sep.join(label for _key, label in FOCUS_COLUMNS)
    lines = [f"| {head} |" if markdown else "focus: " + head]
    if markdown:
        lines.append("|" + "---:|" * len(FOCUS_COLUMNS))
    for r in rows:
        line = sep.join(str(r.get(key, "-")) for key, _label in FOCUS_COLUMNS)
        lines.append(f"| {line} |" if markdown else line)
    return "\n".join(lines)
