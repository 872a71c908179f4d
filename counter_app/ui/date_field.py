"""The one field a date is typed in: the date as the screens show it (2026-12-07), typed whole,
with or without the dashes (20261207), or picked from a calendar (Alt+↓ / F4 or the button).

Qt's ``QDateEdit`` edits one section at a time and clamps each keystroke to its range: with
the year preselected and today as the latest day, "2026-12-07" typed as shown became
2026-12-01 without a word (a new clerk's trial: a report for the wrong day, and the same
field took the 遗失日期 printed on the signed 挂失登记表, RULES L2/L3). Here the text stays
exactly as typed; what is not a date, or is outside the allowed days, is said in red under
the field and :meth:`DateField.value` refuses it — it is never changed into another date.

It must not: change a typed date into a different one; accept a date outside
``minimumDate()..maximumDate()``.
"""

from __future__ import annotations

import datetime as dt
import re

from PyQt6.QtCore import QDate, QEvent, QObject, Qt, QTimer, pyqtSignal
from PyQt6.QtGui import QKeyEvent, QResizeEvent
from PyQt6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from counter_app.ui import local_day
from counter_app.ui.fit import grow_to_fit
from counter_app.ui.text_guard import guard_text, on_cleaned_text

#: The format every screen shows a date in (and the one the field writes back).
SHOWN = "yyyy-MM-dd"
_WHOLE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_SEPARATED = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_WRITTEN = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?")
#: Longer than any date: what is typed past one is shown (and refused), never swallowed.
_LONGEST = 24


class DateRefused(ValueError):
    """The text names no allowed day; the message is the one shown under the field."""


def parse_typed_date(text: str) -> dt.date | None:
    """The day ``text`` names — ``2026-12-07``, ``2026-12-7``, ``2026/12/07``,
    ``2026.12.07``, ``20261207`` or ``2026年12月07日`` — or None when it names none
    (``2026-02-30``, ``2026-12``)."""
    text = text.strip()
    match = _WHOLE.fullmatch(text) or _SEPARATED.fullmatch(text) or _WRITTEN.fullmatch(text)
    if match is None:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _as_date(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


def _as_qdate(value: dt.date) -> QDate:
    return QDate(value.year, value.month, value.day)


class DateField(QWidget):
    """A typed date with its own red note. ``value()`` is the date or ``DateRefused`` with
    the note's text (Chinese, saying what to type); ``date()`` is the same as a ``QDate``,
    invalid while the text names no allowed day."""

    #: The valid date now named by the text (not emitted for text that names none).
    dateChanged = pyqtSignal(QDate)

    def __init__(
        self,
        value: QDate,
        label: str,
        parent: QWidget | None = None,
        *,
        maximum: QDate | None = None,
        minimum: QDate | None = None,
    ) -> None:
        super().__init__(parent)
        self.label = label
        self._minimum = minimum if minimum is not None else QDate(1900, 1, 1)
        self._maximum = maximum if maximum is not None else QDate(9999, 12, 31)
        self.edit = QLineEdit()
        self.edit.setObjectName("dateFieldEdit")
        self.edit.setMaxLength(_LONGEST)
        guard_text(self.edit, label, self._say)  # pasted invisibles leave, the clerk told
        self.edit.setPlaceholderText(self.tr("年-月-日，如 2026-12-07"))
        self.edit.setToolTip(
            self.tr("按显示的格式输入整个日期（如 2026-12-07 或 20261207）；Alt+↓ 打开日历")
        )
        self.edit.installEventFilter(self)
        self.pick = QToolButton()
        self.pick.setObjectName("dateFieldCalendar")
        self.pick.setText(self.tr("日历"))
        self.pick.setToolTip(self.tr("从日历中选择日期（Alt+↓）"))
        self.pick.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes on to the next field
        self.pick.clicked.connect(self.open_calendar)
        self.note = QLabel()
        self.note.setObjectName("dateFieldNote")
        self.note.setStyleSheet("color: #b00020;")
        self.note.setWordWrap(True)
        self.note.setVisible(False)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.pick)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.note)
        self.setFocusProxy(self.edit)
        self.calendar: QCalendarWidget | None = None
        on_cleaned_text(self.edit, self._typed)  # once per change, before a removal's note
        self.edit.editingFinished.connect(self._finished)
        self.setDate(value)

    # -- the QDateEdit names the dialogs use -----------------------------------------------

    def text(self) -> str:
        return self.edit.text()

    def setDate(self, value: QDate) -> None:
        self.edit.setText(value.toString(SHOWN) if value.isValid() else "")
        self._say("")

    def date(self) -> QDate:
        """The date typed, or an invalid ``QDate`` while it names no allowed day."""
        if self.problem():
            return QDate()
        day = parse_typed_date(self.edit.text())
        return _as_qdate(day) if day is not None else QDate()

    def maximumDate(self) -> QDate:
        return self._maximum

    def minimumDate(self) -> QDate:
        return self._minimum

    def setMaximumDate(self, value: QDate) -> None:
        self._maximum = value
        if self.note.isVisible():
            self._say(self.problem())

    def setMinimumDate(self, value: QDate) -> None:
        self._minimum = value
        if self.note.isVisible():
            self._say(self.problem())

    # -- checking --------------------------------------------------------------------------

    def problem(self) -> str:
        """What is wrong with the text ("" when it names an allowed day)."""
        text = self.edit.text().strip()
        example = self._latest()
        if not text:
            return (
                self.tr("请填写%1（如 %2）。")
                .replace("%1", self.label)
                .replace("%2", example.toString(SHOWN))
            )
        day = parse_typed_date(text)
        if day is None:
            return (
                self.tr("%1“%2”不是有效日期，请按 年-月-日 输入整个日期，如 %3 或 %4。")
                .replace("%1", self.label)
                .replace("%2", text)
                .replace("%3", example.toString(SHOWN))
                .replace("%4", example.toString("yyyyMMdd"))
            )
        if day > _as_date(self._maximum):
            return (
                self.tr("%1不能晚于 %2。")
                .replace("%1", self.label)
                .replace("%2", self._maximum.toString(SHOWN))
            )
        if day < _as_date(self._minimum):
            return (
                self.tr("%1不能早于 %2。")
                .replace("%1", self.label)
                .replace("%2", self._minimum.toString(SHOWN))
            )
        return ""

    def value(self) -> dt.date:
        """The date typed; :class:`DateRefused` (the red note's text, now shown under the
        field) when there is none."""
        problem = self.show_problem()
        if problem:
            raise DateRefused(problem)
        day = parse_typed_date(self.edit.text())
        assert day is not None  # problem() found none
        return day

    def show_problem(self) -> str:
        """Say under the field what is wrong with the text (nothing when it is fine)."""
        problem = self.problem()
        self._say(problem)
        return problem

    def _say(self, problem: str) -> None:
        self.note.setText(problem)
        self.note.setVisible(bool(problem))
        self.edit.setStyleSheet("border: 1px solid #b00020;" if problem else "")
        self._fit_note()
        if problem:
            grow_to_fit(self.window())

    def _fit_note(self) -> None:
        """The note as tall as its wrapped lines at the field's width: in a form row a
        wrapped label got the row's one-line height, and a two-line refusal showed half of
        each line (new clerk's trial, 业务日报)."""
        if not self.note.isVisibleTo(self):
            self.note.setMinimumHeight(0)
            return
        width = max(self.width(), self.note.minimumWidth(), 1)
        self.note.setMinimumHeight(self.note.heightForWidth(width))

    def resizeEvent(self, event: QResizeEvent | None) -> None:
        super().resizeEvent(event)
        self._fit_note()  # narrower: more lines; wider: fewer

    def _typed(self, _text: str) -> None:
        """While typing nothing is said (a half-typed date is no mistake yet); a note
        already shown goes as soon as the text names an allowed day."""
        if not self.problem():
            self._say("")
            self.dateChanged.emit(self.date())

    def _finished(self) -> None:
        problem = self.problem()
        self._say(problem)
        if not problem:  # the same day, written as every screen shows it
            shown = self.date().toString(SHOWN)
            if shown != self.edit.text():
                self.edit.setText(shown)

    # -- the calendar ----------------------------------------------------------------------

    def eventFilter(self, watched: QObject | None, event: QEvent | None) -> bool:
        if watched is self.edit and event is not None and event.type() == QEvent.Type.FocusIn:
            # The date is typed over whole: into a field with the cursor after the date,
            # a typed one was added behind it.
            QTimer.singleShot(0, self.edit.selectAll)
        if watched is self.edit and isinstance(event, QKeyEvent):
            if event.type() == QEvent.Type.KeyPress and (
                event.key() == Qt.Key.Key_F4
                or (
                    event.key() == Qt.Key.Key_Down
                    and event.modifiers() & Qt.KeyboardModifier.AltModifier
                )
            ):
                self.open_calendar()
                return True
        return super().eventFilter(watched, event)

    def open_calendar(self) -> QCalendarWidget:
        """A calendar under the field, on the typed day (or the latest allowed one);
        choosing a day (click, or Enter) writes it into the field."""
        calendar = QCalendarWidget(self)
        calendar.setWindowFlags(Qt.WindowType.Popup)
        calendar.setObjectName("dateFieldPopup")
        calendar.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        calendar.setMinimumDate(self._minimum)
        calendar.setMaximumDate(self._maximum)
        current = self.date()
        if not current.isValid():
            current = self._latest()
        calendar.setSelectedDate(current)
        calendar.activated.connect(self._picked)
        calendar.clicked.connect(self._picked)
        calendar.move(self.edit.mapToGlobal(self.edit.rect().bottomLeft()))
        calendar.show()
        calendar.setFocus()
        self.calendar = calendar
        return calendar

    def _picked(self, value: QDate) -> None:
        self.setDate(value)
        calendar, self.calendar = self.calendar, None
        if calendar is not None:
            calendar.close()
        self.edit.setFocus()

    def _latest(self) -> QDate:
        """The day shown as the example and first in the calendar: the latest allowed one,
        or today in Chongqing when there is no latest."""
        return self._maximum if self._maximum.year() < 9999 else local_day.today()
