"""The "nothing lost" soak (RELIABILITY.md, faults), about a minute of it.

``scripts/soak.py`` starts a dedicated throwaway PostgreSQL, five workstations as separate
processes (each its own engine and pool) doing random written loss reports, lifts,
replacement applications, PIN changes on emulated cards and record views, with idempotency
keys and retries after a pause; a chaos loop terminates the workers' backends a few times
a second and restarts the server once. Afterwards every operation a workstation journaled
as acknowledged is in the database exactly once, the invariants hold and the audit chain
verifies. ``scripts/soak.py --minutes N`` is the long run.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.pgserver import find_bindir

ROOT = Path(__file__).resolve().parents[2]
SECONDS = 50
WORKERS = 5

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(240)]


def test_nothing_acknowledged_is_lost_under_backend_kills_and_a_restart(
    tmp_path: Path, report_line: Callable[[str], None]
) -> None:
    if find_bindir() is None:
        pytest.skip("PostgreSQL server binaries not found")
    out = tmp_path / "soak.json"
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "soak.py"),
            "--seconds",
            str(SECONDS),
            "--workers",
            str(WORKERS),
            "--json",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=220,
    )
    assert out.exists(), proc.stderr[-4000:]
    summary = json.loads(out.read_text())
    assert summary["problems"] == [], summary["problems"][:20]
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert summary["acknowledged"] == summary["journal_acknowledged"]
    assert summary["acknowledged"] >= 100
    assert set(summary["acknowledged_by_op"]) == {"written", "lift", "replace", "change", "view"}
    assert summary["chain_ok"]
    assert summary["restarts"] == 1
    assert summary["kills"] >= SECONDS  # about two a second
    assert summary["retries"] > 0
    assert summary["simulated_lost_ack"] > 0
    assert summary["already_done_on_retry"] == summary["simulated_lost_ack"]
    raw = {k: v for k, v in summary["errors"].items() if k.startswith("raw ")}
    # Every PIN change the card made is in the history, as done or as pending (written
    # ahead); every database failure reached the caller as DatabaseUnavailable.
    assert summary["pin_changes_missing_from_history"] == 0
    assert sum(raw.values()) == 0, raw
    report_line(
        f"soak: {WORKERS} workstations x {SECONDS} s on PostgreSQL: {summary['operations']} "
        f"operations, {summary['acknowledged']} acknowledged ({summary['acknowledged_by_op']}), "
        f"all present exactly once; {summary['kills']} backends killed, {summary['restarts']} "
        f"server restart ({summary['restart_s']} s), {summary['retries']} retries"
        f"; {summary['simulated_lost_ack']} answers dropped and resent with the same key, "
        f"{summary['already_done_on_retry']} answered already-done with the same serial; "
        f"{summary['committed_without_ack']} committed without acknowledgement, "
        f"{summary['audit_events']} audit events chain ok; "
        f"PIN changes the card made while the database went away: "
        f"{summary['pin_changes_card_only']} (all in the history as pending, "
        f"{summary['pin_changes_missing_from_history']} missing); "
        f"raw database errors not turned into DatabaseUnavailable: {sum(raw.values())}"
    )
    print(json.dumps(summary, ensure_ascii=False, indent=1))
