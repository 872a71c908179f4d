"""``text_guard.on_cleaned_text``: what follows a guarded field hears each change once, as
the guard leaves it (the input policy, validation.text_policy). The guard replaces a pasted
text inside the field's ``textChanged``, so that signal brings a slot connected after the
guard the cleaned text and then the pasted one; the search box and 工亡人员待遇查询 each
filtered that stale emission themselves."""

from __future__ import annotations

import gc
from typing import Any

import pytest
from PyQt6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit

from counter_app.ui.text_guard import guard_text, on_cleaned_text

pytestmark = pytest.mark.gui

RLO = "\u202e"


class _Heard:
    """Bound methods to connect (``on_cleaned_text`` asks for them); all in one order."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str]] = []

    def cleaned(self, text: str) -> None:
        self.events.append(("cleaned", text))

    def raw(self, text: str) -> None:
        self.events.append(("raw", text))

    def notice(self, text: str) -> None:
        self.events.append(("notice", text))


def test_a_pasted_direction_control_reaches_the_listener_once_cleaned_before_the_notice(
    qtbot: Any,
) -> None:
    edit = QLineEdit()
    qtbot.addWidget(edit)
    heard = _Heard()
    guard_text(edit, "查询事由", heard.notice)
    on_cleaned_text(edit, heard.cleaned)
    edit.textChanged.connect(heard.raw)
    edit.setText(f"家属{RLO}查询")
    assert edit.text() == "家属查询"
    said = [text for kind, text in heard.events if kind == "notice"]
    assert len(said) == 1 and "文字方向控制符" in said[0]
    assert [e for e in heard.events if e[0] != "raw"] == [
        ("cleaned", "家属查询"),
        ("notice", said[0]),
    ]
    # Why the helper: the field's own signal brings the replaced text after the cleaned one.
    assert [text for kind, text in heard.events if kind == "raw"] == ["家属查询", f"家属{RLO}查询"]


def test_a_clean_change_reaches_the_listener_once_as_typed(qtbot: Any) -> None:
    edit = QLineEdit()
    qtbot.addWidget(edit)
    heard = _Heard()
    guard_text(edit, "", heard.notice)
    on_cleaned_text(edit, heard.cleaned)
    edit.setText("王建国 1968-03-15")
    edit.clear()
    assert heard.events == [("cleaned", "王建国 1968-03-15"), ("cleaned", "")]


def test_a_multi_line_field_keeps_its_line_break_and_is_heard_once(qtbot: Any) -> None:
    edit = QPlainTextEdit()
    qtbot.addWidget(edit)
    heard = _Heard()
    guard_text(edit, "情况说明", heard.notice)
    on_cleaned_text(edit, heard.cleaned)
    edit.setPlainText(f"第一行{RLO}\n第二行")
    assert edit.toPlainText() == "第一行\n第二行"
    assert [e for e in heard.events if e[0] == "cleaned"] == [("cleaned", "第一行\n第二行")]
    assert heard.events[-1][0] == "notice"


def test_an_editable_list_is_heard_through_its_line_edit(qtbot: Any) -> None:
    combo = QComboBox()
    combo.setEditable(True)
    qtbot.addWidget(combo)
    heard = _Heard()
    guard_text(combo, "查询事由", heard.notice)
    on_cleaned_text(combo, heard.cleaned)
    gc.collect()  # the list's line edit is Qt's: its Python wrapper goes here
    combo.setEditText(f"{RLO}受托人代家属查询")
    assert combo.currentText() == "受托人代家属查询"
    assert [e for e in heard.events if e[0] == "cleaned"] == [("cleaned", "受托人代家属查询")]


def test_a_field_without_a_guard_is_refused(qtbot: Any) -> None:
    edit, combo = QLineEdit(), QComboBox()
    qtbot.addWidget(edit)
    qtbot.addWidget(combo)
    heard = _Heard()
    for field in (edit, combo):
        with pytest.raises(ValueError, match="not guarded"):
            on_cleaned_text(field, heard.cleaned)
