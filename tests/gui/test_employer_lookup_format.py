"""RULES Q5: the employer look-up takes the 14-digit 单位社会保险编号. Its field says so (not
the employer's name), and a company name typed is answered with the format asked for —
a trial's clerk typed the name and read 没有该单位社会保险编号."""

from __future__ import annotations

from typing import Any

import pytest

from counter_app.ui.lookup_menu import install_lookup_menu
from counter_app.ui.public_lookup import LookupKind
from tests.gui.fakes import FakeServices
from tests.gui.test_public_lookups import _open, _search

pytestmark = pytest.mark.gui


def test_Q5_a_company_name_is_answered_with_the_number_format(
    qtbot: Any, window: Any, gateway: FakeServices
) -> None:
    lookup = _open(qtbot, install_lookup_menu(window), LookupKind.EMPLOYER)
    assert "14位单位社会保险编号" in lookup.edit.placeholderText()
    assert "不是单位名称" in lookup.edit.placeholderText()
    _search(qtbot, lookup, "重庆南山物业管理股份有限公司")
    assert "14位单位社会保险编号" in lookup.error.text()
    assert "不是单位名称" in lookup.error.text()
    assert "没有该单位社会保险编号" not in lookup.error.text()
    assert lookup.view.page is None
