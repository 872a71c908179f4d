"""RULES Q5 at the counter: 查询 → 工亡人员待遇查询 (Ctrl+Shift+W) for the family of a deceased
holder — the deceased's number, a reason (Q7), the holder view's 工亡人员待遇 page under the
deceased's name (¥ with two decimals, 配偶, dates, 无记录), the ID-number check's words for a
wrong number. Against the GUI fakes (``tests/gui/fakes.py``); the real stack is
``tests/e2e/test_work_death_lookup.py``."""

from __future__ import annotations

import datetime as dt
import gc
from decimal import Decimal
from typing import Any

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QKeySequence

from counter_app.services.queries.benefits import DeathView, SurvivorRow
from counter_app.ui.lookup_menu import LookupMenu, install_lookup_menu
from counter_app.ui.public_lookup import LookupKind
from counter_app.ui.work_death_lookup import WorkDeathLookupWindow
from tests.gui.fakes import FakeServices, make_actor

DECEASED = "500110197808080591"
MASKED = "500***********0591"
LIVING = "500103196803150310"


def _death() -> DeathView:
    return DeathView(
        "GW202300000001",
        "重庆山城机械有限公司",
        dt.date(2023, 5, 4),
        Decimal("48000"),
        Decimal("950000.5"),
        (
            SurvivorRow("李秀英", "配偶", "", Decimal("2500"), dt.date(2023, 6, 3), None),
            SurvivorRow("孙小明", "子女", "", Decimal("1800"), dt.date(2023, 6, 3), None),
        ),
    )


@pytest.fixture
def menu(window: Any) -> LookupMenu:
    return install_lookup_menu(window)


@pytest.fixture
def lookup(qtbot: Any, window: Any, gateway: FakeServices, menu: LookupMenu) -> Any:
    gateway.work_deaths[DECEASED] = ("孙建军", _death())
    menu.lookup_actions[LookupKind.WORK_DEATH].trigger()
    opened = menu.windows[LookupKind.WORK_DEATH]
    qtbot.addWidget(opened)
    assert isinstance(opened, WorkDeathLookupWindow)
    assert opened.isVisible() and not opened.isModal()
    return opened


def _type(qtbot: Any, lookup: WorkDeathLookupWindow, number: str, reason: str | None) -> None:
    lookup.edit.clear()
    lookup.edit.insert(number)
    if reason is not None:
        lookup.reason.setEditText(reason)
    qtbot.keyClick(lookup.edit, Qt.Key.Key_Return)  # Enter searches


def test_Q5_work_death_benefits_by_the_deceased_number(
    qtbot: Any, window: Any, gateway: FakeServices, lookup: WorkDeathLookupWindow
) -> None:
    assert window.holder.session is None  # the family has no card to insert
    assert lookup.windowTitle() == "工亡人员待遇查询"
    assert "家属" in lookup.summary.text()  # what the window is for, before any search
    lookup.reason.setCurrentIndex(0)  # 家属查询（配偶）, chosen from the list
    _type(qtbot, lookup, f" {DECEASED[:6]} {DECEASED[6:]} ", None)
    assert gateway.calls[-1] == ("work_death_benefits", (DECEASED, "家属查询（配偶）"))
    assert not lookup.error.text()
    assert lookup.summary.text() == f"已故参保人：孙建军（社会保障号码 {MASKED}）"
    texts = lookup.view.shown_texts()
    for label in ("认定编号", "死亡日期", "丧葬补助金", "一次性工亡补助金", "供养亲属抚恤金"):
        assert label in texts
    assert "GW202300000001" in texts and "2023年05月04日" in texts
    assert "¥48,000.00" in texts and "¥950,000.50" in texts
    assert "李秀英" in texts and "配偶" in texts and "¥2,500.00" in texts and "孙小明" in texts
    assert DECEASED not in " ".join(texts)  # masked, as every view masks it
    assert lookup.reason_text() == ""  # the next look-up says its own why


def test_Q7_the_reason_is_asked_for_before_any_call(
    qtbot: Any, gateway: FakeServices, lookup: WorkDeathLookupWindow
) -> None:
    calls = len(gateway.calls)
    _type(qtbot, lookup, DECEASED, "  ")
    assert len(gateway.calls) == calls  # asked here, no call made
    assert "查询事由" in lookup.error.text() and lookup.view.page is None
    assert lookup.reason.hasFocus() or lookup.reason.lineEdit().hasFocus()
    lookup.reason.lineEdit().insert("家属\u202e查询")  # pasted with a direction override
    assert "已删除" in lookup.error.text() and lookup.reason_text() == "家属查询"
    qtbot.keyClick(lookup.reason.lineEdit(), Qt.Key.Key_Return)  # Enter here searches too
    assert gateway.calls[-1] == ("work_death_benefits", (DECEASED, "家属查询"))


@pytest.mark.parametrize(
    ("number", "said"),
    [
        (DECEASED[:-1] + "2", "校验位"),
        (DECEASED[:17], "应为18位"),
        ("50011019780808059Y", "第18位"),
    ],
)
def test_Q5_a_wrong_number_gets_the_id_number_check_words(
    qtbot: Any, gateway: FakeServices, lookup: WorkDeathLookupWindow, number: str, said: str
) -> None:
    _type(qtbot, lookup, DECEASED, "家属查询")
    assert lookup.view.page is not None
    _type(qtbot, lookup, number, "家属查询")
    assert said in lookup.error.text() and "Traceback" not in lookup.error.text()
    assert lookup.view.page is None  # nothing on screen answers the refused number


def test_Q7_a_number_without_a_work_death_says_no_records_and_no_name(
    qtbot: Any, gateway: FakeServices, lookup: WorkDeathLookupWindow
) -> None:
    _type(qtbot, lookup, LIVING, "家属查询")
    assert "没有工亡记录" in lookup.summary.text() and "500***********0310" in lookup.summary.text()
    texts = lookup.view.shown_texts()
    assert "无记录" in texts and "孙建军" not in texts


def test_Q5_shortcut_and_refusal_to_staff_without_records(
    qtbot: Any, window: Any, gateway: FakeServices, menu: LookupMenu
) -> None:
    from counter_app.services.permissions import Action, OfficeKind, Role

    action = menu.lookup_actions[LookupKind.WORK_DEATH]
    assert action.shortcut() == QKeySequence("Ctrl+Shift+W")
    assert len({a.shortcut().toString() for a in menu.lookup_actions.values()}) == len(
        menu.lookup_actions
    )
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(
        window,
        Qt.Key.Key_W,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    opened = menu.windows[LookupKind.WORK_DEATH]
    qtbot.addWidget(opened)
    assert opened.isVisible()  # the key opened it
    admin = make_actor(9, "ADMIN-01", "管理员", Role.ADMIN, OfficeKind.DISTRICT_SUBCENTER)
    assert not admin.may(Action.VIEW_RECORDS)
    window.actor_changed.emit(admin)
    assert not action.isEnabled() and action.toolTip()
    assert not opened.isVisible()  # a change of staff closed it


def test_an_edited_number_takes_the_answer_off_the_screen(
    qtbot: Any, lookup: WorkDeathLookupWindow
) -> None:
    _type(qtbot, lookup, DECEASED, "家属查询")
    assert lookup.view.page is not None
    lookup.edit.setFocus()
    qtbot.keyClick(lookup.edit, Qt.Key.Key_Backspace)  # the number is no longer 孙建军's
    assert lookup.view.page is None and "孙建军" not in lookup.summary.text()
    assert "李秀英" not in lookup.view.shown_texts()


def test_closing_the_window_takes_the_deceased_data_off_the_screen(
    qtbot: Any, lookup: WorkDeathLookupWindow
) -> None:
    _type(qtbot, lookup, DECEASED, "家属查询")
    assert "孙建军" in lookup.summary.text()
    lookup.close()
    assert lookup.edit.text() == "" and lookup.view.page is None
    assert "孙建军" not in lookup.summary.text()
    assert "李秀英" not in lookup.view.shown_texts()


def test_Q7_the_number_is_checked_before_the_reason_and_keeps_the_keyboard(
    qtbot: Any, gateway: FakeServices, lookup: WorkDeathLookupWindow
) -> None:
    """From a new clerk's trial: a wrong number with no reason yet said 查询事由 and moved the
    keyboard there, so the clerk's Ctrl+A and retyped number went into the reason."""
    gc.collect()  # the window's connections outlive a garbage collection
    calls = len(gateway.calls)
    _type(qtbot, lookup, DECEASED[:-1] + "2", None)  # checksum wrong, no reason
    assert len(gateway.calls) == calls  # said here, no call made
    assert "校验位" in lookup.error.text()
    assert lookup.focusWidget() is lookup.edit
    qtbot.keyClick(lookup.edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(lookup.focusWidget(), DECEASED)
    assert lookup.edit.text() == DECEASED and lookup.reason_text() == ""
    assert lookup.error.text() == ""  # the checksum error went with the corrected number
    qtbot.keyClick(lookup.edit, Qt.Key.Key_Return)
    assert "查询事由" in lookup.error.text()  # then the reason, top to bottom
    assert lookup.focusWidget() in (lookup.reason, lookup.reason.lineEdit())
    qtbot.keyClicks(lookup.reason.lineEdit(), "x")
    assert lookup.error.text() == ""  # the reason's message went with the reason typed


def test_Q5_the_services_refusal_of_the_number_goes_when_the_number_is_edited(
    qtbot: Any, gateway: FakeServices, lookup: WorkDeathLookupWindow
) -> None:
    def refuse(*_args: Any) -> Any:
        from counter_app.validation import ValidationError

        raise ValidationError("身份证号码有误。", field="id_number", code="x")

    gateway.work_death_benefits = refuse  # type: ignore[method-assign]
    _type(qtbot, lookup, DECEASED, "家属查询")
    assert lookup.error.text() == "身份证号码有误。"
    assert lookup.focusWidget() is lookup.edit
    lookup.reason.setEditText("家属查询（配偶）")  # another field: the message stays
    assert lookup.error.text() == "身份证号码有误。"
    qtbot.keyClick(lookup.edit, Qt.Key.Key_Backspace)
    assert lookup.error.text() == ""
