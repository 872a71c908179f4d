"""Defects a new clerk met trying the demo, each pinned by a test on the fake services and
the real emulated card (the same flows on the real stack: tests/e2e/test_trial_fixes.py)."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtWidgets import QLabel

from counter_app.services.errors import ConcurrentChange
from counter_app.services.permissions import Action
from counter_app.ui.main_window import MainWindow
from counter_app.ui.pin_entry import PinEntry
from counter_app.ui.workflows import open_workflow
from counter_app.ui.workflows.reset_pin import ResetPinDialog
from tests.e2e.id_typing import choose_reason
from tests.gui.fakes import SSN, WorkflowServices, make_actor
from tests.gui.test_workflows import card_session, wf  # noqa: F401 - fixture

pytestmark = pytest.mark.gui


class RefusingServices(WorkflowServices):
    """The reset is refused on its last page (another window holds the card)."""

    def reset_pin(self, *args: Any, **kwargs: Any) -> Any:
        raise ConcurrentChange()


@pytest.fixture
def win(qtbot: Any, runner: Any, reader: Any) -> Any:
    pins = PinEntry(second_screen=False)
    window = MainWindow(
        RefusingServices(),
        runner,
        reader.bridge,
        pins,
        make_actor(),  # type: ignore[arg-type]
        open_workflow=open_workflow,
    )
    qtbot.addWidget(window)
    qtbot.addWidget(pins.panel)
    window.show()
    yield window
    if window.workflow is not None:
        window.workflow.reject()
    window.holder.clear()
    pins.cancel()


def type_pin(window: Any, digits: str) -> None:
    for digit in digits:
        window.pins.keypad.press_digit(digit)
    window.pins.keypad.press_confirm()


def reset_on_pin_page(window: Any, reader: Any) -> ResetPinDialog:
    reader.insert(pin="135790")
    type_pin(window, "135790")
    assert window.holder.session is not None
    window.action_buttons[Action.RESET_PIN].click()
    dialog = window.workflow
    assert isinstance(dialog, ResetPinDialog)
    dialog.id_step.fields.number.setText(SSN)
    choose_reason(dialog.id_step.fields.number)
    dialog.next()
    assert dialog.stack.currentWidget() is dialog.pin_page, dialog.banner.text()
    assert dialog.back_button.isEnabled()
    return dialog


def test_back_button_works_after_a_refusal_on_the_last_page(win: Any, reader: Any) -> None:
    """The service refused the reset on its last page: the reason is shown and 上一步 takes
    the clerk back to the document (it stayed greyed out, leaving only 取消)."""
    d = reset_on_pin_page(win, reader)
    d.next()
    type_pin(win, "802413")
    type_pin(win, "802413")
    assert "另一窗口" in d.banner.text()
    assert d.stack.currentWidget() is d.pin_page
    assert d.back_button.isEnabled() and d.next_button.isEnabled()
    d.back_button.click()
    assert d.stack.currentWidget() is d.id_step.page


def test_back_button_works_after_the_holder_cancels_the_keypad(win: Any, reader: Any) -> None:
    d = reset_on_pin_page(win, reader)
    d.next()
    assert not d.back_button.isEnabled()  # the holder is typing
    win.pins.keypad.cancel()  # the holder pressed Esc on the keypad
    assert "取消" in d.banner.text()
    assert d.back_button.isEnabled() and d.next_button.isEnabled()


def test_card_pulled_keeps_both_buttons_off(win: Any, reader: Any) -> None:
    """A pulled card ends the workflow: neither button comes back when the keypad closes."""
    d = reset_on_pin_page(win, reader)
    d.next()
    reader.remove()
    assert "拔出" in d.banner.text()
    assert not d.back_button.isEnabled() and not d.next_button.isEnabled()


def test_workflow_dialog_keeps_its_width_and_the_photo_clears_the_reason_row(
    qtbot: Any,
    wf: Any,  # noqa: F811
    reader: Any,
    pty_id_station: Any,
) -> None:
    """修改卡密码 after 读取身份证 under Xvfb: the dialog had shrunk to ~340 px (the layout's
    minimum replaced its 560), the chip's note wrapped, and the page — whose stack passes
    on no height-for-width — kept its one-line height: the photo ran over 人工录入原因."""
    from tests.gui.pty_station import SSN as CHIP_SSN
    from tests.gui.test_dialogs_fit import _fits, _settle

    card_session(wf, reader)
    wf.action_buttons[Action.CHANGE_PIN].click()
    d = wf.workflow
    qtbot.waitExposed(d)
    assert d.width() >= 560
    chip = d.documents.chip
    assert pty_id_station.place(CHIP_SSN)
    reading = pty_id_station.read()
    reading.photo_problem = "照片数据无法解码，请仔细核对证件上的照片与本人。" * 3
    chip.show_reading(reading)
    _settle(qtbot, d)
    assert _fits(chip.status)
    photo_bottom = chip.photo.mapTo(d, chip.photo.rect().bottomLeft()).y()
    page = d.stack.currentWidget()
    assert page.height() >= page.layout().totalHeightForWidth(page.width())  # nothing squeezed
    label = chip.reason.parentWidget().layout().labelForField(chip.reason)
    assert isinstance(label, QLabel) and label.text() == "人工录入原因"
    for row in (label, chip.reason):
        assert photo_bottom < row.mapTo(d, row.rect().topLeft()).y()


def test_P4_change_pin_accepts_the_id_card_read_from_the_chip(
    wf: Any,  # noqa: F811
    reader: Any,
) -> None:
    """The field shows the chip's number masked; the change's ID step checked that masked
    text and refused every chip read ("第4位是「*」")."""
    from counter_app.ui.id_reader import IdCardStation
    from reader.idcard.emulator import PtyIdReader
    from reader.idcard.profile import DEMO_SAM_ID
    from tests.gui.pty_station import CARD

    emulator = PtyIdReader(None, sam_id=bytes.fromhex(DEMO_SAM_ID))
    own = IdCardStation(
        emulator.start(),
        "demo",
        emulator=emulator,
        demo_profiles=lambda: {SSN: {**CARD, "id_number": SSN}},
        polls=2,
    )
    checked: list[Any] = []
    # The fake compares no chip documents (no registered name): record what it is sent.
    wf.gateway.check_session_document = lambda _a, _s, document, _p: checked.append(document)
    try:
        card_session(wf, reader)
        wf.action_buttons[Action.CHANGE_PIN].click()
        d = wf.workflow
        assert own.place(SSN)
        d.documents.chip.show_reading(own.read())
        assert "*" in d.id_number.text()  # masked on screen
        d.next()
        assert d.stack.currentWidget() is d.pin_page, d.banner.text()
        # the chip's full number, asked at once after the read and again at 下一步
        assert [doc.number for doc in checked] == [SSN, SSN]
    finally:
        own.close()


def test_enter_on_the_result_page_closes_the_dialog(
    qtbot: Any,
    wf: Any,  # noqa: F811
    reader: Any,
) -> None:
    """修改卡密码 done: the clerk pressed Enter on 完成's page and nothing happened (下一步,
    the default, was hidden); the dialog stayed open while the next service began."""
    from PyQt6.QtCore import Qt

    card_session(wf, reader)
    wf.action_buttons[Action.CHANGE_PIN].click()
    d = wf.workflow
    d.id_number.setText(SSN)
    choose_reason(d.id_number)
    d.next()
    d.next()
    for pin in ("135790", "802413", "802413"):
        type_pin(wf, pin)
    assert "成功" in d.result_label.text(), d.banner.text()
    assert d.close_button.text() == "完成"
    qtbot.keyClick(d, Qt.Key.Key_Return)
    assert not d.isVisible()


def test_enter_in_the_query_reason_confirms_the_id_check(qtbot: Any) -> None:
    """After 读取身份证 the focus lands in 查询原因 (an editable list): Enter there did nothing
    but add the reason to the list again; it is 确定 now."""
    import datetime as dt

    from PyQt6.QtCore import Qt

    from counter_app.services.queries.holder import HolderHit
    from counter_app.ui.id_check import IdCheckDialog

    hit = HolderHit(7, "张三", SSN, "1", dt.date(1985, 7, 15), None, None)
    submitted: list[tuple[str, str]] = []
    dialog = IdCheckDialog(
        hit, submit=lambda doc, reason, ok, _bad: (submitted.append((doc.number, reason)), ok(1))
    )
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.number.setText(SSN)
    choose_reason(dialog.number)
    count = dialog.reason_box.count()
    edit = dialog.reason_box.lineEdit()
    edit.setFocus()
    edit.selectAll()
    edit.setText("核对缴费记录")  # a reason of the clerk's own
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert submitted == [(SSN, "核对缴费记录")]
    assert dialog.result_value == 1 and not dialog.isVisible()
    assert dialog.reason_box.count() == count


def test_enter_after_reading_the_chip_goes_on_instead_of_reading_again(qtbot: Any) -> None:
    """读取身份证, once clicked, became the dialog's default: Enter read the chip again."""
    import datetime as dt

    from PyQt6.QtCore import Qt

    from counter_app.services.queries.holder import HolderHit
    from counter_app.ui.id_check import IdCheckDialog

    hit = HolderHit(7, "张三", SSN, "1", dt.date(1985, 7, 15), None, None)
    submitted: list[str] = []
    dialog = IdCheckDialog(
        hit, submit=lambda doc, _r, ok, _bad: (submitted.append(doc.number), ok(1))
    )
    qtbot.addWidget(dialog)
    dialog.show()
    reads: list[bool] = []
    dialog.chip.read_button.clicked.connect(lambda: reads.append(True))
    qtbot.mouseClick(dialog.chip.read_button, Qt.MouseButton.LeftButton)  # no reader here
    assert reads == [True]
    dialog.number.setText(SSN)  # typed, with the reason the failed read chose
    dialog.chip.read_button.setFocus()
    qtbot.keyClick(dialog.chip.read_button, Qt.Key.Key_Return)
    assert reads == [True] and submitted == [SSN]


def test_another_holders_card_in_the_reader_rules_out_the_card_services() -> None:
    """Situation.other_card: the PIN services and the lift wait for the holder's own card."""
    from counter_app.ui.actions import Situation, availability

    actor = make_actor()
    here = Situation(has_session=True, card_in_reader=True, card_state="active")
    assert availability(actor, Action.RESET_PIN, here) == (True, "")
    other = Situation(has_session=True, card_in_reader=True, card_state="active", other_card=True)
    for action in (Action.CHANGE_PIN, Action.RESET_PIN):
        enabled, why = availability(actor, action, other)
        assert not enabled and "不是该持卡人的卡" in why
    lost = Situation(has_session=True, card_in_reader=True, card_state="lost", other_card=True)
    enabled, why = availability(make_actor(), Action.WRITTEN_LOSS_REPORT, lost)
    assert "不是该持卡人的卡" not in why  # the loss report needs no card at all


def test_holder_header_never_splits_a_label_from_its_value(qtbot: Any, window: Any) -> None:
    """The header broke "卡状态 电话挂失（临时）" as "卡状态 电" / "话挂失（临时）" in the narrow
    middle column. At any width each fact stays whole on its line."""
    from PyQt6.QtGui import QTextDocument

    from counter_app.ui.holder_view import holder_facts

    window.gateway.card_state_value = "phone_reported_lost"
    header = window.holder.header
    window.holder.overview = window.gateway.overview(window.actor, None)
    window.holder._render_header()
    shown = holder_facts(window.holder.overview)
    facts = [f"社会保障号码 {shown.ssn}", "卡号 A****5674", f"卡状态 {shown.state_label}"]
    assert shown.state_label == "电话挂失（临时）"
    for width in range(260, 640, 9):
        header.resize(width, 200)  # the splitter moved: laid out again
        doc = QTextDocument()
        doc.setDefaultFont(header.font())
        doc.setDocumentMargin(0)
        doc.setHtml(header.text())
        doc.setTextWidth(header.contentsRect().width())
        doc.size()  # lays the document out
        lines: list[str] = []
        block = doc.begin()
        while block.isValid():
            layout = block.layout()
            for i in range(layout.lineCount()):
                line = layout.lineAt(i)
                lines.append(block.text()[line.textStart() : line.textStart() + line.textLength()])
            block = block.next()
        for fact in facts:
            assert any(fact in line for line in lines), (width, lines)


def test_enter_after_saving_the_form_closes_instead_of_saving_again(
    qtbot: Any,
    wf: Any,  # noqa: F811
    reader: Any,
) -> None:
    """书面挂失 done, 保存为 PDF clicked: the clerk's Enter then opened the save dialog again
    (the clicked button had become the default) instead of 完成."""
    from PyQt6.QtCore import Qt
    from PyQt6.QtWidgets import QPushButton

    from tests.gui.test_workflows import fill_loss

    card_session(wf, reader)
    wf.action_buttons[Action.WRITTEN_LOSS_REPORT].click()
    d = wf.workflow
    fill_loss(d)
    d.next()
    d.next()
    assert "500103-YB-2026-000001" in d.result_label.text(), d.banner.text()
    saves: list[bool] = []
    d.printer.save_as = lambda *_a: saves.append(True)  # no file dialog in a test
    qtbot.waitUntil(lambda: d.findChild(QPushButton, "savePdfButton") is not None)
    save = d.findChild(QPushButton, "savePdfButton")
    save.clicked.disconnect()
    save.clicked.connect(lambda: d.printer.save_as())
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    save.setFocus()  # where the click leaves the focus
    assert saves == [True]
    qtbot.keyClick(save, Qt.Key.Key_Return)
    assert saves == [True] and not d.isVisible()


def test_E3_follow_up_list_writes_days_as_every_screen_does(window: Any) -> None:
    """The supervisor's list showed "2026-12-28" beside 2026年12月07日 everywhere else, and
    "无记录" for a holder who left no comment; row numbers in front of every row."""
    import datetime as dt

    from counter_app.services.followups import FollowUpItem
    from counter_app.ui.followups import FollowUpDialog

    item = FollowUpItem(
        1,
        "500103-YB-20261207-0001",
        "YB500103-01",
        "医保经办甲",
        "张伟",
        "500***********0171",
        "dissatisfied",
        "不满意",
        ("效率",),
        "",
        dt.datetime(2026, 12, 7, 8, 30, tzinfo=dt.UTC),
        dt.date(2026, 12, 28),
        False,
    )
    dialog = FollowUpDialog(window, [item])
    try:
        cells = [dialog.table.item(0, col).text() for col in range(dialog.table.columnCount())]
        assert cells[0] == "2026年12月28日"
        assert cells[6] == "—" and "无记录" not in cells
        assert not dialog.table.verticalHeader().isVisible()
    finally:
        dialog.deleteLater()


def test_the_last_column_of_a_record_table_is_never_cut(qtbot: Any) -> None:
    """卡片业务记录 in the narrow middle column: the stretched last column read
    "渝中区医疗保险…"; it keeps its whole text (wrapped, test_record_tables_fit) and still
    fills a wide one."""
    from PyQt6.QtWidgets import QTableWidget, QVBoxLayout, QWidget

    from counter_app.presentation.page import table
    from counter_app.ui.record_view import _table
    from tests.gui.test_record_tables_fit import text_whole

    block = table(
        "卡片业务记录",
        ("时间", "业务", "卡号", "经办机构"),
        [("2026年12月07日 16:24", "书面挂失确认", "A****3242", "渝中区医疗保险分中心")],
    )
    host = QWidget()
    QVBoxLayout(host).addWidget(_table(block))
    qtbot.addWidget(host)
    view = host.findChild(QTableWidget)
    for width in (340, 900):
        host.resize(width, 200)
        host.show()
        qtbot.waitExposed(host)
        qtbot.wait(10)
        last = view.columnCount() - 1
        assert text_whole(view, 0, last), width
    total = sum(view.columnWidth(c) for c in range(view.columnCount()))
    assert total >= view.viewport().width() - 2  # a wide table is still filled


def test_the_queue_number_label_stays_beside_its_field(qtbot: Any, window: Any) -> None:
    """A status message gave the queue-number widget the bar's spare room and 排队号 drifted
    far left of its field."""
    from counter_app.ui.queue_ticket import QueueTicketField

    field = QueueTicketField(window)
    qtbot.addWidget(field)
    field.resize(700, 30)
    field.show()
    qtbot.waitExposed(field)
    label = field.findChild(QLabel)
    assert label is not None and label.text() == "排队号"
    text_right = label.geometry().left() + label.fontMetrics().horizontalAdvance(label.text())
    gap = field.edit.geometry().left() - text_right
    assert 0 < gap <= 16, gap


def test_E2_ending_a_pin_entry_leaves_the_rating_on_the_holder_panel(qtbot: Any) -> None:
    """The card pulled after 结束服务 ended "the PIN entry" and took the holder panel down
    with the rating on it."""
    pins = PinEntry(second_screen=False)
    qtbot.addWidget(pins.panel)
    rating_page = QLabel("请您对本次服务作出评价")
    pins.panel.addWidget(rating_page)
    pins.panel.setCurrentWidget(rating_page)
    pins.panel.show()
    pins.cancel()  # what the card's removal does
    assert pins.panel.isVisible() and pins.panel.currentWidget() is rating_page
    from counter_app.ui.keypad import PinRequest

    pins.ask(PinRequest("查询个人信息", "请输入社保卡密码", 3), lambda pin: None)
    pins.cancel()  # a PIN entry still goes away with its page
    assert not pins.panel.isVisible()


def test_P7_the_weak_pin_message_is_whole_on_the_holder_keypad(qtbot: Any) -> None:
    """111111 typed as a new PIN: the holder read "于简单（不能为…请重新输入" — the message
    ran past both edges of the keypad instead of wrapping."""
    from counter_app.ui.keypad import HolderKeypad
    from counter_app.ui.workflows.steps import WEAK_NEW_PIN

    pad = HolderKeypad()
    qtbot.addWidget(pad)
    pad.resize(360, 700)
    pad.show()
    qtbot.waitExposed(pad)
    pad.show_message(WEAK_NEW_PIN)
    qtbot.wait(10)
    from counter_app.ui.main_window import KEYPAD_DOCK_MAX_WIDTH

    label = pad.message_label
    assert pad.minimumSizeHint().width() <= KEYPAD_DOCK_MAX_WIDTH  # fits its dock
    assert label.height() >= label.heightForWidth(label.width())
