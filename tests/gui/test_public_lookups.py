"""RULES Q5, Q6 at the counter: 查询 → 药品目录查询 / 诊疗项目查询 / 单位医疗保险缴费查询 open
non-modal windows that work with no holder on screen; Enter searches; the rows read as
words (甲类, 10%, ¥ with two decimals); 无记录 for no hit; a note when the list was cut; the
services' refusals in Chinese. Against the GUI fakes (``tests/gui/fakes.py``); the real
stack is ``tests/e2e/test_public_lookups.py``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QKeySequence
from PyQt6.QtWidgets import QLabel

from counter_app.presentation.public_pages import CATALOGUE_SHOWN
from counter_app.services.queries.public import (
    DrugRow,
    EmployerContributions,
    EmployerMonth,
    TreatmentRow,
)
from counter_app.ui.lookup_menu import LookupMenu, install_lookup_menu
from counter_app.ui.public_lookup import LookupKind, PublicLookupWindow
from tests.gui.fakes import FakeServices, make_actor

UNIT = "50010300000012"


def _drug(n: int, name: str = "阿莫西林胶囊", category: str = "甲") -> DrugRow:
    return DrugRow(f"XJ01CA{n:03d}", f"{name}{n}", "胶囊剂", category, 10, "AMXLJN", "")


def _month(period: str, employer: str) -> EmployerMonth:
    return EmployerMonth(period, 12, Decimal("48000"), Decimal(employer), Decimal("960"), 0)


@pytest.fixture
def menu(window: Any) -> LookupMenu:
    return install_lookup_menu(window)


def _open(qtbot: Any, menu: LookupMenu, kind: LookupKind) -> PublicLookupWindow:
    menu.lookup_actions[kind].trigger()
    opened = menu.windows[kind]
    qtbot.addWidget(opened)
    assert opened.isVisible() and not opened.isModal()
    return opened


def _search(qtbot: Any, lookup: PublicLookupWindow, text: str) -> None:
    lookup.edit.clear()
    lookup.edit.insert(text)  # QTest types ASCII only: Chinese goes in as an input method would
    qtbot.keyClick(lookup.edit, Qt.Key.Key_Return)  # Enter searches


def test_Q6_drug_catalogue_with_no_holder_on_screen(
    qtbot: Any, window: Any, gateway: FakeServices, menu: LookupMenu
) -> None:
    gateway.drugs = [_drug(1, category="甲"), _drug(2, category="乙"), _drug(3, "布洛芬片")]
    assert window.holder.session is None
    lookup = _open(qtbot, menu, LookupKind.DRUGS)
    assert lookup.windowTitle() == "药品目录查询"
    _search(qtbot, lookup, "阿莫西林")
    assert ("search_drugs", ("阿莫西林", CATALOGUE_SHOWN + 1)) in gateway.calls
    texts = lookup.view.shown_texts()
    for header in ("药品编码", "药品名称", "剂型", "医保类别", "个人自付比例"):
        assert header in texts
    assert "阿莫西林胶囊1" in texts and "布洛芬片3" not in texts
    assert "甲类" in texts and "乙类" in texts and "10%" in texts
    assert "甲" not in texts  # the class decoded, never the stored code
    assert lookup.summary.text() == "共找到 2 条。" and lookup.note.text() == ""


def test_Q6_a_cut_list_says_there_is_more(
    qtbot: Any, gateway: FakeServices, menu: LookupMenu
) -> None:
    gateway.drugs = [_drug(n) for n in range(CATALOGUE_SHOWN + 10)]
    lookup = _open(qtbot, menu, LookupKind.DRUGS)
    _search(qtbot, lookup, "阿莫")
    shown = [t for t in lookup.view.shown_texts() if t.startswith("阿莫西林胶囊")]
    assert len(shown) == CATALOGUE_SHOWN
    assert f"不止 {CATALOGUE_SHOWN} 条" in lookup.note.text() and lookup.note.isVisible()
    assert not lookup.summary.isVisible()  # no 共找到 50 条 beside it: there are more


def test_Q6_no_hit_says_no_records(qtbot: Any, gateway: FakeServices, menu: LookupMenu) -> None:
    gateway.treatments = [
        TreatmentRow("110200001", "血常规检查", "次", Decimal("12.5"), "甲", 0, "XCGJC")
    ]
    lookup = _open(qtbot, menu, LookupKind.TREATMENTS)
    _search(qtbot, lookup, "心脏移植")
    empty = lookup.view.findChild(QLabel, "noRecords")
    assert empty is not None and empty.text() == "无记录"
    assert "请核对" in lookup.summary.text()  # what to do about it


def test_Q6_treatment_price_in_yuan(qtbot: Any, gateway: FakeServices, menu: LookupMenu) -> None:
    gateway.treatments = [
        TreatmentRow("110200001", "血常规检查", "次", Decimal("12.5"), "乙", 20, "XCGJC")
    ]
    lookup = _open(qtbot, menu, LookupKind.TREATMENTS)
    _search(qtbot, lookup, "xcg")
    texts = lookup.view.shown_texts()
    assert "¥12.50" in texts and "乙类" in texts and "20%" in texts and "价格" in texts


def test_Q6_refusals_are_the_services_words_in_the_window(
    qtbot: Any, gateway: FakeServices, menu: LookupMenu
) -> None:
    lookup = _open(qtbot, menu, LookupKind.DRUGS)
    lookup.edit.insert("阿莫\u202e西林")  # a bidi override pasted from elsewhere
    assert lookup.edit.text() == "阿莫西林"  # it leaves the field, the clerk told
    assert "文字方向控制符" in lookup.error.text() and "U+" not in lookup.error.text()
    _search(qtbot, lookup, "阿" * 41)
    error = lookup.error.text()
    assert "药品或诊疗项目查询内容" in error and "最多40个字" in error
    assert "Traceback" not in error
    assert lookup.view.page is None  # nothing on screen answers the refused text
    calls = len(gateway.calls)
    lookup.edit.clear()
    lookup.search_button.click()  # empty: asked for here, no call made
    assert len(gateway.calls) == calls and "请输入" in lookup.error.text()


def test_Q5_employer_contributions_by_unit_number(
    qtbot: Any, window: Any, gateway: FakeServices, menu: LookupMenu
) -> None:
    gateway.employers[UNIT] = EmployerContributions(
        UNIT,
        "重庆山城机械有限公司",
        "500103",
        (_month("2026-11", "3840.5"), _month("2026-10", "3800")),
    )
    lookup = _open(qtbot, menu, LookupKind.EMPLOYER)
    assert lookup.months.isVisible()
    lookup.months.setCurrentIndex(1)  # 最近 24 个月
    _search(qtbot, lookup, f" {UNIT} ")
    assert gateway.calls[-1] == ("employer_contributions", (UNIT, 24))
    assert "重庆山城机械有限公司" in lookup.summary.text() and UNIT in lookup.summary.text()
    texts = lookup.view.shown_texts()
    assert "单位名称" in texts and "重庆市渝中区" in texts
    assert "¥3,840.50" in texts and "¥3,800.00" in texts and "12人" in texts
    assert "缴费期间" in texts and "单位缴纳" in texts
    _search(qtbot, lookup, "50010399999999")
    assert "没有该单位社会保险编号" in lookup.error.text()
    assert lookup.view.page is None


def test_Q5_employer_lookup_is_refused_in_the_menu_to_staff_without_records(
    window: Any, menu: LookupMenu
) -> None:
    from counter_app.services.permissions import Action, OfficeKind, Role

    admin = make_actor(9, "ADMIN-01", "管理员", Role.ADMIN, OfficeKind.DISTRICT_SUBCENTER)
    assert not admin.may(Action.VIEW_RECORDS)
    window.actor_changed.emit(admin)
    employer = menu.lookup_actions[LookupKind.EMPLOYER]
    assert not employer.isEnabled() and employer.toolTip()
    assert menu.lookup_actions[LookupKind.DRUGS].isEnabled()  # published to everyone (Q6)


def test_lookup_windows_have_shortcuts_and_hide_with_the_lock(
    qtbot: Any, window: Any, gateway: FakeServices, menu: LookupMenu
) -> None:
    shortcuts = {k: a.shortcut() for k, a in menu.lookup_actions.items()}
    assert shortcuts[LookupKind.DRUGS] == QKeySequence("Ctrl+Shift+D")
    assert len(set(shortcuts.values())) == len(LookupKind)  # one key each
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(
        window,
        Qt.Key.Key_T,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert menu.windows[LookupKind.TREATMENTS].isVisible()  # the key opened it
    lookup = _open(qtbot, menu, LookupKind.DRUGS)
    assert menu.open_lookup(LookupKind.DRUGS) is lookup  # one window per kind
    window.lock()
    assert not lookup.isVisible()
    assert not menu.lookup_actions[LookupKind.DRUGS].isEnabled()
    window.lock_screen.form.password.setText("pw1")
    window.lock_screen.form.submit.click()
    assert lookup.isVisible() and menu.lookup_actions[LookupKind.DRUGS].isEnabled()


def test_lookup_windows_open_one_beside_the_other(
    qtbot: Any, window: Any, menu: LookupMenu
) -> None:
    """A second and third look-up window step down and right of the ones open, instead of
    opening on the same spot, one hiding the other."""
    window.setGeometry(0, 0, 760, 700)  # on the offscreen platform's 800x800 screen
    drugs = _open(qtbot, menu, LookupKind.DRUGS)
    treatments = _open(qtbot, menu, LookupKind.TREATMENTS)
    employer = _open(qtbot, menu, LookupKind.EMPLOYER)
    first, second, third = (w.frameGeometry().topLeft() for w in (drugs, treatments, employer))
    assert second != first and third != second and third != first
    assert menu.open_lookup(LookupKind.DRUGS).frameGeometry().topLeft() == first  # reopened
