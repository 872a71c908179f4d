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
