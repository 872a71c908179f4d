"""Run scripts/bench_*.py, gather their JSON-line figures, write bench-results/.

Each benchmark script prints one JSON object per line with the keys ``name``, ``value``,
``unit``, ``baseline`` (measured in the same run, or null), ``ratio`` and ``target``; every
other line is passed through as progress. ``--quick`` is passed on to each script.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_script(path: Path, extra: list[str]) -> list[dict[str, object]]:
    figures: list[dict[str, object]] = []
    proc = subprocess.Popen(
        [sys.executable, str(path), *extra], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        line = line.strip()
        if line.startswith("{"):
            try:
                figure = json.loads(line)
            except json.JSONDecodeError:
                print(line)
                continue
            figure["script"] = path.stem
            figures.append(figure)
            print(f"  {figure['name']}: {figure['value']} {figure.get('unit', '')}")
        elif line:
            print(f"  | {line}")
    if proc.wait() != 0:
        figures.append(
            {
                "name": f"{path.stem} FAILED",
                "value": proc.returncode,
                "unit": "exit",
                "baseline": None,
                "ratio": None,
                "target": None,
                "script": path.stem,
            }
        )
    return figures


def _cell(figure: dict[str, object], key: str) -> str:
    value = figure.get(key)
    if value is None:
        return ""
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def markdown(figures: list[dict[str, object]]) -> str:
    keys = ("name", "value", "unit", "baseline", "ratio", "target")
    rows = ["| " + " | ".join(keys) + " |", "|---" * len(keys) + "|"]
    rows += ["| " + " | ".join(_cell(f, k) for k in keys) + " |" for f in figures]
    return "\n".join(rows) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="small sizes (< 3 minutes)")
    parser.add_argument("--full", action="store_true", help="city-scale sizes (1M holders)")
    parser.add_argument("--only", help="run only scripts/bench_NAME.py")
    args = parser.parse_args()
    extra = ["--quick"] if args.quick else (["--full"] if args.full else [])
    scripts = sorted((ROOT / "scripts").glob("bench_*.py"))
    scripts = [s for s in scripts if s.name != "bench_all.py"]
    if args.only:
        scripts = [s for s in scripts if s.stem == f"bench_{args.only}"]
    figures: list[dict[str, object]] = []
    started = time.perf_counter()
    for script in scripts:
        print(f"== {script.name}")
        figures.extend(run_script(script, extra))
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    (out / "bench.json").write_text(
        json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    table = markdown(figures)
    (out / "bench.md").write_text(table, encoding="utf-8")
    print(table)
    print(f"{len(figures)} figures in {time.perf_counter() - started:.0f} s -> bench-results/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
