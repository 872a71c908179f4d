"""RULES L4 on the card status page: for a card already reported lost in writing the clerk
sees 补打挂失登记表 (F8's tooltip sends them there), gives a reason, and the print preview of
the copy opens; the service, not the screen, picks the form. Refusals are shown in full on
the page; other cards have no such button."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtWidgets import QApplication, QDialogButtonBox

from counter_app.services.permissions import Action
from tests.gui.fakes import DOC, FakeServices

pytestmark = pytest.mark.gui


def _serve(window: Any, gateway: FakeServices) -> Any:
    session = gateway.open_id_session(window.actor, 7, DOC, "查询")
    window._id_session_opened(session)
    QApplication.processEvents()
    return session


def _reason(view: Any, text: str) -> None:
    dialog = view.loss_form.dialog
    assert dialog is not None and dialog.isVisible()
    dialog.reason.setEditText(text)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok is not None
    ok.click()


def test_L4_reprint_button_for_a_card_lost_in_writing_opens_the_copy_s_preview(
    qtbot: Any, window: Any, gateway: FakeServices
) -> None:
    gateway.card_state_value = "lost"
    session = _serve(window, gateway)
    f8 = window.action_buttons[Action.WRITTEN_LOSS_REPORT]
    assert not f8.isEnabled() and "补打挂失登记表" in f8.toolTip()
    row = window.holder.loss_form
    assert row.isVisibleTo(window) and row.button.text() == "补打挂失登记表"
    row.button.click()
    ok = row.dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.click()  # no reason: refused on the spot, nothing asked of the service
    assert row.dialog is not None and row.dialog.problem.isVisible()
    assert not [c for c in gateway.calls if c[0] == "reprint_loss_form"]
    _reason(window.holder, "持卡人联遗失")
    assert ("reprint_loss_form", (session.holder_id, "持卡人联遗失")) in gateway.calls
    printer = row.printer
    assert printer is not None and printer.pdf.startswith(b"%PDF")
    assert "（补打）" in printer.title
    qtbot.waitUntil(lambda: printer.preview is not None and printer.preview.isVisible())
    assert "500103-YB-2026-000001" in row.status.text()
    printer.preview.close()


@pytest.mark.parametrize("state", ["active", "phone_reported_lost", "replacement_applied"])
def test_L4_no_reprint_button_without_a_written_report(
    window: Any, gateway: FakeServices, state: str
) -> None:
    gateway.card_state_value = state
    _serve(window, gateway)
    assert not window.holder.loss_form.isVisibleTo(window)


def test_L4_a_refused_reprint_is_shown_in_full_on_the_page(
    window: Any, gateway: FakeServices
) -> None:
    gateway.card_state_value = "lost"
    _serve(window, gateway)
    gateway.card_state_value = "active"  # lifted at another window meanwhile
    row = window.holder.loss_form
    row.button.click()
    _reason(window.holder, "档案联遗失")
    assert row.printer is None
    assert row.status.isVisible() and "没有有效的书面挂失" in row.status.text()
    assert row.status.wordWrap()


def test_L4_the_row_goes_with_the_holder(window: Any, gateway: FakeServices) -> None:
    gateway.card_state_value = "lost"
    _serve(window, gateway)
    assert window.holder.loss_form.isVisibleTo(window)
    window.holder.clear()
    assert not window.holder.loss_form.isVisibleTo(window)


def test_L4_invisible_characters_never_reach_the_reason_printed_on_the_copy(qtbot: Any) -> None:
    from counter_app.ui.loss_form_reprint import ReprintReasonDialog

    dialog = ReprintReasonDialog()
    qtbot.addWidget(dialog)
    line = dialog.reason.lineEdit()
    assert line is not None
    line.insert("原件污\u202e损")  # a pasted right-to-left override
    assert dialog.text() == "原件污损"
    assert dialog.problem.isVisibleTo(dialog) and "文字方向控制符" in dialog.problem.text()
    assert "U+" not in dialog.problem.text()
