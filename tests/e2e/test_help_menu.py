"""帮助 → 快捷键与办理步骤 (F1) on the real workstation: it opens from the keyboard, stays
beside the work (non-modal), and names only keys the window really binds — the list is
built from the action panel's and the 查询 menu's own key tables, and the steps' F-keys
are checked against the same bindings. The 报表 and 账户 menus are explained with the names
their entries really have, and F4 is said to hide the full number again (a new clerk's
trial found neither menu in the help, and F4 named as "show" only)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QAction, QKeySequence

from counter_app.services.permissions import ACTION_LABELS
from counter_app.ui.account_menu import AccountMenu
from counter_app.ui.actions import COUNTER_ACTIONS
from counter_app.ui.help_menu import PROCEDURES
from counter_app.ui.supervisor import ReportsMenu

pytestmark = pytest.mark.gui


def _bound_keys(window: Any) -> set[str]:
    return {
        action.shortcut().toString(QKeySequence.SequenceFormat.PortableText)
        for action in window.findChildren(QAction)
        if not action.shortcut().isEmpty()
    }


def _menu_name(item: Any) -> str:
    """A menu's or an entry's name as read: 修改登录密码(&P)… → 修改登录密码."""
    title = item.title() if hasattr(item, "title") else item.text()
    return re.sub(r"\(&\w\)|&|…", "", title)


def test_f1_opens_the_help_beside_the_work_and_names_only_bound_keys(counter: Any) -> None:
    c = counter("YB500103-01")
    window = c.window
    window.activateWindow()
    c.qtbot.waitUntil(window.isActiveWindow)
    search = window.search_pane.box.edit
    c.qtbot.keyClick(search, Qt.Key.Key_F1)  # typed in the search field, as a clerk would
    shown = window.help_menu.help_window
    assert shown is not None and shown.isVisible() and not shown.isModal()
    rows = shown.shortcuts()
    bound = _bound_keys(window)
    assert {key for key, _text in rows} <= bound, {k for k, _ in rows} - bound
    text = shown.text.toPlainText()
    for action, key in COUNTER_ACTIONS:  # every action of the panel, with its key
        assert (key, ACTION_LABELS[action]) in rows
        assert ACTION_LABELS[action] in text
    steps = " ".join(step for _title, lines in PROCEDURES for step in lines)
    named = set(re.findall(r"\b(?:F\d+|Ctrl\+[A-Z])\b", steps))
    assert named and named <= bound, named - bound
    for key, label in re.findall(r"\b(F\d+) ?([\u4e00-\u9fff]{4,6})", steps):
        # "F6 重置遗忘密码": the key is the panel's key of that very action
        panel = dict((ACTION_LABELS[a], k) for a, k in COUNTER_ACTIONS)
        if label in panel:
            assert panel[label] == key, (key, label)
    f4 = dict(rows)["F4"]
    assert "显示完整" in f4 and "再按一次 F4 隐藏" in f4  # F4 toggles (holder_view.reveal)
    reports, account = window.findChild(ReportsMenu), window.findChild(AccountMenu)
    assert reports is not None and account is not None
    for menu in (reports, account):
        assert _menu_name(menu) + "菜单" in text
    for action in reports.report_actions.values():  # every report, by its menu name
        assert _menu_name(action) in text, action.text()
    for action in (account.password_action, account.logout_action):
        assert "账户菜单 → " + _menu_name(action) in text, action.text()
    assert "2026-12-07" in text and "PDF" in text and "CSV" in text  # how dates are typed
    window.activateWindow()
    c.qtbot.waitUntil(window.isActiveWindow)
    c.qtbot.keyClick(search, Qt.Key.Key_F1)  # again: the same window, raised
    assert window.help_menu.help_window is shown
