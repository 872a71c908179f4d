"""RULES L4 on the real stack: a card already reported lost in writing is not reported
again; on its card status page the clerk reprints the existing 挂失登记表 — the copy opens
in the print preview and its PDF carries the 补打 mark, the serial unchanged."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtWidgets import QApplication, QDialogButtonBox

from counter_app.demo.accounts import fixed_holder
from counter_app.services.permissions import Action
from tests.e2e.conftest import pdf_text
from tests.e2e.test_loss import written_loss

pytestmark = pytest.mark.gui


def reprint(c: Any, reason: str) -> Any:
    """补打挂失登记表 on the card status page, the reason typed, OK."""
    row = c.window.holder.loss_form
    assert row.isVisibleTo(c.window), "no 补打挂失登记表 on the card status page"
    c.click(row.button)
    dialog = row.dialog
    assert dialog is not None and dialog.isVisible()
    dialog.reason.setEditText(reason)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    c.click(ok)
    QApplication.processEvents()
    return row


@pytest.mark.also_remote
def test_L4_reprint_of_zhang_weis_loss_form_is_marked_as_a_copy(counter: Any) -> None:
    c = counter("YB500103-01")
    d, original = written_loss(c, "phone_lost")  # 张伟's phone report confirmed in writing
    (serial,) = [w for w in original.split() if w.startswith("500103-YB-")][:1]
    d.accept()  # 完成: the overview is read again, the card now 书面挂失
    QApplication.processEvents()
    f8 = c.window.action_buttons[Action.WRITTEN_LOSS_REPORT]
    assert not f8.isEnabled() and "补打挂失登记表" in f8.toolTip()  # L4: not reported again
    row = reprint(c, "持卡人联遗失")
    printer = row.printer
    assert printer is not None, row.status.text()
    c.qtbot.waitUntil(lambda: printer.preview is not None and printer.preview.isVisible())
    path = c.tmp / "loss-copy.pdf"
    assert printer.save_as(str(path)) == str(path)
    text = pdf_text(path).replace("\n", "")
    assert "补打（第1次）" in text and "补打原因：持卡人联遗失" in text
    assert serial in text and "张伟" in text
    assert "补打" not in original
    printer.preview.close()


def test_L4_the_demo_s_written_report_of_chen_ming_is_reprinted(counter: Any) -> None:
    """陈明's written report came with the demo data, its form archived as a counter archives
    it (counter_app/demo/form_contents.py): the copy prints from what was stored."""
    chen = fixed_holder("written_lost")
    c = counter("YB500105-01")  # 江北区, where 陈明 reported the loss
    c.id_session("written_lost")
    row = reprint(c, "档案联遗失")
    printer = row.printer
    assert printer is not None, row.status.text()
    c.qtbot.waitUntil(lambda: printer.preview is not None and printer.preview.isVisible())
    path = c.tmp / "chen-ming-copy.pdf"
    assert printer.save_as(str(path)) == str(path)
    text = pdf_text(path).replace("\n", "")
    assert "补打（第1次）" in text and "补打原因：档案联遗失" in text
    assert "500105-YB-" in text and chen.name in text and chen.ssn in text
    assert chen.card_number in text and "江北区医疗保险分中心" in text
    printer.preview.close()
