"""书面挂失 as a new clerk met it (RULES L3; IDCARD.md typed fallback): going back from the
confirmation to correct the form, against the fake services and the emulated card."""

from __future__ import annotations

from typing import Any

import pytest

from counter_app.services.permissions import Action
from counter_app.ui.workflows.loss_report import LossReportDialog
from tests.gui.test_workflows import card_session, fill_loss, wf  # noqa: F401 - fixture by name

pytestmark = pytest.mark.gui


def _open_dialog(win: Any, reader: Any) -> LossReportDialog:
    card_session(win, reader)
    win.action_buttons[Action.WRITTEN_LOSS_REPORT].click()
    dialog = win.workflow
    assert isinstance(dialog, LossReportDialog)
    return dialog


def test_L3_back_from_the_confirmation_the_form_says_next_not_confirm(
    wf: Any,  # noqa: F811
    reader: Any,
) -> None:
    dialog = _open_dialog(wf, reader)
    assert dialog.next_button.text() == "下一步"
    fill_loss(dialog)
    dialog.next()
    assert dialog.stack.currentIndex() == 1 and dialog.next_button.text() == "确认挂失"
    dialog.back_button.click()
    assert dialog.stack.currentIndex() == 0
    assert dialog.next_button.text() == "下一步"  # nothing is registered from the form
    dialog.next()
    assert dialog.stack.currentIndex() == 1 and dialog.next_button.text() == "确认挂失"
    assert not wf.gateway.submissions


def test_L3_a_typed_number_without_its_reason_is_refused_on_the_form(
    wf: Any,  # noqa: F811
    reader: Any,
) -> None:
    """IDCARD.md typed fallback: the reason is asked where it is chosen, not after the
    summary was read out to the holder."""
    dialog = _open_dialog(wf, reader)
    fill_loss(dialog)
    dialog.documents.chip.reason.setCurrentIndex(-1)  # the list as it starts: 请选择原因
    dialog.next()
    assert dialog.stack.currentIndex() == 0
    assert dialog.banner.isVisible() and "人工录入原因" in dialog.banner.text()
    assert not wf.gateway.submissions
    dialog.documents.chip.reason.setCurrentIndex(0)
    dialog.next()
    assert dialog.stack.currentIndex() == 1 and not dialog.banner.isVisible()
