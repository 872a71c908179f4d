"""Qt's own formats follow the UI's language, not the system locale: a date field's
calendar said "December" / "Mon" and the save dialog "7 12 2026" in the Chinese UI on a
workstation whose system locale was "C" (a new clerk's trial under Xvfb)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PyQt6.QtCore import QDate, QLocale

from counter_app.ui.date_field import DateField
from counter_app.ui.ui_locale import use_language_locale

pytestmark = pytest.mark.gui


@pytest.fixture
def system_locale() -> Iterator[QLocale]:
    before = QLocale()
    QLocale.setDefault(QLocale.c())  # the trial's workstation
    yield before
    QLocale.setDefault(before)


def test_the_calendar_speaks_the_language_of_the_ui(qtbot: Any, system_locale: QLocale) -> None:
    use_language_locale("zh_CN")
    field = DateField(QDate(2026, 12, 8), "日期", maximum=QDate(2026, 12, 8))
    qtbot.addWidget(field)
    calendar = field.open_calendar()
    assert calendar.locale().language() is QLocale.Language.Chinese
    assert calendar.locale().monthName(12) == "十二月"
    calendar.close()
    assert use_language_locale("").language() is QLocale.Language.Chinese  # the default
    assert use_language_locale("en").language() is QLocale.Language.English
