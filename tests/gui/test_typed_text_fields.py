"""Every text field the clerk types into behaves the same way (from a new clerk's trial):
Tab leaves a multi-line field for the next one instead of typing a tab character, and a
pasted invisible character — a direction control (U+202A–U+202E, U+2066–U+2069, U+200E/F,
U+061C), a zero-width space, a control character — leaves the field at once, the clerk told
in Chinese what kind of character was removed, never by code point (input policy,
validation.text_policy; the services still refuse such text)."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QApplication

import counter_app.ui
from counter_app.services.followups import FollowUpItem
from counter_app.services.permissions import Action
from counter_app.ui.followup_close import CloseFollowUpDialog
from counter_app.ui.public_lookup import LookupKind, PublicLookupWindow
from counter_app.ui.search import SearchBox
from counter_app.ui.workflows.loss_report import LossReportDialog
from tests.gui.test_workflows import card_session, fill_loss, wf  # noqa: F401 - fixture

pytestmark = pytest.mark.gui

RLO, ZWSP = "\u202e", "\u200b"
UI = Path(counter_app.ui.__file__).parent


def _paste(widget: Any, text: str) -> None:
    QApplication.clipboard().setText(text)  # type: ignore[union-attr]
    widget.setFocus()
    widget.paste()


def _item() -> FollowUpItem:
    return FollowUpItem(
        1,
        "500103-YB-20261207-0001",
        "YB500103-01",
        "医保经办甲",
        "张伟",
        "500***********0171",
        "very_dissatisfied",
        "非常不满意",
        ("态度",),
        "",
        dt.datetime(2026, 12, 7, 8, 30, tzinfo=dt.UTC),
        dt.date(2026, 12, 28),
        False,
        masked_phone="138****1234",
    )


def test_tab_leaves_the_followup_measures_for_the_outcome(qtbot: Any) -> None:
    dialog = CloseFollowUpDialog(_item())
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    dialog.action_edit.setFocus()
    dialog.action_edit.insertPlainText("已批评教育")
    qtbot.keyClick(dialog.action_edit, Qt.Key.Key_Tab)
    assert dialog.action_edit.toPlainText() == "已批评教育"  # no tab character typed
    assert dialog.focusWidget() is dialog.outcome_edit


def test_the_followup_texts_lose_pasted_invisible_characters(qtbot: Any) -> None:
    dialog = CloseFollowUpDialog(_item())
    qtbot.addWidget(dialog)
    _paste(dialog.action_edit, f"已{RLO}批评教育")
    _paste(dialog.outcome_edit, f"持卡人{ZWSP}满意")
    assert dialog.texts() == ("已批评教育", "持卡人满意")
    said = dialog.error.text()
    assert "「整改措施」" in said and "「回访结果」" in said  # each field's removal said
    assert "文字方向控制符" in said and "零宽空格" in said and "U+" not in said


def _assigned_widgets(kinds: set[str]) -> list[tuple[Path, str, str]]:
    """(file, source of the target, kind) of every ``x = QPlainTextEdit()``-like line."""
    found = []
    for path in sorted(UI.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Call)
                and isinstance(node.value.func, ast.Name)
                and node.value.func.id in kinds
            ):
                found.append((path, ast.unparse(node.targets[0]), node.value.func.id))
    return found


def test_every_multi_line_field_moves_focus_on_tab() -> None:
    fields = _assigned_widgets({"QPlainTextEdit", "QTextEdit"})
    assert len(fields) >= 3  # 遗失经过, 整改措施, 回访结果
    for path, target, _ in fields:
        source = path.read_text(encoding="utf-8")
        edit = "edit" if "for edit, label in" in source else target
        assert f"{edit}.setTabChangesFocus(True)" in source, f"{path.name}: {target}"


def test_every_typed_field_is_guarded() -> None:
    """A line edit takes the guard unless it is a password (whatever is typed is the
    password) or the field is the login's staff number (counter_app/ui/login.py)."""
    for path, target, _ in _assigned_widgets({"QLineEdit", "QPlainTextEdit"}):
        source = path.read_text(encoding="utf-8")
        if f"{target}.setEchoMode(QLineEdit.EchoMode.Password)" in source:
            continue
        guarded = (
            f"guard_text({target}," in source
            or ("for edit, label in" in source and "guard_text(edit," in source)
            or ("for field, label in" in source and "guard_text(field," in source)
        )
        assert guarded, f"{path.name}: {target} keeps pasted invisible characters"


def test_the_search_box_removes_a_direction_control_and_says_so(qtbot: Any) -> None:
    box = SearchBox()
    qtbot.addWidget(box)
    _paste(box.edit, f"王建国{RLO}1968-03-15")
    assert box.edit.text() == "王建国1968-03-15"  # shown as typed, not reversed
    assert box.button.isEnabled()  # what is left is a good search
    hint = box.hint.text()
    assert "已删除粘贴内容中的不可见字符（文字方向控制符）" in hint and "U+" not in hint
    assert "按姓名和出生日期查询" in hint
    with qtbot.waitSignal(box.search) as searched:
        box.button.click()
    assert searched.args == ["王建国1968-03-15"]
    qtbot.keyClicks(box.edit, "x")  # the next keystroke: the typing hint alone
    assert "已删除" not in box.hint.text()


def test_a_public_lookup_removes_them_too(qtbot: Any, gateway: Any, runner: Any) -> None:
    from tests.gui.fakes import make_actor

    lookup = PublicLookupWindow(LookupKind.DRUGS, gateway, runner, make_actor)
    qtbot.addWidget(lookup)
    _paste(lookup.edit, f"阿莫西林{ZWSP}")
    assert lookup.edit.text() == "阿莫西林"
    assert "零宽空格" in lookup.error.text() and "U+" not in lookup.error.text()


def test_the_loss_form_warns_for_each_field_it_changes(
    wf: Any,  # noqa: F811
    reader: Any,
) -> None:
    card_session(wf, reader)
    wf.action_buttons[Action.WRITTEN_LOSS_REPORT].click()
    d = wf.workflow
    assert isinstance(d, LossReportDialog)
    fill_loss(d)
    d.place.clear()
    _paste(d.place, f"解放碑{RLO}附近")
    d.circumstances.clear()
    _paste(d.circumstances, "在公交车上\x07丢失")
    assert d.place.text() == "解放碑附近"
    assert d.circumstances.toPlainText() == "在公交车上丢失"
    banner = d.banner.text()
    assert "「遗失地点」" in banner and "文字方向控制符" in banner
    assert "「遗失经过」" in banner and "控制字符" in banner
    assert "U+" not in banner
