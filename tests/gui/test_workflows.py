"""Guided workflows against the fake services and the real emulated card."""

from __future__ import annotations

from typing import Any

import pytest

from counter_app.services.permissions import Action
from counter_app.ui.main_window import MainWindow
from counter_app.ui.pin_entry import PinEntry
from counter_app.ui.printing import render_pages
from counter_app.ui.workflows import open_workflow
from counter_app.ui.workflows.change_pin import ChangePinDialog
from counter_app.ui.workflows.loss_report import LossReportDialog
from reader.pinbuffer import PinBuffer
from tests.e2e.id_typing import choose_reason
from tests.gui.fakes import SSN, WorkflowServices, make_actor

pytestmark = pytest.mark.gui


@pytest.fixture
def wf(qtbot: Any, runner: Any, reader: Any) -> Any:
    gateway = WorkflowServices()
    pins = PinEntry(second_screen=False)
    win = MainWindow(
        gateway,
        runner,
        reader.bridge,
        pins,
        make_actor(),  # type: ignore[arg-type]
        open_workflow=open_workflow,
    )
    qtbot.addWidget(win)
    qtbot.addWidget(pins.panel)
    win.show()
    yield win
    if win.workflow is not None:
        win.workflow.reject()
    win.holder.clear()
    pins.cancel()


def card_session(win: Any, reader: Any, pin: str = "135790") -> Any:
    card = reader.insert(pin=pin)
    for d in pin:
        win.pins.keypad.press_digit(d)
    win.pins.keypad.press_confirm()
    assert win.holder.session is not None
    return card


def type_pin(win: Any, digits: str) -> None:
    for d in digits:
        win.pins.keypad.press_digit(d)
    win.pins.keypad.press_confirm()


def fill_loss(d: LossReportDialog) -> None:
    d.documents.number.setText(SSN)
    choose_reason(d.documents.number)
    d.phone.setText("13800138000")
    d.place.setText("解放碑")
    d.circumstances.setPlainText("乘公交时遗失")


def test_written_loss_report_to_print_preview(qtbot: Any, wf: Any, reader: Any) -> None:
    card_session(wf, reader)
    button = wf.action_buttons[Action.WRITTEN_LOSS_REPORT]
    assert button.isEnabled()
    button.click()
    d = wf.workflow
    assert isinstance(d, LossReportDialog)
    d.next()  # nothing filled: refused with a reason
    assert d.banner.isVisible() and d.stack.currentIndex() == 0
    fill_loss(d)
    d.phone.setText("12345")
    d.next()
    assert "电话" in d.banner.text() or "号码" in d.banner.text()
    d.phone.setText("13800138000")
    d.next()
    assert d.stack.currentIndex() == 1 and "解放碑" in d.summary.text()
    assert SSN not in d.summary.text()  # masked on screen
    d.next()
    assert "500103-YB-2026-000001" in d.result_label.text()
    ((holder_id, details, key),) = [s[1] for s in wf.gateway.submissions]
    assert holder_id == 7 and details.id_document.number == SSN and key
    d.printer.prepare(None)
    assert d.printer.images and not d.printer.images[0].isNull()
    preview = d.printer.make_preview()  # opening it needs a print system (not offscreen)
    assert preview.windowTitle() == "挂失登记表 500103-YB-2026-000001"
    preview.deleteLater()


def test_printing_paints_every_page(tmp_path: Any) -> None:
    from pypdf import PdfReader
    from PyQt6.QtPrintSupport import QPrinter

    from counter_app.ui.printing import paint_pages
    from tests.gui.fakes import tiny_pdf

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    paint_pages(printer, render_pages(tiny_pdf(), dpi=50) * 2)
    assert len(PdfReader(str(tmp_path / "printed.pdf")).pages) == 2


def test_loss_report_keeps_typed_data_through_a_database_outage(wf: Any, reader: Any) -> None:
    card_session(wf, reader)
    wf.action_buttons[Action.WRITTEN_LOSS_REPORT].click()
    d = wf.workflow
    fill_loss(d)
    d.next()
    wf.gateway.db_down = True
    d.next()
    assert d.banner.isVisible() and "数据库" in d.banner.text()
    assert wf.banner.isVisible()
    assert d.stack.currentIndex() == 1  # still on the confirm page
    assert d.place.text() == "解放碑" and d.phone.text() == "13800138000"
    first_key = d.idempotency_key
    wf.gateway.db_down = False
    d.next()
    assert "000001" in d.result_label.text()
    assert wf.gateway.submissions[-1][1][2] == first_key  # the retry reuses the key
    assert not wf.banner.isVisible()


def test_save_as_pdf_writes_the_generated_bytes(tmp_path: Any, wf: Any, reader: Any) -> None:
    card_session(wf, reader)
    wf.action_buttons[Action.WRITTEN_LOSS_REPORT].click()
    d = wf.workflow
    fill_loss(d)
    d.next()
    d.next()
    path = d.printer.save_as(str(tmp_path / "form.pdf"))
    assert open(path, "rb").read() == d.printer.pdf


def test_render_pages_paints_white_paper() -> None:
    from tests.gui.fakes import tiny_pdf

    (page,) = render_pages(tiny_pdf(), dpi=50)
    assert page.pixelColor(5, 5).name() == "#ffffff"


def document_checked(d: Any, number: str = SSN) -> None:
    """The change-PIN dialog's first page: the holder's ID document, checked by the service."""
    d.id_number.setText(number)
    choose_reason(d.id_number)
    d.next()


def test_P2_document_checked_before_any_pin_is_typed(wf: Any, reader: Any) -> None:
    """RULES P2/P4: a default PIN is changed only after the ID check — done first, before
    the holder types a new PIN; a wrong number is the service's refusal, the keypad stays
    closed and the number stays typed."""
    card = card_session(wf, reader, pin="123456")
    wf.action_buttons[Action.CHANGE_PIN].click()
    d = wf.workflow
    assert not wf.pins.keypad.active
    document_checked(d, "500103198507150032")  # valid form, another person
    assert "不一致" in d.banner.text()
    assert not wf.pins.keypad.active and d.id_number.text() == "500103198507150032"
    assert ("check_session_document", Action.CHANGE_PIN) in wf.gateway.calls
    document_checked(d)
    d.next()
    assert wf.pins.keypad.prompt_label.text() == "请输入原密码"
    for pin in ("123456", "802413", "802413"):
        type_pin(wf, pin)
    assert "成功" in d.result_label.text()
    assert card.to_profile()["pin"] == "802413"
    assert wf.gateway.submissions[-1] == ("change_pin", SSN)


def test_change_pin_through_the_keypad(wf: Any, reader: Any) -> None:
    card = card_session(wf, reader)
    wf.action_buttons[Action.CHANGE_PIN].click()
    d = wf.workflow
    assert isinstance(d, ChangePinDialog)
    document_checked(d)
    d.next()
    assert "修改卡密码 — 卡号尾号 5674" in wf.pins.keypad.purpose_label.text()
    assert wf.pins.keypad.prompt_label.text() == "请输入原密码"
    type_pin(wf, "135790")
    assert wf.pins.keypad.prompt_label.text() == "请输入新密码"
    type_pin(wf, "802413")
    assert wf.pins.keypad.prompt_label.text() == "请再次输入新密码"
    type_pin(wf, "802413")
    assert "成功" in d.result_label.text()
    assert card.to_profile()["pin"] == "802413"


def test_change_pin_wrong_old_pin_says_tries_left(wf: Any, reader: Any) -> None:
    card = card_session(wf, reader)
    wf.action_buttons[Action.CHANGE_PIN].click()
    d = wf.workflow
    document_checked(d)
    d.next()
    for pin in ("111111", "802413", "802413"):
        type_pin(wf, pin)
    assert "还可尝试 2 次" in d.banner.text()
    assert card.to_profile()["pin"] == "135790"


def test_change_pin_buffers_are_wiped(wf: Any, reader: Any, monkeypatch: Any) -> None:
    card_session(wf, reader)
    seen: list[PinBuffer] = []
    original = wf.gateway.change_pin

    def spy(*args: Any) -> Any:
        seen.extend(args[3:6])
        return original(*args)

    monkeypatch.setattr(wf.gateway, "change_pin", spy)
    wf.action_buttons[Action.CHANGE_PIN].click()
    document_checked(wf.workflow)
    wf.workflow.next()
    for pin in ("135790", "802413", "802413"):
        type_pin(wf, pin)
    assert len(seen) == 3 and all(len(p) == 0 for p in seen)
    assert all(not any(p._digits) for p in seen)


def test_card_pulled_mid_workflow_cancels_cleanly(wf: Any, reader: Any) -> None:
    card = card_session(wf, reader)
    wf.action_buttons[Action.CHANGE_PIN].click()
    d = wf.workflow
    document_checked(d)
    d.next()
    type_pin(wf, "135790")  # old PIN typed, the holder is on the new one
    wf.pins.keypad.press_digit("8")
    buffer = wf.pins.keypad._buffer
    reader.remove()
    assert "拔出" in d.banner.text()
    assert not d.next_button.isEnabled()
    assert not wf.pins.keypad.active and len(buffer) == 0
    assert d.pins == []  # the old PIN typed earlier is wiped too
    assert card.to_profile()["pin"] == "135790"
    assert wf.holder.session is None
