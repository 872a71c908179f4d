"""Invisible characters in the free-text fields of the ID checks and the workflows (the
input policy, validation.text_policy): a pasted direction control (U+202E) or zero-width
character leaves the field at once and the clerk is told in Chinese what was removed, by
its kind (never by code point); the confirm page shows what was typed, as text; a value the
service refuses at 确认挂失 sends the clerk back to the field that holds it (not the ID
field)."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtWidgets import QApplication

from counter_app.services.permissions import Action
from counter_app.ui.id_check import IdCheckDialog
from counter_app.ui.text_guard import strip_invisible
from counter_app.ui.workflows.loss_report import LossReportDialog
from counter_app.validation.text_policy import LOSS_PLACE, TextRefused
from tests.gui.test_workflows import card_session, fill_loss, wf  # noqa: F401 - fixture

pytestmark = pytest.mark.gui

RLO, ZWSP = "\u202e", "\u200b"


def _paste(widget: Any, text: str) -> None:
    QApplication.clipboard().setText(text)  # type: ignore[union-attr]
    widget.setFocus()
    widget.paste()


def test_strip_invisible_keeps_what_is_meant() -> None:
    assert strip_invisible(f"{RLO}解放碑{ZWSP}附近\x01") == ("解放碑附近", [RLO, ZWSP, "\x01"])
    assert strip_invisible("第一行\n第二行", multiline=True) == ("第一行\n第二行", [])
    assert strip_invisible("第一行\n第二行") == ("第一行第二行", ["\n"])  # one line only
    assert strip_invisible("𠀀 ·é") == ("𠀀 ·é", [])  # visible characters stay


def _loss_dialog(win: Any, reader: Any) -> LossReportDialog:
    card_session(win, reader)
    win.action_buttons[Action.WRITTEN_LOSS_REPORT].click()
    d = win.workflow
    assert isinstance(d, LossReportDialog)
    fill_loss(d)
    return d


def test_a_pasted_direction_control_leaves_the_loss_place_and_is_named(
    wf: Any,  # noqa: F811
    reader: Any,
) -> None:
    d = _loss_dialog(wf, reader)
    d.place.clear()
    _paste(d.place, f"{RLO}街行步 碑放解")
    assert d.place.text() == "街行步 碑放解" and RLO not in d.place.text()
    assert "已删除粘贴内容中的不可见字符（文字方向控制符）" in d.banner.text()
    assert "「遗失地点」" in d.banner.text() and d.banner.isVisible()
    d.circumstances.clear()
    _paste(d.circumstances, f"在交车上丢失{ZWSP}\n第二行")
    assert d.circumstances.toPlainText() == "在交车上丢失\n第二行"  # the line break stays
    assert "零宽空格" in d.banner.text() and "「遗失经过」" in d.banner.text()
    assert "U+" not in d.banner.text()
    d.next()
    assert d.stack.currentIndex() == 1, d.banner.text()
    assert RLO not in d.summary.text() and "街行步 碑放解" in d.summary.text()


def test_the_confirm_page_shows_typed_markup_as_text(wf: Any, reader: Any) -> None:  # noqa: F811
    d = _loss_dialog(wf, reader)
    d.place.setText("<b>解放碑</b>")
    d.next()
    assert "&lt;b&gt;解放碑&lt;/b&gt;" in d.summary.text()


def test_a_refusal_at_submit_focuses_the_field_that_holds_the_bad_text(
    wf: Any,  # noqa: F811
    reader: Any,
) -> None:
    d = _loss_dialog(wf, reader)

    def refuse(*_args: Any) -> Any:
        raise TextRefused("「遗失地点」第1个字符不能填写。", field=LOSS_PLACE.key, code="x")

    wf.gateway.register_written_loss = refuse
    d.next()
    assert d.stack.currentIndex() == 1
    d.next()  # 确认挂失: the service refuses the place
    assert d.stack.currentIndex() == 0  # back on the form, the reason shown
    assert "遗失地点" in d.banner.text()
    assert d.focusWidget() is d.place  # not the ID number field
    assert d.focusWidget() is not d.documents.number


def test_a_place_too_long_for_the_form_is_said_at_the_form(wf: Any, reader: Any) -> None:  # noqa: F811
    d = _loss_dialog(wf, reader)
    d.place.setText("解" * (LOSS_PLACE.max_chars + 1))
    d.next()
    assert d.stack.currentIndex() == 0 and "最多" in d.banner.text()
    assert d.focusWidget() is d.place


def test_the_id_checks_typed_fields_have_the_same_treatment(qtbot: Any) -> None:
    dialog = IdCheckDialog(None)
    qtbot.addWidget(dialog)
    edit = dialog.reason_box.lineEdit()
    assert edit is not None
    edit.clear()
    _paste(edit, f"持卡人本人{RLO}查询")
    assert dialog.reason() == "持卡人本人查询"
    assert "「查询原因」" in dialog.error.text() and "文字方向控制符" in dialog.error.text()
    _paste(dialog.number, f"{ZWSP}500103198507150016")
    assert dialog.number.text() == "500103198507150016"
    assert "「证件号码」" in dialog.error.text() and "零宽空格" in dialog.error.text()
    assert "U+" not in dialog.error.text()


def test_a_workflows_document_number_has_the_same_treatment(
    wf: Any,  # noqa: F811
    reader: Any,
) -> None:
    d = _loss_dialog(wf, reader)
    d.documents.number.clear()
    _paste(d.documents.number, f"500103198507150016{RLO}")
    assert d.documents.number.text() == "500103198507150016"
    assert "文字方向控制符" in d.documents.chip.status.text()
