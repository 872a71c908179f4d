"""GUI figures: cold start to the login window; card inserted -> holder overview
after the PIN; the longest GUI-thread stall during a scripted workflow (a timer probe).

Prints JSON lines ``{"name","value","unit","baseline","ratio","target"}``; asserts nothing
about time. Runs offscreen on its own demo database in a temporary folder.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HOME = tempfile.mkdtemp(prefix="counter-bench-gui-")
atexit.register(shutil.rmtree, HOME, ignore_errors=True)  # its demo database: ~8 MB a run
os.environ["XDG_DATA_HOME"] = os.path.join(HOME, "data")
os.environ["XDG_CONFIG_HOME"] = os.path.join(HOME, "config")
os.environ["COUNTER_SETTINGS"] = os.path.join(HOME, "settings.toml")

COLD_START = """
import time, sys
t0 = time.perf_counter()
from PyQt6.QtWidgets import QApplication
app = QApplication(sys.argv)
from counter_app.settings import load_settings
from counter_app.ui import app as gui
ws = gui.build_workstation(load_settings(), True)
login = gui.make_login(ws)
login.show()
gui.start_background(ws)
app.processEvents()
print(time.perf_counter() - t0)
ws.close()
"""
BARE_START = """
import time, sys
t0 = time.perf_counter()
from PyQt6.QtWidgets import QApplication, QDialog
app = QApplication(sys.argv)
d = QDialog(); d.show(); app.processEvents()
print(time.perf_counter() - t0)
"""


def figure(
    name: str, value: float, unit: str, baseline: float | None, target: float | None
) -> None:
    ratio = None if not baseline else round(value / baseline, 3)
    print(
        json.dumps(
            {
                "name": name,
                "value": round(value, 4),
                "unit": unit,
                "baseline": None if baseline is None else round(baseline, 4),
                "ratio": ratio,
                "target": target,
            },
            ensure_ascii=False,
        ),
        flush=True,
    )


def child(code: str) -> float:
    best = float("inf")
    for _ in range(3):
        out = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            env=os.environ,
        )
        best = min(best, float(out.stdout.strip().splitlines()[-1]))
    return best


def main() -> int:
    from PyQt6.QtCore import QElapsedTimer, QThreadPool, QTimer
    from PyQt6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    from counter_app.demo.accounts import DEMO_ACCOUNTS
    from counter_app.services.permissions import Action
    from counter_app.settings import load_settings
    from counter_app.ui import app as gui

    ws = gui.build_workstation(load_settings(), True, second_screen=False)
    print("preparing the demo database …", flush=True)
    gui.prepare_database(ws)

    figure("gui cold start to login window", child(COLD_START), "s", child(BARE_START), 1.5)

    # What ``run`` does behind the login window: the helper process and the warm-up. In
    # real use the clerk is typing the password meanwhile; here we wait for it to finish.
    t_warm = time.perf_counter()
    gui.start_background(ws)
    if ws.runner.process is not None and ws.runner.process.warmed is not None:
        ws.runner.process.warmed.result()
    while ws.runner.pending:
        app.processEvents()
        time.sleep(0.001)
    print(
        f"start-up warm-up (behind the login window): "
        f"{(time.perf_counter() - t_warm) * 1000:.0f} ms",
        flush=True,
    )

    def wait(cond: Any, timeout: float = 30.0) -> None:
        end = time.perf_counter() + timeout
        while not cond():
            app.processEvents()
            if time.perf_counter() > end:
                raise TimeoutError("scripted GUI step did not finish")
            time.sleep(0.0005)

    # The stall probe: a 5 ms timer; the longest gap between its ticks is the stall.
    gaps: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    last = [clock.nsecsElapsed()]

    step = ["start"]
    worst: dict[str, float] = {}

    def tick() -> None:
        now = clock.nsecsElapsed()
        gap = (now - last[0]) / 1e6
        gaps.append(gap)
        worst[step[0]] = max(worst.get(step[0], 0.0), gap)
        last[0] = now

    probe = QTimer()
    probe.setInterval(5)
    probe.timeout.connect(tick)

    account = next(a for a in DEMO_ACCOUNTS if a.staff_no == "YB500103-01")
    actor = ws.gateway.login(account.staff_no, account.password).actor
    window = gui.make_main_window(ws, actor)
    window.resize(1400, 900)
    window.show()
    app.processEvents()
    probe.start()
    last[0] = clock.nsecsElapsed()
    panel = window.demo_panel  # type: ignore[attr-defined]
    insert_to_overview: list[float] = []
    for _round in range(5):
        profile = ws.demo_cards[1][0]
        t0 = time.perf_counter()
        step[0] = "insert"
        panel.insert(1)
        wait(lambda: ws.pin_entry.keypad.active)
        t_keypad = time.perf_counter() - t0
        for digit in profile["pin"]:
            ws.pin_entry.keypad.press_digit(digit)
        t1 = time.perf_counter()
        step[0] = "pin+overview"
        ws.pin_entry.keypad.press_confirm()
        wait(lambda: window.holder.overview is not None)
        insert_to_overview.append(t_keypad + time.perf_counter() - t1)
        step[0] = "tabs"
        for tab in range(1, window.holder.tabs.count()):
            window.holder.tabs.setCurrentIndex(tab)
            wait(lambda t=tab: window.holder.pages[t - 1].models)
        step[0] = "remove"
        panel.remove()
        wait(lambda: window.holder.session is None)
    insert_to_overview.sort()
    figure(
        "card inserted -> holder overview after PIN (median, PIN typing excluded)",
        insert_to_overview[len(insert_to_overview) // 2] * 1000,
        "ms",
        None,
        300,
    )

    # A written loss report, start to PDF pages, with the probe running.
    panel.insert(8)
    wait(lambda: ws.pin_entry.keypad.active)
    for digit in ws.demo_cards[8][0]["pin"]:
        ws.pin_entry.keypad.press_digit(digit)
    ws.pin_entry.keypad.press_confirm()
    wait(lambda: window.holder.overview is not None)
    step[0] = "open loss dialog"
    window.action_buttons[Action.WRITTEN_LOSS_REPORT].click()
    dialog = window.workflow
    if dialog is not None:
        dialog.documents.number.setText(ws.demo_cards[8][0]["ssn"])
        dialog.phone.setText("13800138000")
        dialog.place.setText("解放碑")
        dialog.circumstances.setPlainText("遗失")
        step[0] = "loss details"
        t_gui = time.perf_counter()
        dialog.next()
        app.processEvents()
        step[0] = "loss submit"
        dialog.next()
        print(f"loss dialog GUI-thread work: {(time.perf_counter() - t_gui) * 1000:.0f} ms")
        wait(lambda: getattr(dialog, "printer", None) is not None or dialog.banner.isVisible())
        if getattr(dialog, "printer", None) is not None:
            step[0] = "render pdf"
            dialog.printer.prepare(None)
            wait(lambda: dialog.printer.images is not None)
        dialog.accept()
    probe.stop()
    print("worst gap per step (ms): " + ", ".join(f"{k} {v:.0f}" for k, v in worst.items()))
    figure("longest GUI-thread stall during scripted workflow", max(gaps), "ms", 5.0, 100)
    window.holder.clear()
    window.close()
    QThreadPool.globalInstance().waitForDone()
    ws.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
