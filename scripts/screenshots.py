"""Screenshots of the main screens for the README, on the demo database.

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python scripts/screenshots.py

Writes PNGs into docs/screenshots/: the login window, the main window with a holder open
by card + PIN, the holder keypad while the holder types, a category tab, the written loss
report dialog and its result, the ID check refusing another person's number and the records
it opens with the right one, the lock screen, and every record tab of the retiree 周国华
(``05-retiree-<n>-<tab>.png``; ``--retiree`` takes only those). Uses its own temporary data
folder, so the user's demo database is not touched.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "docs" / "screenshots"


#: File names of the retiree's record tabs, in tab order (``holder_view.CATEGORY_TABS``).
RETIREE_TABS = (
    "card-state",
    "card-basic",
    "public",
    "employment",
    "social-insurance",
    "medical",
    "assistance",
    "life-health",
    "pension",
    "unemployment",
    "injury",
    "death",
    "maternity",
)
RETIREE_CARD = 8  # 周国华 (A13058386), the ninth fixed demo holder; PIN 123456


def retiree_tabs(ws: Any, window: Any, shot: Callable[[Any, str], None]) -> None:
    """Open the retiree by card + PIN and take every record tab."""
    window.demo_panel.insert(RETIREE_CARD)
    for digit in "123456":
        ws.pin_entry.keypad.press_digit(digit)
    ws.pin_entry.keypad.press_confirm()
    tabs = window.holder.tabs
    assert tabs.count() == len(RETIREE_TABS), "a record tab was added: name its screenshot"
    for index, name in enumerate(RETIREE_TABS):
        tabs.setCurrentIndex(index)
        shot(window, f"05-retiree-{index:02d}-{name}")
    window.demo_panel.remove()


def choose_reason(field: Any) -> None:
    """The reason a number is typed instead of read from the chip (the list starts empty)."""
    from PyQt6.QtWidgets import QComboBox

    from counter_app.services.idcheck import ManualReason
    from counter_app.ui.id_chip import MANUAL_REASONS

    combo = field.window().findChild(QComboBox, "manualReason")
    combo.setCurrentIndex(MANUAL_REASONS.index(ManualReason.NO_READER))


def id_check_refused(window: Any, shot: Callable[[Any, str], None]) -> None:
    """No card: search 王建国, type a valid number of someone else — the service refuses
    (the dialog keeps the number), then his own number opens the records."""
    from counter_app.demo.accounts import fixed_holder

    holder = fixed_holder("active_default_pin")
    window.search_pane.box.edit.setText(holder.ssn)
    window.search_pane.box.button.click()
    window.check_id_for_hit()
    dialog = window.id_dialog
    dialog.number.setText(fixed_holder("active_changed_pin").ssn)
    choose_reason(dialog.number)
    dialog.check()
    shot(dialog, "10-id-check-refused")
    dialog.number.setText(holder.ssn)
    dialog.check()
    shot(window, "11-id-session")
    window.holder.clear()


def main() -> int:
    only_retiree = "--retiree" in sys.argv[1:]
    home = tempfile.mkdtemp(prefix="counter-shots-")
    os.environ.setdefault("XDG_DATA_HOME", os.path.join(home, "data"))
    os.environ.setdefault("XDG_CONFIG_HOME", os.path.join(home, "config"))
    os.environ["COUNTER_SETTINGS"] = os.path.join(home, "settings.toml")
    from PyQt6.QtWidgets import QApplication, QWidget

    app = QApplication(sys.argv)
    from counter_app.ui.i18n import install_qt_translations

    qt_zh = install_qt_translations(app, "zh_CN")  # noqa: F841 - Qt's own buttons in Chinese
    from counter_app.demo.accounts import DEMO_ACCOUNTS
    from counter_app.services.permissions import Action
    from counter_app.settings import load_settings
    from counter_app.ui import app as gui
    from counter_app.ui.tasks import InlinePool

    OUT.mkdir(parents=True, exist_ok=True)

    def shot(widget: QWidget, name: str) -> None:
        widget.show()
        widget.raise_()
        for _ in range(5):
            app.processEvents()
        widget.grab().save(str(OUT / f"{name}.png"))
        print(OUT / f"{name}.png")

    ws = gui.build_workstation(
        load_settings(), True, pool=InlinePool(), card_pool=InlinePool(), second_screen=False
    )
    gui.prepare_database(ws)
    login = gui.make_login(ws)
    login.resize(760, 640)
    if not only_retiree:
        shot(login, "01-login")
    account = next(a for a in DEMO_ACCOUNTS if a.staff_no == "YB500103-01")
    window = gui.make_main_window(ws, ws.gateway.login(account.staff_no, account.password).actor)
    window.resize(1500, 900)
    if only_retiree:
        retiree_tabs(ws, window, shot)
        window.close()
        ws.close()
        return 0
    shot(window, "02-main-empty")
    panel = window.demo_panel  # type: ignore[attr-defined]
    panel.insert(1)  # 李秀英, PIN 135790
    for digit in "135":
        ws.pin_entry.keypad.press_digit(digit)
    shot(window, "03-holder-keypad")
    for digit in "790":
        ws.pin_entry.keypad.press_digit(digit)
    ws.pin_entry.keypad.press_confirm()
    shot(window, "04-holder-overview")
    window.holder.tabs.setCurrentIndex(4)
    shot(window, "05-social-insurance")
    window.action_buttons[Action.WRITTEN_LOSS_REPORT].click()
    dialog = window.workflow
    dialog.documents.number.setText(ws.demo_cards[1][0]["ssn"])
    choose_reason(dialog.documents.number)
    dialog.phone.setText("13800138000")
    dialog.place.setText("解放碑步行街")
    dialog.circumstances.setPlainText("乘坐公交车时钱包遗失，内有社保卡。")
    shot(dialog, "06-loss-report")
    dialog.next()
    dialog.next()
    shot(dialog, "07-loss-report-done")
    dialog.printer.prepare(None)
    dialog.printer.images[0].scaledToWidth(900).save(str(OUT / "08-loss-form.png"))
    print(OUT / "08-loss-form.png")
    dialog.accept()
    retiree_tabs(ws, window, shot)
    id_check_refused(window, shot)
    window.lock()
    shot(window, "09-lock")
    window.holder.clear()
    window.close()
    ws.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
