"""Defects a new clerk met trying the demo, on the real stack (the demo composition, the
migrated demo database, the card emulator, the holder keypad clicked button by button)."""

from __future__ import annotations

from typing import Any

import pytest

from counter_app.demo.accounts import fixed_holder
from counter_app.services.permissions import Action
from tests.e2e.id_typing import type_number

pytestmark = pytest.mark.gui

#: The screen the trial ran on (Xvfb 1600x1000), a common counter monitor's width.
TRIAL_SCREEN_WIDTH = 1600


def test_P5_back_after_the_supervisor_was_refused(counter: Any) -> None:
    """A wrong supervisor password on the reset's approval page: the refusal is shown and
    上一步 still goes back to the document (it stayed greyed out, only 取消 was left)."""
    c = counter("YB500103-01")
    holder = fixed_holder("active_changed_pin")
    c.card_session("active_changed_pin")
    d = c.start(Action.RESET_PIN)
    type_number(c.qtbot, d.id_step.fields.number, holder.ssn)
    c.next(d)
    assert d.stack.currentWidget() is d.approval.page, d.banner.text()
    d.approval.staff_no.setText("YB500103-03")
    d.approval.password.setText("not-the-password")
    c.next(d)
    assert d.banner.isVisible() and d.stack.currentWidget() is d.approval.page
    c.click(d.back_button)
    assert d.stack.currentWidget() is d.id_step.page


def test_P6_back_after_the_holder_cancelled_the_keypad(counter: Any) -> None:
    """赵强's unblock: the holder cancels the keypad on the last page; the clerk can still go
    back (or ask again), and the card is untouched."""
    c = counter("YB500103-01")
    holder = fixed_holder("pin_blocked")
    c.id_session("pin_blocked")
    c.insert("pin_blocked")
    d = c.start(Action.UNBLOCK_PIN)
    type_number(c.qtbot, d.id_step.fields.number, holder.ssn)
    c.next(d)
    assert d.stack.currentWidget() is d.pin_page, d.banner.text()
    c.next(d)
    assert c.ws.pin_entry.keypad.active
    c.ws.pin_entry.keypad.cancel()  # the holder's Esc
    assert "取消" in d.banner.text()
    assert d.next_button.isEnabled()
    c.click(d.back_button)
    assert d.stack.currentWidget() is d.id_step.page
    assert c.ws.transport.card.to_profile()["pin_tries_left"] == 0


def test_card_in_reader_line_names_the_card_and_never_widens_the_window(counter: Any) -> None:
    """Inserting 王建国's card put his whole list line (PIN and note) under the list on one
    unwrapped line: the demo dock, and the window, grew past a 1600-px screen and the holder
    keypad was cut off. The line names the card only, and wraps."""
    c = counter("CK500103-01")
    panel = c.window.demo_panel
    c.insert("active_default_pin")
    holder = fixed_holder("active_default_pin")
    assert panel.current.text() == f"读卡器中：{holder.name}  {holder.card_number}"
    assert panel.current.wordWrap()
    assert c.ws.pin_entry.keypad.active  # its dock is open beside the records
    assert c.window.minimumSizeHint().width() <= TRIAL_SCREEN_WIDTH
    assert "P2" in panel.list.currentItem().toolTip()  # the whole line, where it is cut off


def test_P2_pin_change_with_the_id_card_read_from_the_chip(counter: Any) -> None:
    """王建国 changes his default PIN with his ID card on the reader: 下一步 after 读取身份证
    refused the masked number the field shows ("第4位是「*」"), so no chip read could ever
    pass the change's ID step."""
    from tests.e2e.test_idcard import place_id_card, read_chip

    c = counter("CK500103-01")
    c.card_session("active_default_pin")
    d = c.start(Action.CHANGE_PIN)
    place_id_card(c, "active_default_pin")
    read_chip(c, d.documents.chip)
    c.next(d)
    assert d.stack.currentWidget() is d.pin_page, d.banner.text()
    c.next(d)
    for pin in ("123456", "802413", "802413"):
        c.type_pin(pin)
    assert "成功" in d.result_label.text(), d.banner.text()
    assert c.ws.transport.card.to_profile()["pin"] == "802413"


def test_P5_typing_goes_into_the_page_s_first_field(counter: Any) -> None:
    """The supervisor typed their staff number on the approval page and it went nowhere
    (no field had the focus); so did the clerk's ID number on the first page."""
    from PyQt6.QtWidgets import QApplication

    c = counter("YB500103-01")
    holder = fixed_holder("active_changed_pin")
    c.card_session("active_changed_pin")
    d = c.start(Action.RESET_PIN)
    c.qtbot.waitExposed(d)
    d.activateWindow()
    c.qtbot.waitUntil(lambda: QApplication.focusWidget() is d.id_step.fields.number)
    type_number(c.qtbot, d.id_step.fields.number, holder.ssn)
    c.next(d)
    assert d.stack.currentWidget() is d.approval.page, d.banner.text()
    assert QApplication.focusWidget() is d.approval.staff_no
    c.qtbot.keyClicks(QApplication.focusWidget(), "YB500103-03")
    assert d.approval.staff_no.text() == "YB500103-03"


def test_P5_another_holders_card_in_the_reader_is_named_before_any_pin(counter: Any) -> None:
    """王建国's card was still in the reader when 李秀英 was served by ID document: 重置遗忘密码
    stayed on, the keypad asked her for a new PIN "卡号尾号 4866" (his card), and only then
    came "不是挂失的那张卡". The PIN services now wait for her own card and say why."""
    c = counter("YB500103-01")
    c.card_session("active_default_pin")
    c.click(c.window.end_button)
    c.id_session("active_changed_pin")  # his card is still in the reader
    button = c.window.action_buttons[Action.RESET_PIN]
    assert not button.isEnabled()
    assert "不是该持卡人的卡" in button.toolTip()
    c.remove()
    c.insert("active_changed_pin")
    assert button.isEnabled(), button.toolTip()


def test_P6_blocked_card_s_search_button_finds_its_holder(counter: Any) -> None:
    """赵强's blocked card: 查询参保人（F3） in the dialog only put the cursor in an empty
    search box; the clerk had to ask for and type his number. It looks him up by the card
    number read from the chip."""
    from PyQt6.QtWidgets import QApplication

    c = counter("YB500103-01")
    c.insert("pin_blocked")
    box = c.window.pin_blocked_box
    (search,) = [b for b in box.buttons() if b.text() == "查询参保人（F3）"]
    c.click(search)
    QApplication.processEvents()
    hits = c.window.hits
    assert hits.rowCount() == 1
    assert c.window.search_pane.selected_hit().name == fixed_holder("pin_blocked").name
    assert c.window.search_pane.open_button.isEnabled()


def test_Q7_the_demo_id_card_can_be_placed_while_the_id_check_is_open(counter: Any) -> None:
    """周国华's ID card placed by mistake for 赵强's check: refused; the clerk could not reach
    取走身份证 / 放置身份证 (the check was window-modal over the demo panel) and had to
    cancel and start again. The check stays open while the right card is placed and read."""
    from PyQt6.QtWidgets import QApplication, QDialogButtonBox

    from tests.e2e.test_idcard import place_id_card, read_chip

    c = counter("YB500103-01")
    holder = fixed_holder("pin_blocked")
    c.search(holder.ssn)
    c.click(c.window.search_pane.open_button)
    dialog = c.window.id_dialog
    assert QApplication.activeModalWidget() is None  # the demo panels stay in reach
    place_id_card(c, "retired")
    read_chip(c, dialog.chip)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    c.click(ok)
    assert "不一致" in dialog.error.text() and dialog.isVisible()
    c.click(c.window.search_pane.open_button)  # a second click: the same check, raised
    assert c.window.id_dialog is dialog
    place_id_card(c, "pin_blocked")
    read_chip(c, dialog.chip)
    c.click(ok)
    assert not dialog.isVisible(), dialog.error.text()
    assert c.window.holder.session is not None


def test_P6_f12_after_the_unblock_closes_its_result_first(counter: Any) -> None:
    """After 赵强's unblock the holder's last key was on the keypad: the clerk's Enter went to
    the main window, and F12 ended the service under the still-open unblock dialog. The
    result now takes the keyboard; F12 mid-workflow is refused with what to do."""
    from PyQt6.QtWidgets import QApplication

    c = counter("YB500103-01")
    holder = fixed_holder("pin_blocked")
    c.id_session("pin_blocked")
    c.insert("pin_blocked")
    d = c.start(Action.UNBLOCK_PIN)
    type_number(c.qtbot, d.id_step.fields.number, holder.ssn)
    c.next(d)
    c.window.end_session()  # F12 while the ID document is being checked
    assert c.window.holder.session is not None and d.isVisible()
    assert "请先完成或取消" in c.window.statusBar().currentMessage()
    c.next(d)
    activated: list[bool] = []
    original = d.activateWindow
    d.activateWindow = lambda: (activated.append(True), original())  # type: ignore[method-assign]
    c.type_pin(holder.pin)  # a real click on the keypad activates the main window
    assert "已解锁" in d.result_label.text(), d.banner.text()
    assert activated  # the result takes the keyboard back from the keypad's window
    c.qtbot.waitUntil(lambda: QApplication.focusWidget() is d.close_button, timeout=2000)
    assert d.close_button.isDefault()
    c.window.end_session()  # F12 on the result: 完成 for the clerk, then the service ends
    assert not d.isVisible() and c.window.workflow is None
    assert c.window.holder.session is None


def test_the_search_box_keeps_its_hint_while_the_holder_types(counter: Any) -> None:
    """With the holder keypad's dock open the search pane shrank until its box read
    "身份证…" and the hits showed two columns; it keeps room for its whole hint, and the
    window still fits the screen."""
    from PyQt6.QtWidgets import QApplication

    c = counter("CK500103-01")
    c.insert("active_default_pin")
    assert c.ws.pin_entry.keypad.active
    QApplication.processEvents()
    edit = c.window.search_pane.box.edit
    needed = edit.fontMetrics().horizontalAdvance(edit.placeholderText())
    assert edit.width() >= needed, (edit.width(), needed)
    assert c.window.minimumSizeHint().width() <= TRIAL_SCREEN_WIDTH


def test_E2_the_holder_takes_the_card_and_still_rates(counter: Any) -> None:
    """After 结束服务 the holder took the card out first: the rating panel was hidden with the
    PIN entry (its dock left a 21-px strip) and the case could only end 未评价."""
    from PyQt6.QtWidgets import QApplication

    from counter_app.models.case import RatingLevel

    c = counter("CK500103-01")
    c.card_session("active_default_pin")
    c.click(c.window.end_button)
    QApplication.processEvents()
    rating = c.window.rating
    panel = rating.device.panel
    assert panel.isVisible()
    c.remove()  # the holder takes the card back
    QApplication.processEvents()
    assert panel.isVisible() and c.ws.pin_entry.panel.currentWidget() is panel
    assert c.window.holder_dock.width() >= panel.minimumSizeHint().width()
    c.click(panel.level_buttons[RatingLevel.SATISFIED])
    assert rating.status_label.text() == "已评价"


def test_E2_an_unanswered_rating_does_not_take_the_next_holder_s_keypad(counter: Any) -> None:
    """The next holder inserted a card while the last rating was still up; when that rating
    timed out (未评价) the holder dock was hidden with the new holder's keypad on it."""
    from PyQt6.QtWidgets import QApplication

    c = counter("CK500103-01")
    c.card_session("active_default_pin")
    c.click(c.window.end_button)
    QApplication.processEvents()
    c.insert("retired")  # the next holder; the last one never rated
    keypad = c.ws.pin_entry.keypad
    assert keypad.active and c.window.holder_dock.isVisible()
    c.window.rating._timed_out()  # the rating's time is up
    QApplication.processEvents()
    assert keypad.active and c.window.holder_dock.isVisible() and keypad.isVisible()
    c.type_pin("123456")
    assert c.window.holder.session is not None


def test_P7_the_weak_pin_refusal_is_gone_once_the_reset_succeeds(counter: Any) -> None:
    """李秀英 typed 111111 first, then 802413 twice: 卡密码已重置 stood under the red
    "新密码过于简单…请重新输入新密码" of the first try."""
    c = counter("CK500103-01")
    holder = fixed_holder("active_changed_pin")
    c.card_session("active_changed_pin")
    d = c.start(Action.RESET_PIN)
    type_number(c.qtbot, d.id_step.fields.number, holder.ssn)
    c.next(d)
    c.approve(d, "CK500103-03")
    c.next(d)
    c.type_pin("111111")
    assert "过于简单" in d.banner.text()
    c.type_pin("802413")
    c.type_pin("802413")
    assert "已重置" in d.result_label.text(), d.banner.text()
    assert not d.banner.isVisible() and d.banner.text() == ""


@pytest.mark.also_remote
def test_E2_the_next_holders_tap_never_rates_the_last_case(counter: Any) -> None:
    """A new clerk's trial: 张伟's rating stayed up while 黄敏 was served and her tap was
    recorded on his case. Starting the next holder's ID check ends it 未评价 first."""
    from PyQt6.QtWidgets import QApplication

    from counter_app.models.case import RatingLevel
    from counter_app.services.ratings import RatingStatus

    c = counter("CK500103-01")
    c.card_session("active_default_pin")
    c.click(c.window.end_button)
    QApplication.processEvents()
    rating = c.window.rating
    case_no = rating.case_no
    assert case_no and rating.device.asking
    nxt = fixed_holder("retired")
    c.search(nxt.ssn)
    c.id_check(nxt.ssn)  # the next holder at the window
    QApplication.processEvents()
    assert rating.case_no is None and not rating.device.asking
    rating.device.panel.choose(RatingLevel.VERY_SATISFIED)  # a late tap: nothing recorded
    QApplication.processEvents()
    status = c.ws.gateway.rating_status(c.window.actor, case_no)
    assert status is RatingStatus.UNRATED
    assert c.window.holder.session is not None  # the next holder's service goes on
