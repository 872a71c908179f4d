"""The lift's checklist (RULES U1–U5) says 以上条件均已满足 only when every line passed: while
a line is still pending (…: the holder's PIN, U5, is checked when typed) it says the lines
checked so far are met and the holder is still to type the PIN — a new clerk read "all met"
above a pending 持卡人密码 line."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from tests.gui.test_workflows_more import (  # noqa: F401
    checklist_lines,
    counter,
    demo_template,
    lift_to_checklist,
)

pytestmark = pytest.mark.gui

ALL_MET = "以上条件均已满足"


def test_U5_lift_checklist_with_the_pin_pending_does_not_say_all_met(
    counter: Any,  # noqa: F811
) -> None:
    c = counter("YB500105-01", four_eyes=False)  # 江北区: 陈明's district (U2)
    d = lift_to_checklist(c, "written_lost")
    assert d.checklist.ok
    pending = [line for line in checklist_lines(d) if line.startswith("…")]
    assert pending, checklist_lines(d)  # the holder's PIN is checked when typed (U5)
    advice = d.advice.text()
    assert ALL_MET not in advice
    assert "以上已核验的条件均满足" in advice and "待持卡人输入密码" in advice


def test_U1_U5_lift_checklist_with_every_line_passed_says_all_met(
    counter: Any,  # noqa: F811
) -> None:
    c = counter("YB500105-01", four_eyes=False)
    d = lift_to_checklist(c, "written_lost")
    checklist = d.checklist
    passed = tuple(dataclasses.replace(line, passed=True) for line in checklist.lines)
    d._show_checklist(dataclasses.replace(checklist, lines=passed))
    assert not [line for line in checklist_lines(d) if line.startswith("…")]
    assert ALL_MET in d.advice.text()
    assert "待持卡人输入密码" not in d.advice.text()
