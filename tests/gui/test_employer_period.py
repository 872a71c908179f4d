"""单位医疗保险缴费 (RULES Q5): the result answers the period the selector shows. A new
clerk's trial chose 最近 36 个月 after a 12-month query and the rows stayed those of 12
months; set back to 12, the screen kept three years under a selector saying 12. And at the
longest period the window must not advise choosing a longer one."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from PyQt6.QtCore import Qt

from counter_app.services.queries.public import EmployerContributions, EmployerMonth
from counter_app.ui.lookup_menu import LookupMenu, install_lookup_menu
from counter_app.ui.public_lookup import MONTH_CHOICES, LookupKind, PublicLookupWindow
from tests.gui.fakes import FakeServices

pytestmark = pytest.mark.gui

UNIT = "50010300000012"


def _month(period: str, months: int = 1) -> EmployerMonth:
    return EmployerMonth(period, 12, Decimal("48000"), Decimal("3840"), Decimal("960"), 0, months)


@pytest.fixture
def lookup(qtbot: Any, window: Any, gateway: FakeServices) -> PublicLookupWindow:
    gateway.employers[UNIT] = EmployerContributions(
        UNIT,
        "重庆山城机械有限公司",
        "500103",
        (_month("2026-11"), _month("2026-10")),
        first_month="2025-12",
        last_month="2026-11",
        partly_earlier=(_month("2025-01", 12),),  # a whole year paid at once
    )
    menu: LookupMenu = install_lookup_menu(window)
    menu.lookup_actions[LookupKind.EMPLOYER].trigger()
    opened = menu.windows[LookupKind.EMPLOYER]
    qtbot.addWidget(opened)
    return opened


def _employer_calls(gateway: FakeServices) -> list[Any]:
    return [args for name, args in gateway.calls if name == "employer_contributions"]


def test_Q5_choosing_another_period_asks_again_for_the_unit_queried(
    qtbot: Any, gateway: FakeServices, lookup: PublicLookupWindow
) -> None:
    lookup.months.setCurrentIndex(2)  # nothing asked yet: nothing to redo
    lookup.months.setCurrentIndex(0)
    assert _employer_calls(gateway) == []
    lookup.edit.insert(UNIT)
    qtbot.keyClick(lookup.edit, Qt.Key.Key_Return)
    assert _employer_calls(gateway)[-1] == (UNIT, 12)
    lookup.months.setCurrentIndex(2)  # 最近 36 个月, as the keyboard or the mouse chooses it
    assert _employer_calls(gateway)[-1] == (UNIT, 36)
    lookup.months.setCurrentIndex(0)
    assert _employer_calls(gateway)[-1] == (UNIT, 12)
    assert len(_employer_calls(gateway)) == 3
    assert "重庆山城机械有限公司" in lookup.summary.text()


def test_Q5_the_longest_period_does_not_advise_a_longer_one(
    qtbot: Any, gateway: FakeServices, lookup: PublicLookupWindow
) -> None:
    lookup.edit.insert(UNIT)
    qtbot.keyClick(lookup.edit, Qt.Key.Key_Return)
    shorter = lookup.view.shown_texts()
    assert "请选择更长的期间查看" in "".join(shorter)  # 12 months: 24 and 36 exist
    lookup.months.setCurrentIndex(len(MONTH_CHOICES) - 1)
    longest = "".join(lookup.view.shown_texts())
    assert "未列出" in longest and "2025年01月" in longest
    assert "更长的期间" not in longest
    assert "已是最长的查询期间" in longest
