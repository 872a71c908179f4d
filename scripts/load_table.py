#!/usr/bin/env python3
"""Markdown tables from ``scripts/load --json`` files (for docs/BENCHMARKS.md).

.venv/bin/python scripts/load_table.py bench-results/load.json [more.json …]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from load_focus import focus_table

ACTIONS = (
    "view",
    "overview",
    "search",
    "session",
    "written_loss",
    "pin_change",
    "lift",
    "session_end",
)


def table(path: Path) -> str:
    data = json.loads(path.read_text())
    out = [
        "| workers | latency ms | action | stmts | /s | p50 ms | p99 ms | raw /s | raw p99 ms "
        "| throughput ratio | p99 ratio | shared lock waits |",
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    focus = [r for r in data["runs"] if r.get("phase") == "focus"]
    rows = sorted(
        [r for r in data["runs"] if r.get("phase") != "focus"],
        key=lambda r: (
            r["latency_ms"],
            r["workers"],
            ACTIONS.index(r["action"]) if r["action"] in ACTIONS else 99,
        ),
    )
    for r in rows:
        out.append(
            "| "
            + " | ".join(
                str(x)
                for x in (
                    r["workers"],
                    r["latency_ms"],
                    r["action"],
                    r["statements"],
                    r["throughput"],
                    r["p50_ms"],
                    r["p99_ms"],
                    r["baseline_throughput"],
                    r["baseline_p99_ms"],
                    r["throughput_ratio"],
                    r["p99_ratio"],
                    r["shared_lock_waits"],
                )
            )
            + " |"
        )
    waits: dict[str, int] = {}
    for r in data["runs"]:
        if r["action"] == rows[0]["action"]:
            for rel, n in r["lock_waits"].items():
                waits[rel] = waits.get(rel, 0) + n
    out.append("")
    out.append(f"checks: {json.dumps(data['checks'], ensure_ascii=False)}")
    out.append(
        f"lock waits sampled (all runs of this file, service phase, by relation): "
        f"{json.dumps(waits, ensure_ascii=False) or '{}'}"
    )
    out.append(f"machine: {json.dumps(data.get('machine'), ensure_ascii=False)}")
    if focus:
        out.append("")
        out.append("Focus phases (one action alone beside its baseline alone; CPU per action):")
        out.append("")
        out.append(focus_table(focus, markdown=True))
    return "\n".join(out)


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(f"### {name}\n")
        print(table(Path(name)))
        print()
