"""The offer of the ID card accepted earlier in this service (RULES E1; 使用本次服务已核验的
身份证) is read whole beside its buttons: under Xvfb its two wrapped lines were cut at the top
and bottom in the 补卡申请 dialog (the dialog grew by a height measured before the text's
layout request had run, or not at all)."""

from __future__ import annotations

from typing import Any

import pytest

from counter_app.services.permissions import Action
from counter_app.ui.id_reader import IdCardStation
from tests.gui.fakes import SSN
from tests.gui.test_dialogs_fit import _fits, _settle
from tests.gui.test_id_read_again import counter  # noqa: F401 - fixture
from tests.gui.test_workflows import wf  # noqa: F401 - fixture

pytestmark = pytest.mark.gui


@pytest.mark.parametrize("action", [Action.RESET_PIN, Action.WRITTEN_LOSS_REPORT])
def test_E1_the_offered_id_card_line_is_shown_whole(
    qtbot: Any,
    counter: Any,  # noqa: F811
    station: IdCardStation,
    action: Action,
) -> None:
    counter.action_buttons[Action.CHANGE_PIN].click()
    first = counter.workflow
    assert station.place(SSN)
    first.documents.chip.read()
    assert "与当前参保人一致" in first.documents.chip.status.text()
    first.reject()
    counter.action_buttons[action].click()
    d = counter.workflow
    qtbot.waitExposed(d)
    _settle(qtbot, d)
    chip = d.id_step.fields.chip if hasattr(d, "id_step") else d.documents.chip
    assert chip.recent_button.isVisible() and "已于" in chip.status.text()
    two_lines = chip.status.heightForWidth(chip.status.width())
    assert two_lines > chip.status.fontMetrics().height()  # it does wrap at this width
    assert _fits(chip.status)
