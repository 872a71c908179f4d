"""RULES Q5, Q6: the 查询 shortcuts work from inside an open look-up window as from the main
window (a clerk's trial: Ctrl+Shift+T in the 药品目录 window went nowhere), and only there — a
dialog of the window keeps its keys, and the holder keypad still takes the digits typed."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QDialog, QLineEdit, QVBoxLayout

from counter_app.ui.keypad import PinRequest
from counter_app.ui.lookup_keys import share_lookup_keys
from counter_app.ui.lookup_menu import LookupMenu, install_lookup_menu
from counter_app.ui.public_lookup import LookupKind, PublicLookupWindow

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def menu(window: Any) -> LookupMenu:
    made = install_lookup_menu(window)
    share_lookup_keys(window, made)
    return made


def _front(qtbot: Any, lookup: PublicLookupWindow) -> None:
    lookup.activateWindow()
    qtbot.waitUntil(lookup.isActiveWindow)


def _opened(menu: LookupMenu, kind: LookupKind) -> bool:
    found = menu.windows.get(kind)
    return found is not None and found.isVisible()


def test_Q6_lookup_shortcuts_from_inside_a_lookup_window(
    qtbot: Any, window: Any, menu: LookupMenu
) -> None:
    drugs = menu.open_lookup(LookupKind.DRUGS)
    qtbot.addWidget(drugs)
    _front(qtbot, drugs)
    qtbot.keyClick(drugs.edit, Qt.Key.Key_T, CTRL_SHIFT)
    assert _opened(menu, LookupKind.TREATMENTS)  # the key, typed in the drug window
    treatments = menu.windows[LookupKind.TREATMENTS]
    qtbot.addWidget(treatments)
    _front(qtbot, treatments)
    qtbot.keyClick(treatments.edit, Qt.Key.Key_E, CTRL_SHIFT)
    assert _opened(menu, LookupKind.EMPLOYER)
    employer = menu.windows[LookupKind.EMPLOYER]
    qtbot.addWidget(employer)
    _front(qtbot, employer)
    qtbot.keyClick(employer.edit, Qt.Key.Key_D, CTRL_SHIFT)
    qtbot.waitUntil(drugs.isActiveWindow)  # raised again, the one drug window
    assert list(menu.windows) == [LookupKind.DRUGS, LookupKind.TREATMENTS, LookupKind.EMPLOYER]
    for lookup in menu.windows.values():  # every 查询 item's key, whatever the menu holds
        assert set(menu.actions()) <= set(lookup.actions())


def test_lookup_shortcuts_stay_out_of_other_dialogs(
    qtbot: Any, window: Any, menu: LookupMenu
) -> None:
    """Not application-wide: a dialog of the window where the clerk types keeps its keys."""
    dialog = QDialog(window)
    edit = QLineEdit()
    QVBoxLayout(dialog).addWidget(edit)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClick(edit, Qt.Key.Key_D, CTRL_SHIFT)
    assert not menu.windows


def test_holder_keypad_keeps_the_digits_typed_in_a_lookup_window(
    qtbot: Any, window: Any, menu: LookupMenu
) -> None:
    drugs = menu.open_lookup(LookupKind.DRUGS)
    qtbot.addWidget(drugs)
    _front(qtbot, drugs)
    got: list[Any] = []
    window.pins.ask(PinRequest("查询", "请输入密码"), got.append)
    for key in (Qt.Key.Key_1, Qt.Key.Key_2):  # the holder's numpad
        qtbot.keyClick(drugs.edit, key, Qt.KeyboardModifier.KeypadModifier)
    assert drugs.edit.text() == ""  # the digits went to the holder keypad
    assert window.pins.keypad.dots_label.text().count("●") == 2
    qtbot.keyClick(drugs.edit, Qt.Key.Key_3)  # the clerk's main keyboard: the clerk's field
    assert drugs.edit.text() == "3"
    assert window.pins.keypad.dots_label.text().count("●") == 2
    qtbot.keyClick(drugs.edit, Qt.Key.Key_T, CTRL_SHIFT)
    assert _opened(menu, LookupKind.TREATMENTS)
    qtbot.addWidget(menu.windows[LookupKind.TREATMENTS])
    window.pins.cancel()
    assert got == [None]
