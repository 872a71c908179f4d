"""``WorkflowDialog.listen``: a workflow follows a signal of the workstation (the holder's
keypad, the card bridge, the task runner), which outlives it, until the dialog is done —
one place connects and disconnects, where three workflows did it by hand."""

from __future__ import annotations

from typing import Any

import pytest

from counter_app.ui.workflows.base import WorkflowDialog
from tests.gui.test_workflows import wf  # noqa: F401 - fixture

pytestmark = pytest.mark.gui


class _Listening(WorkflowDialog):
    """A workflow that notes the keypad's ``holder_typing``."""

    def __init__(self, window: Any) -> None:
        super().__init__(window, "测试")
        self.heard: list[bool] = []
        self.listen(window.pins.holder_typing, self.typing)

    def typing(self, typing: bool) -> None:
        self.heard.append(typing)


def test_a_workflow_hears_the_keypad_until_it_is_done(qtbot: Any, wf: Any) -> None:  # noqa: F811
    dialog = _Listening(wf)
    qtbot.addWidget(dialog)
    wf.pins.holder_typing.emit(True)
    assert dialog.heard == [True]
    dialog.done(0)
    wf.pins.holder_typing.emit(False)  # the next holder's keypad: not this dialog's
    assert dialog.heard == [True]
    dialog.done(0)  # closed twice: nothing left to disconnect, no error


def test_only_a_method_of_the_dialog_may_listen(qtbot: Any, wf: Any) -> None:  # noqa: F811
    dialog = _Listening(wf)
    qtbot.addWidget(dialog)
    other = _Listening(wf)
    qtbot.addWidget(other)
    with pytest.raises(TypeError, match="method of this dialog"):
        dialog.listen(wf.pins.holder_typing, lambda _typing: None)
    with pytest.raises(TypeError, match="method of this dialog"):
        dialog.listen(wf.pins.holder_typing, other.typing)
    wf.pins.holder_typing.emit(True)
    assert dialog.heard == [True] and other.heard == [True]  # nothing else was connected
    dialog.done(0)
    other.done(0)
