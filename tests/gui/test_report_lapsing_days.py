"""The 即将失效的电话挂失 report dialog starts at the list's horizon (RULES L2: the
``lapsing_warning_days`` setting the status-bar list uses), not a fixed 3 days while the list
said 2 (a new clerk's trial)."""

from __future__ import annotations

from typing import Any

import pytest

from counter_app.settings import LAPSING_WARNING_DAYS
from counter_app.ui.lapsing import install_lapsing_badge
from counter_app.ui.supervisor import LAPSING, ReportDialog

pytestmark = pytest.mark.gui


def _dialog(qtbot: Any, window: Any) -> ReportDialog:
    dialog = ReportDialog(LAPSING, window.actor, window.runner, lambda *_a: b"", window)
    qtbot.addWidget(dialog)
    return dialog


def test_L2_report_dialog_starts_at_the_lists_horizon(qtbot: Any, window: Any) -> None:
    badge = install_lapsing_badge(window, 5)
    badge.timer.stop()
    window.lapsing_badge = badge
    assert _dialog(qtbot, window).days.value() == 5


def test_L2_without_a_list_the_report_dialog_uses_the_default_horizon(
    qtbot: Any, window: Any
) -> None:
    window.lapsing_badge = None
    assert _dialog(qtbot, window).days.value() == LAPSING_WARNING_DAYS == 2
