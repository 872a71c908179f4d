"""The main window end to end against the fake gateway and the real emulated card."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QLabel

from counter_app.services.permissions import Action
from counter_app.ui.reader_bridge import ReaderState
from tests.e2e.id_typing import choose_reason
from tests.gui.fakes import DOC, SSN

pytestmark = pytest.mark.gui


def type_pin(window: Any, digits: str) -> None:
    for d in digits:
        window.pins.keypad.press_digit(d)
    window.pins.keypad.press_confirm()


def test_status_bar_shows_reader_staff_and_office(window: Any, reader: Any) -> None:
    assert "读卡器就绪" in window.status_bar.reader_label.text()
    assert "医保经办甲" in window.status_bar.staff_label.text()
    assert "渝中区医疗保险分中心" in window.status_bar.office_label.text()
    assert window.windowTitle() == "社保卡经办窗口工作站 — 渝中区医疗保险分中心"
    reader.bridge.notify_reader(False, "")
    assert "未连接读卡器" in window.status_bar.reader_label.text()


def test_card_and_pin_open_the_overview(window: Any, reader: Any, gateway: Any) -> None:
    reader.insert()
    assert reader.bridge.state is ReaderState.CARD_PRESENT
    assert window.pins.keypad.active
    assert "卡号尾号 5674" in window.pins.keypad.purpose_label.text()
    assert window.status_bar.typing_label.text() == "持卡人正在输入密码…"
    type_pin(window, "135790")
    assert window.holder.session is not None
    assert "张三" in window.holder.header.text()
    assert "500***********0016" in window.holder.header.text()
    assert SSN not in window.holder.header.text()
    assert window.status_bar.typing_label.text() == ""
    assert window.action_buttons[Action.CHANGE_PIN].isEnabled()


def test_wrong_pin_asks_again_with_tries_left(window: Any, reader: Any) -> None:
    card = reader.insert()
    type_pin(window, "111111")
    assert window.holder.session is None
    assert window.pins.keypad.active
    assert "2" in window.pins.keypad.tries_label.text()
    assert "密码错误" in window.pins.keypad.message_label.text()
    assert card.pin_tries_left == 2
    type_pin(window, "135790")
    assert window.holder.session is not None


def test_unreadable_card_shows_diagnose_hint(window: Any, reader: Any) -> None:
    reader.transport.remove_during_next_transmit()
    reader.insert()
    assert reader.bridge.state is ReaderState.UNREADABLE
    assert "diagnose" in window.status_bar.reader_label.text()


def test_card_pulled_ends_the_card_session(window: Any, reader: Any, gateway: Any) -> None:
    reader.insert()
    type_pin(window, "135790")
    session = window.holder.session
    reader.remove()
    assert window.holder.session is None
    assert gateway.ended == [session]
    assert "拔出" in window.statusBar().currentMessage()
    assert "张三" not in window.holder.header.text()


def test_card_pulled_while_typing_wipes_the_entry(window: Any, reader: Any) -> None:
    reader.insert()
    window.pins.keypad.press_digit("1")
    buffer = window.pins.keypad._buffer
    reader.remove()
    assert not window.pins.keypad.active
    assert len(buffer) == 0
    assert window.status_bar.typing_label.text() == ""


def test_search_and_id_check_open_a_session(window: Any, gateway: Any) -> None:
    window.search_pane.box.edit.setText(SSN)
    window.search_pane.box.button.click()
    assert window.hits.rowCount() == 1
    assert window.hits.data(window.hits.index(0, 1)) == "500***********0016"
    window.check_id_for_hit()
    dialog = window.id_dialog
    dialog.number.setText(SSN)
    choose_reason(dialog.number)
    dialog.check()
    assert window.id_dialog is None
    assert window.holder.session is not None
    name, args = gateway.calls[-1]
    assert name == "open_id_session" and args[1].number == SSN


def test_id_check_shows_the_service_refusal_and_keeps_the_number(window: Any) -> None:
    """RULES Q7: the service compares; a valid number of someone else is refused in the
    dialog with the number kept (the masked hit is never compared with)."""
    window.search_pane.box.edit.setText(SSN)
    window.search_pane.box.button.click()
    window.check_id_for_hit()
    dialog = window.id_dialog
    other = "500103198507150032"
    dialog.number.setText(other)
    choose_reason(dialog.number)
    dialog.check()
    assert "不一致" in dialog.error.text()
    assert window.id_dialog is dialog and dialog.isVisible()
    assert dialog.number.text() == other
    assert window.holder.session is None


def test_id_check_does_not_reveal_the_check_digit(qtbot: Any, window: Any) -> None:
    from counter_app.ui.id_check import IdCheckDialog

    dialog = IdCheckDialog(None, window)
    qtbot.addWidget(dialog)
    dialog.number.setText(SSN[:17] + "9")  # the right check digit is 6
    choose_reason(dialog.number)
    dialog.check()
    text = dialog.error.text()
    assert "校验位" in text
    assert "6" not in text and "应为" not in text
    assert dialog.result() == 0


def test_category_tabs_load_on_demand(window: Any, gateway: Any) -> None:
    window._id_session_opened(gateway.open_id_session(window.actor, 7, DOC, "x"))
    titles = [window.holder.tabs.tabText(i) for i in range(window.holder.tabs.count())]
    assert titles == [
        "卡状态与历史",
        "卡基本信息",
        "公共数据",
        "就业与失业",
        "社会保险",
        "医疗保险",
        "低保和优抚",
        "生命与健康数据",
        "养老保险",
        "失业保险",
        "工伤人员待遇",
        "工亡人员待遇",
        "生育保险",
    ]
    window.holder.tabs.setCurrentIndex(5)
    assert ("category", "medical") in gateway.calls


def test_reveal_shows_full_number_then_hides_it(qtbot: Any, window: Any, gateway: Any) -> None:
    window._id_session_opened(gateway.open_id_session(window.actor, 7, DOC, "x"))
    window.holder._hide_timer.setInterval(50)
    window.holder.reveal()
    assert SSN in window.holder.header.text()
    qtbot.waitUntil(lambda: SSN not in window.holder.header.text(), timeout=2000)


def test_database_outage_shows_banner_and_keeps_typed_text(window: Any, gateway: Any) -> None:
    gateway.db_down = True
    window.search_pane.box.edit.setText(SSN)
    window.search_pane.box.button.click()
    assert window.banner.isVisible() and "数据库" in window.banner.text()
    assert window.search_pane.box.edit.text() == SSN
    gateway.db_down = False
    window.search_pane.box.button.click()
    assert not window.banner.isVisible()


def test_disabled_actions_have_tooltips(window: Any) -> None:
    button = window.action_buttons[Action.CHANGE_PIN]
    assert not button.isEnabled()
    assert "核验身份证件" in button.toolTip()


def test_lock_screen_shows_no_holder_name(window: Any, reader: Any) -> None:
    reader.insert()
    type_pin(window, "135790")
    window.lock()
    labels = [lab.text() for lab in window.findChildren(QLabel) if lab.isVisible()]
    assert not any("张三" in t for t in labels)


def test_editing_the_query_clears_the_hits_it_no_longer_answers(qtbot: Any, window: Any) -> None:
    """A clerk's trial: after an invalid query the last holder stayed selected and 核验证件并查看
    opened their ID check. Typing into the box now clears the hits and disables the button."""
    box = window.search_pane.box
    box.edit.setText(SSN)
    box.button.click()
    assert window.hits.rowCount() == 1 and window.search_pane.open_button.isEnabled()
    box.edit.setFocus()
    qtbot.keyClick(box.edit, Qt.Key.Key_Backspace)  # 17 digits now: invalid
    assert window.hits.rowCount() == 0
    assert not window.search_pane.open_button.isEnabled()
    assert window.selected_hit() is None


def test_no_hits_and_a_refused_search_are_said_under_the_box(window: Any, gateway: Any) -> None:
    box = window.search_pane.box
    box.edit.setText("李四 1980-01-31")
    box.button.click()
    assert window.hits.rowCount() == 0
    assert box.hint.text().startswith("无记录")

    def refuse(_actor: Any, _text: str) -> Any:
        from counter_app.validation import ValidationError

        raise ValidationError("卡号应为9位：1位大写字母加8位数字。", field="search", code="card")

    box.edit.setText(SSN)
    box.button.click()
    assert window.hits.rowCount() == 1
    gateway.find_holders = refuse
    box.button.click()
    assert window.hits.rowCount() == 0 and not window.search_pane.open_button.isEnabled()
    assert "卡号应为9位" in box.hint.text() and "b00020" in box.hint.styleSheet()


def test_no_pane_can_be_dragged_out_of_sight(window: Any) -> None:
    """A clerk's trial: the divider dragged fully left hid the search pane; F3 then typed
    into an invisible box."""
    splitter = window.splitter
    # Search and records; the action column is a dock of one width beside them.
    assert [splitter.isCollapsible(i) for i in range(splitter.count())] == [False] * 2
    splitter.moveSplitter(0, 1)  # the first divider to the far left
    assert window.search_pane.width() >= window.search_pane.minimumWidth() > 0


def test_the_hit_shows_its_card_state_at_the_default_width(qtbot: Any, window: Any) -> None:
    """A clerk's trial: 卡号 and 卡状态 were off the pane until scrolled sideways. The name,
    masked ID number and card state come first and are in view at the window's first size."""
    from PyQt6.QtWidgets import QApplication

    window.show()
    window.resize(1360, 820)
    window.search_pane.box.edit.setText(SSN)
    window.search_pane.box.button.click()
    QApplication.processEvents()
    view = window.search_pane.view
    headers = [window.hits.headerData(i, Qt.Orientation.Horizontal) for i in range(3)]
    assert headers == ["姓名", "社会保障号码", "卡状态"]
    state = 2
    right = view.columnViewportPosition(state) + view.columnWidth(state)
    assert 0 <= view.columnViewportPosition(state) and right <= view.viewport().width()
