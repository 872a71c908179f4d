"""The lift's checklist names the step that really comes next (RULES U5; setting
``four_eyes``): with four-eyes on, the supervisor approves before the holder types the PIN,
so the list shows the approval as pending before the PIN and the advice says 待主管复核
first; once approved, the approval line is ✔ with the supervisor and the advice says
待持卡人输入密码 — a clerk read only the PIN as pending while the supervisor came first.
With four-eyes off, no approval line and the PIN is what comes next."""

from __future__ import annotations

from typing import Any

import pytest

from tests.gui.test_workflows_more import (  # noqa: F401
    approve,
    checklist_lines,
    counter,
    demo_template,
    lift_to_checklist,
)

pytestmark = pytest.mark.gui

APPROVAL_NEXT = "待主管复核"
PIN_NEXT = "待持卡人输入密码"


def pending(d: Any) -> list[str]:
    return [line for line in checklist_lines(d) if line.startswith("…")]


def test_U5_four_eyes_lift_checklist_names_the_supervisor_before_the_pin(
    counter: Any,  # noqa: F811
) -> None:
    c = counter("YB500105-01")  # 江北区: 陈明's district (U2); four-eyes on
    d = lift_to_checklist(c, "written_lost")
    assert d.checklist.ok
    lines = pending(d)
    assert len(lines) == 2 and "主管复核" in lines[0] and "持卡人密码" in lines[1], lines
    advice = d.advice.text()
    assert APPROVAL_NEXT in advice
    assert advice.index(APPROVAL_NEXT) < advice.index(PIN_NEXT)  # the supervisor first
    assert d.next_button.text() == "下一步：主管复核"
    d.next()
    approve(d, "YB500105-03")
    assert d.stack.currentWidget() is d.pin_page
    # The approval done: back on the list, the PIN is the one step still to come.
    d.back()
    d.back()
    assert d.stack.currentWidget() is d.check_page
    (line,) = pending(d)
    assert "持卡人密码" in line
    assert any(
        text.startswith("✔ 主管复核") and "YB500105-03" in text for text in checklist_lines(d)
    )
    advice = d.advice.text()
    assert APPROVAL_NEXT not in advice and PIN_NEXT in advice
    assert d.next_button.text() == "请持卡人输入密码"
    d.next()  # straight to the holder's PIN: the approval stands (it is spent by the lift)
    assert d.stack.currentWidget() is d.pin_page


def test_U5_four_eyes_lift_checklist_asks_the_supervisor_again_after_a_spent_approval(
    counter: Any,  # noqa: F811
) -> None:
    c = counter("YB500105-01")
    d = lift_to_checklist(c, "written_lost")
    d.next()
    approve(d, "YB500105-03")
    d.approval.forget()  # the lift refused the approval (spent, expired): asked again
    d.back()
    d.back()
    assert d.stack.currentWidget() is d.check_page
    assert APPROVAL_NEXT in d.advice.text()
    assert "主管复核" in pending(d)[0]
    d.next()
    assert d.stack.currentWidget() is d.approval.page


def test_U5_lift_checklist_without_four_eyes_names_only_the_pin(
    counter: Any,  # noqa: F811
) -> None:
    c = counter("YB500105-01", four_eyes=False)
    d = lift_to_checklist(c, "written_lost")
    (line,) = pending(d)
    assert "持卡人密码" in line
    assert not any("主管复核" in text for text in checklist_lines(d))
    advice = d.advice.text()
    assert PIN_NEXT in advice and APPROVAL_NEXT not in advice and "主管" not in advice
    assert d.next_button.text() == "请持卡人输入密码"
