"""The one date field (ui/date_field.py): a date typed as the screens show it is that date.

A QDateEdit (yyyy-MM-dd, today the latest day, the year section selected) turned a typed
"2026-12-07" into 2026-12-01 without a word — reports for the wrong day, and the 遗失日期 of
a written loss report (RULES L2/L3: printed on the signed 挂失登记表). The field keeps the
text as typed and refuses, in red under the field, what is no date or outside the allowed
days; it never changes a typed date into another one."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PyQt6.QtCore import QDate, Qt
from PyQt6.QtTest import QTest

from counter_app.ui.date_field import DateField, parse_typed_date

pytestmark = pytest.mark.gui

LATEST = QDate(2026, 12, 8)


def _field(qtbot: Any, value: QDate = LATEST) -> DateField:
    field = DateField(value, "日期", maximum=LATEST)
    qtbot.addWidget(field)
    field.show()
    qtbot.waitExposed(field)
    return field


def _type(qtbot: Any, field: DateField, text: str) -> None:
    """As a clerk does: into the field, everything selected, the date typed, Tab away."""
    field.edit.setFocus()
    field.edit.selectAll()
    QTest.keyClick(field.edit, Qt.Key.Key_Backspace)
    if text.isascii():
        QTest.keyClicks(field.edit, text)
    else:  # QTest types ASCII only: Chinese goes in as an input method would
        field.edit.insert(text)
    field.edit.editingFinished.emit()


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("2026-12-07", dt.date(2026, 12, 7)),  # QDateEdit: 2026-12-01
        ("2026-11-20", dt.date(2026, 11, 20)),  # QDateEdit: 2026-12-01
        ("20261205", dt.date(2026, 12, 5)),
        ("2026-1-5", dt.date(2026, 1, 5)),
        ("2026/12/07", dt.date(2026, 12, 7)),
        ("2026年12月7日", dt.date(2026, 12, 7)),
    ],
)
def test_a_date_typed_as_shown_is_that_date(qtbot: Any, typed: str, day: dt.date) -> None:
    field = _field(qtbot)
    _type(qtbot, field, typed)
    assert field.value() == day
    assert field.date() == QDate(day.year, day.month, day.day)
    assert field.text() == day.isoformat()  # written back as the screens show a date
    assert not field.note.isVisible()


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("2026-12-09", "不能晚于 2026-12-08"),  # after the latest day
        ("2026-02-30", "不是有效日期"),
        ("2026-12", "不是有效日期"),  # half a date
        ("202612", "不是有效日期"),
        ("", "请填写日期"),
    ],
)
def test_what_is_no_allowed_date_is_refused_visibly_and_left_as_typed(
    qtbot: Any, typed: str, said: str
) -> None:
    field = _field(qtbot)
    _type(qtbot, field, typed)
    assert field.text() == typed  # never turned into another date
    assert not field.date().isValid()
    assert field.note.isVisible()
    assert said in field.note.text()
    with pytest.raises(ValueError, match=said):
        field.value()
    _type(qtbot, field, "2026-12-06")  # corrected: the note goes
    assert not field.note.isVisible()
    assert field.value() == dt.date(2026, 12, 6)


def test_anything_else_typed_stays_in_view_and_is_refused(qtbot: Any) -> None:
    field = _field(qtbot)
    _type(qtbot, field, "2026-1a2-07")
    assert field.text() == "2026-1a2-07" and "不是有效日期" in field.note.text()
    field.edit.setFocus()
    field.edit.end(False)  # the cursor after the date: a date typed is added, not lost
    QTest.keyClicks(field.edit, "2026-12-07")
    field.edit.editingFinished.emit()
    assert field.text() == "2026-1a2-072026-12-07" and not field.date().isValid()


def test_a_date_is_typed_over_whole_once_in_the_field(qtbot: Any) -> None:
    # A dialog opening with the keyboard in the field left the cursor after the date: the
    # date typed went behind it.
    field = _field(qtbot)
    field.window().activateWindow()
    qtbot.waitUntil(field.window().isActiveWindow)
    field.edit.clearFocus()
    field.edit.deselect()
    field.edit.end(False)
    field.edit.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.waitUntil(field.edit.hasSelectedText)
    QTest.keyClicks(field.edit, "2026-12-07")
    assert field.value() == dt.date(2026, 12, 7)


def test_the_earliest_day_is_kept_too(qtbot: Any) -> None:
    field = _field(qtbot)
    field.setMinimumDate(QDate(2026, 12, 1))
    _type(qtbot, field, "2026-11-30")
    assert "不能早于 2026-12-01" in field.problem()


def test_the_calendar_opens_with_alt_down_and_writes_the_chosen_day(qtbot: Any) -> None:
    field = _field(qtbot, QDate(2026, 12, 3))
    field.edit.setFocus()
    QTest.keyClick(field.edit, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    calendar = field.calendar
    assert calendar is not None and calendar.isVisible()
    assert calendar.selectedDate() == QDate(2026, 12, 3)
    assert calendar.maximumDate() == LATEST  # later days cannot be chosen
    calendar.activated.emit(QDate(2026, 11, 28))
    assert field.text() == "2026-11-28"
    assert field.calendar is None


def test_parse_typed_date_names_only_real_days() -> None:
    assert parse_typed_date(" 2026-12-07 ") == dt.date(2026, 12, 7)
    assert parse_typed_date("2026.12.07") == dt.date(2026, 12, 7)
    assert parse_typed_date("2026-13-01") is None
    assert parse_typed_date("26-12-07") is None
    assert parse_typed_date("2026120") is None


# -- where dates are typed: the 报表 dialogs and the written loss report ---------------------

from counter_app.ui import local_day  # noqa: E402
from counter_app.ui.workflows.loss_report import LossReportDialog  # noqa: E402
from tests.gui.test_supervisor import counter, demo_url  # noqa: E402, F401 - fixtures
from tests.gui.test_workflows import card_session, fill_loss, wf  # noqa: E402, F401


def _day(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


def test_S3_daily_report_is_for_the_day_typed_as_shown(qtbot: Any, counter: Any) -> None:  # noqa: F811
    dialog = counter("YB500103-03").reports_menu.open_report("daily")
    qtbot.addWidget(dialog)
    day = local_day.today().addDays(-6)
    _type(qtbot, dialog.day, day.toString("yyyy-MM-dd"))
    assert dialog.request().day == _day(day)

    _type(qtbot, dialog.day, local_day.today().addDays(1).toString("yyyy-MM-dd"))
    dialog.start()
    assert "不能晚于" in dialog.day.note.text() and dialog.day.note.isVisible()
    assert dialog.error.text() == ""  # said once, under the field
    assert dialog.data is None and dialog.task is None  # no report for another day


def test_S3_staff_report_refuses_a_range_end_that_is_no_date(qtbot: Any, counter: Any) -> None:  # noqa: F811
    dialog = counter("YB500103-03").reports_menu.open_report("staff")
    qtbot.addWidget(dialog)
    first = local_day.today().addDays(-20)
    _type(qtbot, dialog.first, first.toString("yyyyMMdd"))
    _type(qtbot, dialog.last, "2026-11-31")
    dialog.start()
    note = dialog.last.note
    assert note.isVisible() and "截止日期" in note.text() and "不是有效日期" in note.text()
    assert dialog.data is None
    _type(qtbot, dialog.last, first.addDays(3).toString("yyyy-MM-dd"))
    request = dialog.request()
    assert (request.first_day, request.last_day) == (_day(first), _day(first.addDays(3)))


def test_L3_loss_date_typed_as_shown_reaches_the_confirmation(
    qtbot: Any,
    wf: Any,  # noqa: F811
    reader: Any,
) -> None:
    card_session(wf, reader)
    from counter_app.services.permissions import Action

    wf.action_buttons[Action.WRITTEN_LOSS_REPORT].click()
    dialog = wf.workflow
    assert isinstance(dialog, LossReportDialog)
    fill_loss(dialog)
    latest = dialog.loss_date.maximumDate()
    _type(qtbot, dialog.loss_date, latest.addDays(1).toString("yyyy-MM-dd"))
    dialog.next()  # a day after the latest: refused on the form, not confirmed
    assert dialog.stack.currentIndex() == 0
    assert "不能晚于" in dialog.loss_date.note.text() and dialog.loss_date.note.isVisible()
    assert dialog.summary.text() == ""

    typed = latest.addDays(-5)
    _type(qtbot, dialog.loss_date, typed.toString("yyyy-MM-dd"))
    dialog.next()
    day = _day(typed)
    assert f"遗失日期：{day:%Y}年{day:%m}月{day:%d}日" in dialog.summary.text()
    assert dialog.details().loss_date == day


def test_a_pasted_invisible_character_leaves_the_date_and_is_said(qtbot: Any) -> None:
    field = _field(qtbot)
    field.edit.clear()
    field.edit.insert("2026-12-\u202e07")
    assert field.text() == "2026-12-07"
    assert field.note.isVisible() and "日期" in field.note.text()
    assert "U+" not in field.note.text()
