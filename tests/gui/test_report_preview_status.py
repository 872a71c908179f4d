"""The report dialog's line follows its print preview: after the preview was read and closed
it still said 报表已生成，正在打开打印预览… (a new clerk's trial under Xvfb: the supervisor's
业务日报)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.gui.test_supervisor import SSN_OF_FIRST_FIXED, counter, demo_url  # noqa: F401

pytestmark = pytest.mark.gui


def test_the_report_line_says_the_preview_is_open_then_closed(
    counter: Any,  # noqa: F811
) -> None:
    win = counter("YB500103-03")
    dialog = win.reports_menu.open_report("access")
    dialog.ssn.setText(SSN_OF_FIRST_FIXED)
    dialog.start()
    preview = dialog.printer.preview
    assert preview is not None and preview.isVisible()
    assert "正在打开" not in dialog.status.text()
    assert dialog.status.text() == "报表已生成，已在打印预览中打开。"
    preview.close()
    assert dialog.status.text() == "报表已生成。"
