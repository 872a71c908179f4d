"""Invisible characters leave a typed field as they arrive (the input policy,
``validation.text_policy``): direction controls (U+202A–U+202E, U+2066–U+2069, U+200E/F,
U+061C), zero-width and other format characters, control characters, and the like —
whatever ``forbidden_character`` refuses — are removed from a line edit, a multi-line edit or
an editable list when typed or pasted, and the clerk is told in Chinese what was removed, by
its kind (已删除粘贴内容中的不可见字符（文字方向控制符）), never by code point: such a
character is never echoed. The services still refuse them (the policy is theirs); this only
keeps them from reaching the confirm page, where U+202E showed the text reversed.

One helper for every free-text field the clerk types into: :func:`guard_text`; a form with
several guarded fields says each field's removal at once (:class:`FieldNotices`). Whatever
else follows a guarded field's text listens through :func:`on_cleaned_text`, never to the
field's ``textChanged``: the guard replaces the text inside that signal, so ``textChanged``
brings a later slot the cleaned text and then, once more, the pasted text just replaced.
"""

from __future__ import annotations

from collections.abc import Callable

from PyQt6.QtCore import QObject, Qt, pyqtSignal
from PyQt6.QtGui import QTextCursor
from PyQt6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit

from counter_app.ui.i18n import tr
from counter_app.validation import forbidden_character
from counter_app.validation.chars import char_kind

Notice = Callable[[str], None]


def strip_invisible(text: str, *, multiline: bool = False) -> tuple[str, list[str]]:
    """``text`` without the characters the input policy refuses, and those removed (in
    order). A line break stays only in a ``multiline`` field."""
    kept: list[str] = []
    removed: list[str] = []
    for ch in text:
        (removed if forbidden_character(ch, multiline=multiline) else kept).append(ch)
    return "".join(kept), removed


def removed_notice(label: str, removed: list[str]) -> str:
    """「遗失地点」已删除粘贴内容中的不可见字符（文字方向控制符）。请核对该栏内容。"""
    kinds: list[str] = []
    for ch in removed:
        kind = char_kind(ch) or ""
        if kind and kind not in kinds:
            kinds.append(kind)
    shown = "、".join(kinds[:3]) + ("等" if len(kinds) > 3 else "")
    field = f"「{label}」" if label else ""
    return (
        field
        + tr("workflow", "已删除粘贴内容中的不可见字符")
        + (f"（{shown}）" if shown else "")
        + "。"
        + tr("workflow", "请核对该栏内容。")
    )


class FieldNotices:
    """The removal notices of several guarded fields of one form, said together: a second
    field's removal no longer hides the first one's (the clerk was warned only for the last
    field changed). ``for_field(label)`` is the ``notice`` to give :func:`guard_text`."""

    def __init__(self, say: Notice) -> None:
        self._say = say
        self._notices: dict[str, str] = {}

    def for_field(self, label: str) -> Notice:
        def notice(text: str) -> None:
            self._notices[label] = text
            self._say("\n".join(self._notices.values()))

        return notice

    def clear(self) -> None:
        """Forget what was said (a new attempt at the form)."""
        self._notices.clear()


class TextGuard(QObject):
    """Watches one field (see :func:`guard_text`). ``owner``: the object that keeps it, the
    field itself unless given (an editable list, for its line edit)."""

    #: The field's text after each change, once, without the characters the guard removes
    #: (:func:`on_cleaned_text`). A removal sets the field's text inside its
    #: ``textChanged``: the field's own signal then reaches the slots connected after the
    #: guard with the cleaned text and, once that emission is over, with the replaced one.
    cleaned = pyqtSignal(str)

    def __init__(
        self,
        widget: QLineEdit | QPlainTextEdit,
        label: str,
        notice: Notice | None,
        owner: QObject | None = None,
    ) -> None:
        super().__init__(owner if owner is not None else widget)
        self.widget = widget
        self.label = label
        self.notice = notice
        #: What the last removal said (also for a field whose form shows it elsewhere).
        self.last_notice = ""
        if isinstance(widget, QPlainTextEdit):
            widget.textChanged.connect(self._plain_changed)
        else:
            widget.textChanged.connect(self._line_changed)

    def _line_changed(self, text: str) -> None:
        assert isinstance(self.widget, QLineEdit)
        kept, removed = strip_invisible(text)
        if not removed:
            self.cleaned.emit(text)
            return
        edit = self.widget  # setText comes back here with the cleaned text
        at = len(strip_invisible(text[: edit.cursorPosition()])[0])
        edit.setText(kept)
        edit.setCursorPosition(at)
        self._say(removed)

    def _plain_changed(self) -> None:
        assert isinstance(self.widget, QPlainTextEdit)
        edit = self.widget
        text = edit.toPlainText()
        kept, removed = strip_invisible(text, multiline=True)
        if not removed:
            self.cleaned.emit(text)
            return
        cursor = edit.textCursor()  # setPlainText comes back here with the cleaned text
        before = _code_points(text, cursor.position())
        at = strip_invisible(text[:before], multiline=True)[0]
        edit.setPlainText(kept)
        cursor = edit.textCursor()
        cursor.setPosition(len(at.encode("utf-16-le")) // 2, QTextCursor.MoveMode.MoveAnchor)
        edit.setTextCursor(cursor)
        self._say(removed)

    def _say(self, removed: list[str]) -> None:
        self.last_notice = removed_notice(self.label, removed)
        if self.notice is not None:
            self.notice(self.last_notice)


def _code_points(text: str, utf16_position: int) -> int:
    """The index in ``text`` of a Qt text position (counted in UTF-16 units)."""
    units = 0
    for index, ch in enumerate(text):
        if units >= utf16_position:
            return index
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(text)


def guard_text(
    widget: QLineEdit | QPlainTextEdit | QComboBox, label: str = "", notice: Notice | None = None
) -> TextGuard:
    """Remove the input policy's invisible characters from ``widget`` as they are typed or
    pasted (an editable list: its line edit), and call ``notice`` with what was removed,
    naming the field ``label``. Line breaks stay in a multi-line edit only."""
    if isinstance(widget, QComboBox):
        edit = widget.lineEdit()
        if edit is None:
            raise ValueError("guard_text: the list is not editable")
        # Kept by the list, not by its line edit: Qt made that one, and its Python wrapper
        # goes at a garbage collection, taking the guard's Python half (its slots) with it —
        # the list's field then kept a pasted U+202E.
        return TextGuard(edit, label, notice, owner=widget)
    return TextGuard(widget, label, notice)


def on_cleaned_text(
    widget: QLineEdit | QPlainTextEdit | QComboBox, slot: Callable[[str], object]
) -> None:
    """Call ``slot`` with the text of ``widget`` — the field given to :func:`guard_text` —
    after each change, once, as the guard leaves it: before the guard's ``notice`` of a
    removal, as the field's own signal brought it, and never the replaced text after it.
    ``slot``: a bound method (a lambda holding a widget that Qt made, such as a list's line
    edit, lost its connection at a garbage collection)."""
    guard = widget.findChild(TextGuard, "", Qt.FindChildOption.FindDirectChildrenOnly)
    if not isinstance(guard, TextGuard):
        raise ValueError("on_cleaned_text: the field is not guarded (guard_text)")
    guard.cleaned.connect(slot)
