"""The English catalogue covers every string the UI passes through Qt's translation.

The strings are found by :mod:`counter_app.ui.i18n.extract` (``ast`` over
``counter_app/ui/**/*.py``): ``obj.tr(…)`` must be in the shared ``"*"`` context (PyQt uses
the run-time class name as the context), ``tr("context", …)`` /
``QCoreApplication.translate("context", …)`` in its context or in ``"*"``.

Policy: a missing translation fails (the clerk would see Chinese in the English UI); a
catalogue entry no code uses only *warns* — it is harmless at run time, and the string that
replaced it is already caught as missing, so a stale entry must not break the build of
whoever reworded a message (run ``python -m counter_app.ui.i18n.extract`` to list both).
"""

from __future__ import annotations

import ast
import re
import types
from typing import Any

import pytest
from PyQt6.QtWidgets import QApplication, QLabel, QPushButton

from counter_app.services.permissions import Action
from counter_app.ui.i18n import JsonTranslator
from counter_app.ui.i18n.extract import (
    SHARED,
    Message,
    load_catalogue,
    missing,
    placeholders,
    scan,
    scan_tree,
    unused,
)

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
#: Ideographs only: the window still puts full-width brackets around data it concatenates.
IDEOGRAPH = re.compile(r"[\u3400-\u9fff]")
#: Chinese a clerk types literally (examples in the search hints, "unknown" on the form).
CHINESE_ON_PURPOSE = ("张三", "不详")


def chinese_left(text: str, pattern: re.Pattern[str] = CJK) -> bool:
    for word in CHINESE_ON_PURPOSE:
        text = text.replace(word, "")
    return bool(pattern.search(text))


@pytest.fixture(scope="module")
def scanned() -> tuple[list[Message], list[Any]]:
    return scan()


@pytest.fixture(scope="module")
def catalogue() -> dict[str, dict[str, str]]:
    return load_catalogue("en")


def _where(m: Message) -> str:
    return f"{m.file}:{m.line} [{m.context}] {m.source}"


def test_every_translated_argument_can_be_enumerated(scanned: Any) -> None:
    _, unresolved = scanned
    assert not unresolved, "\n".join(
        f"{u.file}:{u.line}: {u.expression} — {u.why} (resolve it or add it to DYNAMIC_SOURCES)"
        for u in unresolved
    )


def test_every_translated_string_has_an_english_entry(scanned: Any, catalogue: Any) -> None:
    messages, _ = scanned
    assert len(messages) > 250  # the extractor sees the whole UI, not a corner of it
    lacking = missing(catalogue, messages)
    assert not lacking, "no English for:\n" + "\n".join(_where(m) for m in lacking)


def test_catalogue_has_no_unused_entries(scanned: Any, catalogue: Any) -> None:
    messages, _ = scanned
    stale = unused(catalogue, messages)
    assert not stale, "en.json entries no code uses:\n" + "\n".join(f"[{c}] {s}" for c, s in stale)


def test_translations_keep_the_placeholders(catalogue: Any) -> None:
    wrong = [
        f"[{context}] {source} -> {english}"
        for context, entries in catalogue.items()
        for source, english in entries.items()
        if placeholders(source) != placeholders(english)
    ]
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_translations_are_english(catalogue: Any) -> None:
    wrong = [
        f"[{context}] {source} -> {english!r}"
        for context, entries in catalogue.items()
        for source, english in entries.items()
        if not english.strip() or chinese_left(english)
    ]
    assert not wrong, "empty or still Chinese:\n" + "\n".join(wrong)


def test_house_terms(catalogue: Any) -> None:
    star = catalogue[SHARED]
    assert star["书面挂失"] == "Written loss report"
    assert star["解除挂失"] == "Lift loss report"
    assert star["补卡申请"] == "Replacement card application"
    assert star["持卡人"] == "Cardholder"
    assert star["社会保障号码"] == "Social security number"
    # 卡密码 is the card's PIN, never confused with the staff or query-service password
    assert star["修改卡密码"] == "Change card PIN"
    assert "password" in star["重置查询服务密码"]


def test_placeholder_pattern() -> None:
    assert placeholders("已输入 %1 位，共 %L2 位，还可 %n 次 {0} {name}") == sorted(
        ["%1", "%L2", "%n", "{0}", "{name}"]
    )


# -- the extractor itself -------------------------------------------------------------------


def _scan_source(source: str, **names: Any) -> tuple[list[Message], list[Any]]:
    module = types.SimpleNamespace(**names)
    return scan_tree(ast.parse(source), module, "sample", "sample.py")


def test_extractor_follows_constants_lookups_and_loop_variables() -> None:
    source = """
class W:
    def build(self, kind, step):
        self.tr("字面")
        self.tr(TITLE)
        self.tr(TITLES[kind])
        self.tr(PROMPTS[step])
        [self.tr(r) for r in REASONS]
        for _key, label in TABS:
            self.tr(label)
        self.tr("还可尝试 %n 次", "", 3)
        tr("fields", LABELS.get(kind, kind))
        QCoreApplication.translate("ctx", "原文")
"""
    found, unresolved = _scan_source(
        source,
        TITLE="标题",
        TITLES={"a": "甲", "b": "乙"},
        PROMPTS=("一", "二"),
        REASONS=["原因"],
        TABS=[("k", "页")],
        LABELS={"x": "字段"},
    )
    assert not unresolved
    got = {(m.context, m.source) for m in found}
    assert got == {
        *((SHARED, s) for s in ("字面", "标题", "甲", "乙", "一", "二", "原因", "页")),
        (SHARED, "还可尝试 %n 次"),
        ("fields", "字段"),
        ("ctx", "原文"),
    }
    assert [m.plural for m in found if m.source == "还可尝试 %n 次"] == [True]


def test_extractor_reports_what_it_cannot_enumerate() -> None:
    source = """
def f(self, who, ctx):
    self.tr(f"你好 {who}")
    self.tr(who)
    tr(ctx, "上下文不是字面量")
    self.tr(make())
"""
    found, unresolved = _scan_source(source)
    assert found == []
    assert [u.line for u in unresolved] == [3, 4, 5, 6]
    assert "f-string" in unresolved[0].why


def test_extractor_sees_the_dynamic_strings_of_the_ui(scanned: Any) -> None:
    messages, _ = scanned
    got = {(m.context, m.source) for m in messages}
    assert (SHARED, "卡基本信息") in got  # holder_view: for _key, title in CATEGORY_TABS
    assert (SHARED, "请输入原密码") in got  # change_pin: PROMPTS[step]
    assert ("fields", "参保人编号") in got  # models: FIELD_LABELS.get(field, field)
    assert ("actions", "补卡申请") in got  # actions: ACTION_LABELS[action]
    assert ("permissions", "补卡申请须到区县医疗保险分中心办理。") in got  # actor.why_not()


# -- the English window ----------------------------------------------------------------------


@pytest.fixture
def english(qtbot: Any) -> Any:
    app = QApplication.instance()
    assert app is not None
    translator = JsonTranslator.load_language("en")
    assert translator is not None
    app.installTranslator(translator)
    yield translator
    app.removeTranslator(translator)


def _type_pin(window: Any, digits: str) -> None:
    for d in digits:
        window.pins.keypad.press_digit(d)
    window.pins.keypad.press_confirm()


@pytest.mark.gui
def test_main_window_in_english(english: Any, request: Any) -> None:
    window = request.getfixturevalue("window")  # built after the translator is installed
    reader = request.getfixturevalue("reader")
    assert window.windowTitle().startswith("Social Security Card Counter Workstation — ")
    assert window.status_bar.reader_label.text() == "Reader: ready, insert a card"
    assert window.status_bar.staff_label.text().startswith("Staff: ")
    buttons = window.action_buttons
    assert buttons[Action.CHANGE_PIN].text() == "Change card PIN  (F5)"
    assert buttons[Action.WRITTEN_LOSS_REPORT].text() == "Written loss report  (F8)"
    assert buttons[Action.REPLACEMENT_APPLICATION].text() == "Replacement card application  (F10)"
    assert buttons[Action.CHANGE_PIN].toolTip().startswith("First have the cardholder insert")
    tabs = window.holder.tabs
    titles = [tabs.tabText(i) for i in range(tabs.count())]
    assert titles[:2] == ["Card status and history", "Basic card information"]
    assert window.holder.header.text().startswith("No cardholder yet.")
    for widget in window.findChildren(QPushButton) + window.findChildren(QLabel):
        if widget.isVisibleTo(window):
            # office and staff names are data, shown as recorded
            text = widget.text().replace(window.actor.office_name, "")
            text = text.replace(window.actor.name, "")
            assert not chinese_left(text, IDEOGRAPH), (
                f"Chinese left in {type(widget).__name__}: {text!r}"
            )

    reader.insert()
    assert window.pins.keypad.confirm_button.text() == "Confirm"
    assert window.status_bar.typing_label.text() == "The cardholder is entering the PIN…"
    _type_pin(window, "135790")
    assert window.holder.session is not None
    header = window.holder.header.text()
    assert "Social security number" in header and "Card number" in header
    replacement = buttons[Action.REPLACEMENT_APPLICATION]
    assert not replacement.isEnabled()
    assert replacement.toolTip().startswith("The card must be reported lost before")
