"""Defects a new clerk met trying the demo, each pinned by a test on the fake services and
the real emulated card (the same flows on the real stack: tests/e2e/test_trial_fixes.py)."""

from __future__ import annotations

from typing import Any

import pytest

from counter_app.services.errors import ConcurrentChange
from counter_app.services.permissions import Action
from counter_app.ui.main_window import MainWindow
from counter_app.ui.pin_entry import PinEntry
from counter_app.ui.workflows import open_workflow
from counter_app.ui.workflows.reset_pin import ResetPinDialog
from tests.e2e.id_typing import choose_reason
from tests.gui.fakes import SSN, WorkflowServices, make_actor

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
