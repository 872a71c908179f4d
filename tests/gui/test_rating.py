"""The holder's rating on the holder-facing screen and the supervisor's follow-ups (RULES
E2, E3), against the fake services; the same flow on the real stack is tests/e2e."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QApplication

from counter_app.models.case import RatingLevel, RatingReason
from counter_app.services.followups import FollowUpItem
from counter_app.services.permissions import Role
from counter_app.services.ratings import RatingStatus
from counter_app.ui.followups import install_followup_badge
from counter_app.ui.rating import install_rating
from tests.gui.conftest import serve_and_end
from tests.gui.fakes import DOC, make_actor

pytestmark = pytest.mark.gui


def test_E2_holder_rates_on_the_holder_screen_and_the_clerk_sees_only_the_status(
    window: Any, rating: Any, gateway: Any, qtbot: Any
) -> None:
    case_no = serve_and_end(window)
    panel = rating.device.panel
    assert window.pins.panel.currentWidget() is panel and panel.isVisible()
    assert case_no in panel.case_label.text() and "YB500103-01" in panel.case_label.text()
    assert rating.status_label.text() == "请持卡人评价…"
    qtbot.mouseClick(panel.level_buttons[RatingLevel.DISSATISFIED], Qt.MouseButton.LeftButton)
    assert case_no not in gateway.ratings  # the two lowest ask for reasons first
    qtbot.mouseClick(panel.reason_buttons[RatingReason.EFFICIENCY], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel.phrase_buttons[0], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel.submit, Qt.MouseButton.LeftButton)
    answer = gateway.ratings[case_no]
    assert answer is not None and answer.level == "dissatisfied"
    assert answer.reasons == ("efficiency",) and answer.comment == "等候时间太长"
    assert rating.status_label.text() == "已评价"
    # Nothing on the clerk's side (outside the holder-facing panel) names the level.
    holder_side = window.pins.panel
    texts = " ".join(
        w.text()
        for w in window.findChildren(type(rating.status_label))
        if not holder_side.isAncestorOf(w)
    )
    assert "已评价" in texts and "满意" not in texts
    # The holder is thanked for a few seconds, then the panel goes.
    assert panel.pages.currentWidget() is panel.thanks and "谢谢您的评价" in panel.thanks.text()
    assert window.pins.panel.currentWidget() is panel and rating.device.thanks_timer.isActive()
    rating.device.thanks_timer.timeout.emit()
    assert window.pins.panel.currentWidget() is not panel


def test_E2_every_text_of_the_rating_panel_fits(window: Any, rating: Any, qtbot: Any) -> None:
    """Nothing clipped on the holder-facing panel: each button at least as wide as its text,
    the case number and staff number each on a line that fits."""
    serve_and_end(window)
    panel = rating.device.panel
    qtbot.mouseClick(panel.level_buttons[RatingLevel.DISSATISFIED], Qt.MouseButton.LeftButton)
    QApplication.processEvents()
    buttons = [
        *panel.level_buttons.values(),
        *panel.reason_buttons.values(),
        *panel.phrase_buttons,
        panel.submit,
    ]
    for button in buttons:
        advance = button.fontMetrics().horizontalAdvance(button.text())
        assert button.sizeHint().width() >= advance, button.text()
        if button.isVisible():
            assert button.width() >= advance, button.text()
    label = panel.case_label
    lines = label.text().split("\n")
    assert any("经办人工号" in line for line in lines) and len(lines) == 2
    for line in lines:
        assert label.width() >= label.fontMetrics().horizontalAdvance(line), line


def test_E2_locking_or_logging_out_keeps_the_holders_rating(
    window: Any, rating: Any, gateway: Any, qtbot: Any
) -> None:
    """Lock (Ctrl+L) or 退出登录 while the holder rates: the rating stays up and is recorded,
    not dropped as 未评价."""
    case_no = serve_and_end(window)
    panel = rating.device.panel
    window.lock()
    assert window.locked and window.pins.panel.currentWidget() is panel
    assert window.holder_dock.isVisible()
    window.action_panel.logout_button.click()  # not reachable while locked; and refused:
    window.logout()
    assert "评价" in window.logout_box.text() and gateway.logged_out == []
    qtbot.mouseClick(panel.level_buttons[RatingLevel.SATISFIED], Qt.MouseButton.LeftButton)
    answer = gateway.ratings[case_no]
    assert answer is not None and answer.level == "satisfied"


def test_E2_clerk_keys_do_not_reach_the_rating(
    window: Any, rating: Any, gateway: Any, qtbot: Any
) -> None:
    case_no = serve_and_end(window)
    panel = rating.device.panel
    button = panel.level_buttons[RatingLevel.VERY_SATISFIED]
    assert all(b.focusPolicy() == Qt.FocusPolicy.NoFocus for b in panel.level_buttons.values())
    for target in (button, panel, window):
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Space, Qt.Key.Key_Enter, Qt.Key.Key_1):
            qtbot.keyClick(target, key)
    QApplication.processEvents()
    assert case_no not in gateway.ratings
    assert rating.status_label.text() == "请持卡人评价…"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # the holder's touch still works
    answer = gateway.ratings[case_no]
    assert answer is not None and answer.level == "very_satisfied"


def test_E2_no_answer_in_time_is_unrated(window: Any, gateway: Any, qtbot: Any) -> None:
    controller = install_rating(window, window.pins, 1)
    case_no = serve_and_end(window)
    assert controller.timer.isActive() and controller.timer.interval() == 1000
    controller.timer.timeout.emit()  # the timeout (no wall-clock wait in a test)
    assert gateway.ratings[case_no] is None
    assert gateway.rating_status(window.actor, case_no) is RatingStatus.UNRATED
    assert controller.status_label.text() == "未评价"
    assert window.pins.panel.currentWidget() is not controller.device.panel
    # A late touch after the timeout records nothing.
    controller.device.panel.choose(RatingLevel.VERY_SATISFIED)
    assert gateway.ratings[case_no] is None


def _item(i: int, overdue: bool) -> FollowUpItem:
    return FollowUpItem(
        i,
        f"500103-YB-20250301-000{i}",
        "YB500103-01",
        "医保经办甲",
        "张三",
        "500103********0016",
        "dissatisfied",
        "不满意",
        ("效率",),
        "",
        dt.datetime(2025, 3, 1, tzinfo=dt.UTC),
        dt.date(2025, 3, 20 + i),
        overdue,
    )


def test_E3_supervisor_sees_the_badge_and_closes_a_follow_up(
    window: Any, gateway: Any, qtbot: Any
) -> None:
    gateway.followups = [_item(1, True), _item(2, False)]
    badge = install_followup_badge(window)
    assert not badge.isVisible()  # a clerk has no follow-ups to see
    supervisor = make_actor(3, "YB500103-03", "分中心主管", role=Role.SUPERVISOR)
    window._set_actor(supervisor)
    assert badge.isVisible() and badge.text() == "待整改：2（逾期 1）"
    badge.click()
    dialog = badge.dialog
    assert dialog is not None
    assert [dialog.table.item(r, 2).text() for r in range(2)] == [
        "500103-YB-20250301-0001",
        "500103-YB-20250301-0002",
    ]
    assert dialog.table.item(0, 1).text() == "已逾期"
    dialog.table.selectRow(0)
    dialog.close_selected()
    editor = dialog.editor
    assert editor is not None
    editor.ok.click()  # empty: refused in the dialog
    assert editor.isVisible() and "整改措施" in editor.error.text()
    editor.action_edit.setPlainText("约谈窗口人员")
    editor.outcome_edit.setPlainText("回访持卡人，表示认可")
    editor.ok.click()
    assert [f.followup_id for f in gateway.followups if f.closed_at is None] == [2]
    assert dialog.table.rowCount() == 1
    window.followup_badge = badge
    badge.refresh()
    assert badge.text() == "待整改：1（逾期 0）"


def test_E3_follow_up_list_from_the_menu_and_a_clickable_badge(
    window: Any, gateway: Any, qtbot: Any
) -> None:
    gateway.followups = [_item(1, False), _item(2, False)]
    badge = install_followup_badge(window)
    action = badge.menu_action
    assert not action.isVisible()  # a clerk has no follow-up list
    supervisor = make_actor(3, "YB500103-03", "分中心主管", role=Role.SUPERVISOR)
    window._set_actor(supervisor)
    menus = [a.menu() for a in window.menuBar().actions() if a.menu() is not None]
    [menu] = [m for m in menus if action in m.actions()]
    assert action.isVisible() and menu.menuAction().isVisible() and "待整改差评" in action.text()
    action.trigger()
    dialog = badge.dialog
    assert dialog is not None and dialog.isVisible() and dialog.table.rowCount() == 2
    assert dialog.close_button.isEnabled() and "办结" in dialog.close_button.text()
    dialog.close()
    # The badge is a link: the pointing hand, and a mouse click opens the list.
    assert badge.cursor().shape() == Qt.CursorShape.PointingHandCursor
    qtbot.mouseClick(badge, Qt.MouseButton.LeftButton)
    assert badge.dialog is not None and badge.dialog.isVisible()


def test_E4_reports_menu_offers_the_rating_report(window: Any) -> None:
    from counter_app.ui.supervisor import RATING, install_reports_menu
    from reports.runner import RatingRequest

    supervisor = make_actor(3, "YB500103-03", "分中心主管", role=Role.SUPERVISOR)
    window._set_actor(supervisor)
    menu = install_reports_menu(window, lambda *_a: b"", None)
    action = menu.report_actions[RATING]
    assert action.isEnabled() and action.text() == "服务好差评统计…"
    dialog = menu.open_report(RATING)
    assert dialog is not None
    request = dialog.request()
    assert isinstance(request, RatingRequest) and request.office_code == "500103-YB"
    assert request.first_day <= request.last_day
    dialog.close()


def test_E1_queue_ticket_typed_or_scanned_goes_on_the_open_case(
    window: Any, gateway: Any, qtbot: Any
) -> None:
    from counter_app.ui.queue_ticket import install_queue_ticket

    field = install_queue_ticket(window)
    qtbot.keyClicks(field.edit, "A012")
    qtbot.keyClick(field.edit, Qt.Key.Key_Return)  # no service open: nothing attached
    assert gateway.tickets == {} and "请先开始服务" in window.statusBar().currentMessage()
    session = gateway.open_id_session(window.actor, 7, DOC, "查询")
    window._id_session_opened(session)
    field.edit.clear()
    qtbot.keyClicks(field.edit, " B007")  # a scanner types, then Enter
    qtbot.keyClick(field.edit, Qt.Key.Key_Return)
    case_no = f"500103-YB-20250310-{session.session_id:04d}"
    assert gateway.tickets == {case_no: "B007"} and field.attached == "B007"
    assert case_no in window.statusBar().currentMessage()
    window.end_session()
    assert field.edit.text() == ""  # the next holder starts with an empty field


def test_E2_the_next_holder_cannot_rate_the_last_case(
    window: Any, rating: Any, gateway: Any, qtbot: Any
) -> None:
    """A clerk's trial: the rating of 张伟's case stayed up while 黄敏 was served, and her
    tap was recorded on his case. Serving the next holder ends it 未评价 first."""
    case_no = serve_and_end(window)
    assert rating.case_no == case_no and rating.device.asking
    window.search_pane.box.edit.setText(DOC.number)
    window.search_pane.box.button.click()
    window.check_id_for_hit()  # the clerk starts the next holder's ID check
    assert rating.case_no is None and not rating.device.asking
    assert gateway.ratings[case_no] is None
    assert gateway.rating_status(window.actor, case_no) is RatingStatus.UNRATED
    assert window.pins.panel.currentWidget() is not rating.device.panel
    rating.device.panel.choose(RatingLevel.VERY_SATISFIED)  # a late tap records nothing
    assert gateway.ratings[case_no] is None
    if window.id_dialog is not None:
        window.id_dialog.reject()


def test_E2_a_card_session_of_the_next_holder_ends_the_last_rating(
    window: Any, rating: Any, gateway: Any
) -> None:
    case_no = serve_and_end(window)
    session = window.gateway.open_id_session(window.actor, 7, DOC, "查询")
    window._card_session_opened(session)  # the next holder's card and PIN
    assert rating.case_no is None and gateway.ratings[case_no] is None
