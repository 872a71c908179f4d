"""Say loudly which real-component tests a run skipped, and why.

Without ``CI=true`` a machine with no PostgreSQL server binaries, no pcscd/vpcd or no
display stack skips those tests — correctly, but a green run must not read as if the real
parts were tested. This plugin collects every skipped test marked ``postgres``, ``pcsc`` or
``gui`` with its skip reason and prints a banner at the end of the run; when
``COUNTER_SKIP_REPORT`` names a file, the banner is also written there for
``scripts/test`` to repeat after its last stage (so "all stages passed" is never printed
alone over skipped real components).
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from pathlib import Path

import pytest

REAL_COMPONENTS = {
    "postgres": "PostgreSQL",
    "pcsc": "PC/SC (pcscd + vpcd + card emulator)",
    "gui": "GUI (PyQt6 offscreen)",
}
REPORT_ENV = "COUNTER_SKIP_REPORT"


def _reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        reason = str(longrepr[2])
    else:
        reason = str(longrepr)
    return reason.removeprefix("Skipped: ").strip()


class SkipBanner:
    def __init__(self) -> None:
        self.reasons: dict[str, Counter[str]] = defaultdict(Counter)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if not report.skipped:
            return
        for marker in REAL_COMPONENTS:
            if marker in report.keywords:
                self.reasons[marker][_reason(report)] += 1
                return

    def banner(self) -> list[str]:
        if not self.reasons:
            return []
        total = sum(sum(c.values()) for c in self.reasons.values())
        lines = [
            "!" * 78,
            f"!!  REAL COMPONENTS NOT TESTED: {total} test(s) SKIPPED",
        ]
        for marker, reasons in sorted(self.reasons.items()):
            count = sum(reasons.values())
            lines.append(f"!!  {REAL_COMPONENTS[marker]} [{marker}]: {count} skipped")
            for reason, n in reasons.most_common(5):
                lines.append(f"!!      {n} x {reason[:150]}")
        lines += [
            "!!  This run does NOT show that those parts work. Run with CI=true (which starts",
            "!!  PostgreSQL and requires pcscd/vpcd) or install what the reasons name.",
            "!" * 78,
        ]
        return lines

    @pytest.hookimpl(trylast=True)
    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        lines = self.banner()
        target = os.environ.get(REPORT_ENV)
        if target:
            Path(target).write_text("\n".join(lines) + ("\n" if lines else ""), encoding="utf-8")
        if not lines:
            return
        terminalreporter.section("skipped real components", sep="!", red=True, bold=True)
        for line in lines:
            terminalreporter.write_line(line, red=True, bold=True)


def register(config: pytest.Config) -> None:
    """Install the banner once per run (called from ``tests/conftest.py``)."""
    if not config.pluginmanager.has_plugin("counter-skip-banner"):
        config.pluginmanager.register(SkipBanner(), "counter-skip-banner")
