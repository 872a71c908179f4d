"""The record pages are computed without Qt (docs/ARCHITECTURE.md "Layers"), so they
can be tested and reused (a remote client, a printout) without a window."""

from __future__ import annotations

import subprocess
import sys


def test_presentation_and_localtime_import_no_qt() -> None:
    code = (
        "import sys, counter_app.presentation, counter_app.presentation.pages, "
        "forms.localtime; print(sorted(m for m in sys.modules if m.startswith('PyQt')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
