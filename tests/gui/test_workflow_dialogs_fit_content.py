"""Workflow dialogs are as tall as what they show, no taller and no shorter: each page of
F5 修改卡密码, F6 重置遗忘密码, F7 密码解锁, F8 书面挂失, F9 解除挂失, F10 补卡申请 and
F11 重置查询服务密码 is measured against its own layout. Qt's stack of pages asked for the
tallest page: 解除挂失 opened on its short card page as tall as its ID check, and the PIN
pages kept the ID page's height, empty space under their text (a clerk's trial under Xvfb).
The chip block that appears after reading an ID card still makes the dialog taller. F3
核验证件 has no empty rows above its buttons."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PyQt6.QtWidgets import QFormLayout, QWidget

from counter_app.demo.accounts import fixed_holder
from counter_app.services.permissions import Action
from counter_app.services.queries.holder import HolderHit
from counter_app.ui.id_check import IdCheckDialog
from counter_app.ui.id_reader import IdCardStation
from tests.e2e.id_typing import choose_reason
from tests.gui.pty_station import SSN
from tests.gui.test_workflows_more import approve, counter, demo_template  # noqa: F401

pytestmark = pytest.mark.gui

#: Rounding between a layout's measure and the geometry it hands out (pixels).
SLACK = 2


def needed(page: QWidget) -> int:
    """The height the page's own layout asks for at the page's width."""
    if page.hasHeightForWidth():
        return page.heightForWidth(page.width())
    return page.sizeHint().height()


def fits(qtbot: Any, d: Any) -> tuple[int, int, int]:
    """(page height, what the page needs, the dialog's height less its layout's need)."""
    qtbot.wait(30)  # the pending layout requests and the deferred fit run
    page = d.stack.currentWidget()
    return page.height(), needed(page), d.height() - layout_height(d)


def layout_height(window: QWidget) -> int:
    """The height the window's layout asks for at the window's width."""
    layout = window.layout()
    assert layout is not None
    if layout.hasHeightForWidth():
        return layout.totalHeightForWidth(window.width())
    return layout.totalSizeHint().height()


def assert_fits(qtbot: Any, d: Any) -> None:
    height, need, spare = fits(qtbot, d)
    name = d.stack.currentWidget().objectName() or d.stack.currentIndex()
    assert need <= height <= need + SLACK, (name, height, need)  # nothing cut, nothing empty
    assert 0 <= spare <= SLACK, (name, spare)


def type_document(d: Any, key: str) -> None:
    fields = d.documents if hasattr(d, "documents") else d.id_step.fields
    fields.number.setText(fixed_holder(key).ssn)
    choose_reason(fields.number)
    d.next()


def test_lift_fits_each_page_from_the_card_to_the_result(counter: Any, qtbot: Any) -> None:  # noqa: F811
    c = counter("YB500105-01")  # 江北区: 陈明's district (RULES U2); four-eyes on
    c.insert("written_lost")
    d = c.start(Action.LIFT_LOSS_REPORT)
    qtbot.waitExposed(d)
    assert_fits(qtbot, d)  # the card page: it opened as tall as the ID check
    d.next()
    assert d.stack.currentWidget() is d.id_step.page
    assert_fits(qtbot, d)
    type_document(d, "written_lost")
    assert d.stack.currentWidget() is d.check_page
    assert_fits(qtbot, d)
    d.next()
    assert_fits(qtbot, d)  # the supervisor's approval
    approve(d, "YB500105-03")
    assert d.stack.currentWidget() is d.pin_page
    assert_fits(qtbot, d)
    d.back()
    assert_fits(qtbot, d)
    d.next()
    d.next()
    c.type_pin("123456")
    assert d.finished_ok, d.banner.text()
    assert_fits(qtbot, d)


def test_change_pin_grows_with_the_chip_block_and_fits_the_pin_page(
    counter: Any,  # noqa: F811
    qtbot: Any,
    pty_id_station: IdCardStation,
) -> None:
    c = counter("YB500103-01")
    c.insert("active_default_pin")
    c.type_pin("123456")  # 王建国 logs in with his card
    d = c.start(Action.CHANGE_PIN)
    qtbot.waitExposed(d)
    assert_fits(qtbot, d)
    before = d.height()
    assert pty_id_station.place(SSN)
    d.documents.chip.show_reading(pty_id_station.read())
    assert_fits(qtbot, d)  # the chip block and the photo whole, not squeezed
    with_chip = d.height()
    assert with_chip > before
    d.next()
    assert d.stack.currentWidget() is d.pin_page, d.banner.text()
    assert_fits(qtbot, d)  # the PIN page kept the ID page's height, empty below
    assert d.height() < with_chip


@pytest.mark.parametrize(
    ("action", "key", "card"),
    [
        (Action.RESET_PIN, "active_changed_pin", True),
        (Action.UNBLOCK_PIN, "pin_blocked", True),
        (Action.REPLACEMENT_APPLICATION, "phone_lost", False),
        (Action.RESET_SERVICE_PASSWORD, "active_default_pin", False),
        (Action.WRITTEN_LOSS_REPORT, "active_default_pin", False),
    ],
)
def test_id_checked_workflows_fit_their_first_and_second_page(
    counter: Any,  # noqa: F811
    qtbot: Any,
    action: Action,
    key: str,
    card: bool,
) -> None:
    c = counter("YB500103-01")  # 渝中区医疗保险分中心; four-eyes on
    c.id_session(key)  # the holder identified by their ID card (RULES Q7)
    if card:
        c.insert(key)
    d = c.start(action)
    qtbot.waitExposed(d)
    assert_fits(qtbot, d)
    first = d.stack.currentIndex()
    if action is Action.WRITTEN_LOSS_REPORT:  # the 挂失登记表's own fields (RULES L3)
        d.phone.setText("13800138000")
        d.place.setText("解放碑")
        d.circumstances.setPlainText("乘公交时遗失")
    type_document(d, key)
    assert d.stack.currentIndex() != first, d.banner.text()  # the second page
    assert_fits(qtbot, d)


def test_id_check_dialog_has_no_empty_rows_above_its_buttons(qtbot: Any) -> None:
    """F3 核验证件: the empty error line (and the row kept for other sources) took a text
    line's height and their spacing under 查询原因; an error still shows whole."""
    hit = HolderHit(1, "王建国", SSN, "1", dt.date(1968, 3, 15), None, None)
    dialog = IdCheckDialog(hit)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.wait(30)
    form = dialog.layout()
    assert isinstance(form, QFormLayout)
    gap = dialog.buttons.geometry().top() - dialog.reason_box.geometry().bottom() - 1
    assert gap <= form.verticalSpacing() + SLACK, gap
    assert dialog.height() <= layout_height(dialog) + SLACK
    dialog.say("所出示证件的号码与持卡人不一致，请核对证件。" * 3)
    qtbot.wait(30)
    error = dialog.error
    assert error.isVisible() and error.height() >= error.heightForWidth(error.width())
    assert error.geometry().bottom() < dialog.buttons.geometry().top()
    dialog.say("")
    assert not dialog.error.isVisible()
