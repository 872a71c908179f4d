"""Four-eyes approval (RULES S1–S3) as the clerk sees it: the 工号 hint names the clerk's
own office, and a supervisor of another office is told that, not a list of five guesses."""

from __future__ import annotations

from typing import Any

import pytest

from tests.gui.test_workflows_more import (  # noqa: F401 - fixtures
    approve,
    counter,
    demo_template,
    lift_to_checklist,
)

pytestmark = pytest.mark.gui


def test_S3_approval_names_the_other_office_and_hints_the_own_one(counter: Any) -> None:  # noqa: F811
    c = counter("YB500105-01")  # 江北区医疗保险分中心
    d = lift_to_checklist(c, "written_lost")
    d.next()
    hint = d.approval.staff_no.placeholderText()
    assert "江北区医疗保险分中心" in hint and "YB500103" not in hint
    approve(d, "YB500103-03")  # the right password, a supervisor of 渝中区
    banner = d.banner.text()
    assert "不属于本机构" in banner and "①" not in banner
    approve(d, "YB500105-03", "wrong-password")  # causes not told apart: the short list
    assert "①" in d.banner.text() and "不属于本机构" not in d.banner.text()
    d.reject()
