"""``scripts/load`` (docs/BENCHMARKS.md "City load") runs from a checkout and its JSON is
what docs/SCALING.md reads: a tiny run — 2 workstations, half a second per phase, the
focus phases and a small filled audit trail — on a real PostgreSQL. The figures themselves
are the benchmark's, not asserted here (no wall-clock limits in tests); what is asserted
holds at any speed: every action has its service and raw-driver figures, no workstation
waited on a row or relation shared with another office, and the checks afterwards found no
duplicate report, no serial gap and an unbroken audit trail."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
ACTIONS = {"session", "overview", "view", "search", "pin_change", "written_loss", "session_end"}


@pytest.mark.postgres
def test_a_tiny_load_run_reports_every_figure_and_clean_checks(
    pg_server: Any, tmp_path: Path
) -> None:
    url = pg_server.create_database()
    out = tmp_path / "load.json"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "load_run.py"),
            "--workers",
            "2",
            "--seconds",
            "0.5",
            "--holders-per-worker",
            "12",
            "--fill",
            "200",
            "--fill-audit",
            "1500",
            "--focus",
            "view,written_loss",
            "--pg-url",
            url,
            "--json",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "Traceback" not in done.stdout + done.stderr
    report = json.loads(out.read_text())
    runs = report["runs"]
    mix = [r for r in runs if "phase" not in r]
    focus = [r for r in runs if "phase" in r]
    assert ACTIONS <= {r["action"] for r in mix}, sorted({r["action"] for r in mix})
    for run in runs:
        assert run["workers"] == 2 and run["latency_ms"] == 0
        for key in ("throughput", "p50_ms", "p99_ms", "baseline_throughput", "baseline_p99_ms"):
            assert isinstance(run[key], int | float) and run[key] >= 0, (run["action"], key)
        assert run["statements"] >= 1
        assert run["shared_lock_waits"] == 0, run["lock_waits"]
    assert {r["action"] for r in focus} == {"view", "written_loss"}
    for run in focus:  # the action alone: CPU per action on both sides, where it goes
        for key in ("client_cpu_ms", "baseline_client_cpu_ms", "db_cpu_ms", "baseline_db_cpu_ms"):
            assert run[key] > 0, (run["action"], key)
    view = next(r for r in mix if r["action"] == "view")
    assert view["count"] > 0 and view["baseline_count"] > 0
    checks = report["checks"]
    assert checks["duplicate_active_reports"] == 0
    assert checks["duplicate_or_missing_serials"] == 0
    assert checks["audit_verify_ok"] is True and checks["audit_breaks"] == []
    assert report["history"]["events"] == 1500
    assert checks["audit_events"] > 1500  # the filled trail and the run's own events
    pg_server.drop_database(url)
