"""The search box: ID number, card number, or name + birth date, validated as typed.

``classify`` is pure (tested without a window): it says what the text looks like, whether it
can be searched yet, and the Chinese hint shown under the box.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PyQt6.QtCore import pyqtSignal
from PyQt6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from counter_app.ui.i18n import tr
from counter_app.ui.text_guard import guard_text, on_cleaned_text
from counter_app.validation import (
    ValidationError,
    check_card_number,
    clean_text,
    forbidden_character,
    parse_id_number,
)
from counter_app.validation.idnumber import normalise_id_number
from counter_app.validation.text_policy import SEARCH_TEXT
from forms.localtime import format_day

_ID_CHARS = re.compile(r"^[0-9]{1,17}[0-9Xx]?$")
_CARD = re.compile(r"^[A-Za-z0-9]{9}$")
#: A letter and digits: a card number being typed (A12345674), not a name.
_CARD_TYPING = re.compile(r"^[A-Za-z][0-9]{1,12}$")
_NAME_DATE = re.compile(
    r"^(?P<name>[\u3400-\u9fff\U00020000-\U0003ffff·•A-Za-z]+)\s*"
    r"(?P<date>\d{4}-?\d{1,2}-?\d{1,2})?$"
)


@dataclass(frozen=True)
class SearchCheck:
    kind: str  # "", "id", "card", "name"
    ok: bool
    hint: str
    error: bool = False


def classify(text: str) -> SearchCheck:
    # The input policy first (as the search service does): an invisible or control
    # character gets the policy's message naming its position, not a misleading guess
    # such as "name search needs a birth date" for an ID number with a zero-width space.
    if forbidden_character(text) is not None:
        try:
            clean_text(text, SEARCH_TEXT)
        except ValidationError as error:
            return SearchCheck("", False, str(error), error=True)
    raw = text.strip()
    if not raw:
        return SearchCheck(
            "", False, tr("search", "输入身份证号码、卡号，或“姓名 出生日期”（如 张三 1980-01-31）")
        )
    folded = normalise_id_number(raw)
    if _ID_CHARS.match(folded) and not _CARD.match(folded):
        if len(folded) < 15 or 15 < len(folded) < 18:
            return SearchCheck(
                "id",
                False,
                tr("search", "身份证号码：已输入 %1 位，共 18 位").replace("%1", str(len(folded))),
            )
        try:
            number = parse_id_number(folded)
        except ValidationError as error:
            return SearchCheck("id", False, str(error), error=True)
        return SearchCheck(
            "id",
            True,
            tr("search", "身份证号码有效（出生日期 %1）").replace(
                "%1", format_day(number.birth_date)
            ),
        )
    if _CARD.match(folded):
        try:
            check = check_card_number(folded)
        except ValidationError as error:
            if folded.isdigit():  # more likely an ID number being typed
                return SearchCheck(
                    "id",
                    False,
                    tr("search", "身份证号码：已输入 %1 位，共 18 位").replace("%1", "9"),
                )
            return SearchCheck("card", False, str(error), error=True)
        return SearchCheck("card", True, check.warning or tr("search", "按卡号查询"))
    if _CARD_TYPING.match(folded):  # 8 characters were read as a name and a birth date
        return SearchCheck(
            "card",
            False,
            tr("search", "卡号：已输入 %1 位，共 9 位（1 位字母加 8 位数字）").replace(
                "%1", str(len(folded))
            ),
        )
    match = _NAME_DATE.match(raw)
    if match:
        if not match.group("date"):
            return SearchCheck(
                "name", False, tr("search", "按姓名查询须同时输入出生日期，如 张三 1980-01-31")
            )
        return SearchCheck("name", True, tr("search", "按姓名和出生日期查询"))
    return SearchCheck(
        "", False, tr("search", "无法识别：请输入身份证号码、卡号，或“姓名 出生日期”"), error=True
    )


class SearchBox(QWidget):
    """Line edit + 查询; ``search(text)`` only once the text validates."""

    search = pyqtSignal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit()
        self.edit.setObjectName("searchBox")
        self.edit.setClearButtonEnabled(True)
        self.edit.setPlaceholderText(self.tr("身份证号/卡号/姓名 出生日期 (F3)"))
        self.button = QPushButton(self.tr("查询"))
        # Two characters need no style's 80-px button: that room goes to the hint.
        label = self.button.fontMetrics().horizontalAdvance(self.button.text())
        self.button.setMaximumWidth(label + 28)
        self.hint = QLabel()
        self.hint.setObjectName("searchHint")
        self.hint.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.edit, 1)
        row.addWidget(self.button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.hint)
        # Invisible characters leave the box as they are pasted, and the clerk is told: a
        # U+202E kept here showed 王建国1968-03-15 reversed (text_policy). The validation
        # sees the text without them, once (``on_cleaned_text``).
        guard_text(self.edit, "", self._said_removed)
        on_cleaned_text(self.edit, self._validate)
        self.edit.returnPressed.connect(self._submit)
        self.button.clicked.connect(self._submit)
        self._validate("")

    def _validate(self, text: str) -> SearchCheck:
        check = classify(text)
        self.hint.setText(check.hint)
        self.hint.setStyleSheet("color: #b00020;" if check.error else "color: #555;")
        self.edit.setStyleSheet("border: 1px solid #b00020;" if check.error else "")
        self.button.setEnabled(check.ok)
        return check

    def _said_removed(self, notice: str) -> None:
        """What was removed, before the hint for what is left (the next keystroke puts the
        typing hint alone back)."""
        self.hint.setText(notice + self.hint.text())
        error = classify(self.edit.text()).error
        self.hint.setStyleSheet("color: #b00020;" if error else "color: #8a5a00;")

    def _submit(self) -> None:
        if self._validate(self.edit.text()).ok:
            self.search.emit(self.edit.text().strip())

    def show_outcome(self, text: str, *, error: bool) -> None:
        """What the search found or why it was refused, under the box where the clerk is
        looking (the next keystroke puts the typing hint back)."""
        self.hint.setText(text)
        self.hint.setStyleSheet("color: #b00020;" if error else "color: #555;")
