from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PyQt6.QtCore import Qt

from counter_app.services.permissions import Action, OfficeKind, Role
from counter_app.ui.actions import Situation, availability, card_state_kind
from counter_app.ui.item_models import FieldsModel, RecordTableModel
from counter_app.ui.search import SearchBox, classify
from tests.gui.fakes import SSN, HolderHit, make_actor

pytestmark = pytest.mark.gui


@pytest.mark.parametrize(
    ("text", "kind", "ok"),
    [
        ("", "", False),
        ("500103", "id", False),
        (SSN, "id", True),
        ("500103198507150013", "id", False),  # wrong check digit
        ("500103850715001", "id", False),  # old 15-digit number
        ("A12345674", "card", True),
        ("A1297919", "card", False),  # a clerk's trial: 8 characters read as 姓名+出生日期
        ("a1234567", "card", False),
        ("张三", "name", False),
        ("张三 1985-07-15", "name", True),
        ("#$%", "", False),
    ],
)
def test_classify(text: str, kind: str, ok: bool) -> None:
    check = classify(text)
    assert (check.kind, check.ok) == (kind, ok)
    assert check.hint


def test_classify_explains_errors() -> None:
    assert (
        "校验" in classify("500103198507150013").hint
        or "核对" in classify("500103198507150013").hint
    )
    assert "15位" in classify("500103850715001").hint
    assert classify("A1297919").hint.startswith("卡号：已输入 8 位，共 9 位")


def test_search_box_validates_as_you_type(qtbot: Any) -> None:
    box = SearchBox()
    qtbot.addWidget(box)
    got: list[str] = []
    box.search.connect(got.append)
    qtbot.keyClicks(box.edit, SSN[:10])
    assert not box.button.isEnabled() and "10" in box.hint.text()
    qtbot.keyClicks(box.edit, SSN[10:])
    assert box.button.isEnabled()
    qtbot.keyClick(box.edit, Qt.Key.Key_Return)
    assert got == [SSN]


HIT = HolderHit(7, "张三", SSN, "1", dt.date(1985, 7, 15), "A12345674", "active")


def test_hit_model_masks_id_numbers_until_revealed() -> None:
    model = RecordTableModel([HIT], ["name", "ssn", "card_number"])
    assert model.rowCount() == 1 and model.columnCount() == 3
    assert model.headerData(1, Qt.Orientation.Horizontal) == "社会保障号码"
    shown = model.data(model.index(0, 1))
    assert shown == "500***********0016"
    assert model.data(model.index(0, 2)) == "A****5674"
    model.reveal(0)
    assert model.data(model.index(0, 1)) == SSN
    model.reveal(None)
    assert model.data(model.index(0, 1)) == shown


def test_fields_model_lists_scalars_with_chinese_labels() -> None:
    model = FieldsModel(HIT)
    labels = [model.data(model.index(r, 0)) for r in range(model.rowCount())]
    assert "姓名" in labels and "出生日期" in labels
    row = labels.index("出生日期")
    assert model.data(model.index(row, 1)) == "1985年07月15日"


def test_card_state_kinds() -> None:
    assert card_state_kind("phone_reported_lost") == "phone_lost"
    assert card_state_kind("lost") == "lost"
    assert card_state_kind("replacement_applied") == "replaced"
    assert card_state_kind("active") == "active"


def test_actions_say_why_they_are_disabled() -> None:
    clerk = make_actor(role=Role.CLERK, kind=OfficeKind.SERVICE_WINDOW)
    staff = make_actor()
    ok, why = availability(clerk, Action.WRITTEN_LOSS_REPORT, Situation(has_session=True))
    assert not ok and "分中心" in why
    ok, why = availability(staff, Action.CHANGE_PIN, Situation())
    assert not ok and "核验身份证件" in why
    ok, why = availability(staff, Action.CHANGE_PIN, Situation(has_session=True))
    assert not ok and "插入本人社保卡" in why
    assert availability(
        staff,
        Action.CHANGE_PIN,
        Situation(has_session=True, card_in_reader=True, card_state="active"),
    )[0]
    ok, why = availability(
        staff, Action.WRITTEN_LOSS_REPORT, Situation(has_session=True, card_state="lost")
    )
    assert not ok and "不能重复挂失" in why
    ok, why = availability(
        staff,
        Action.LIFT_LOSS_REPORT,
        Situation(has_session=True, card_in_reader=True, card_state="replacement_applied"),
    )
    assert not ok and "不能再解除挂失" in why
    assert availability(staff, Action.LIFT_LOSS_REPORT, Situation(card_in_reader=True))[0]


def test_english_catalogue_translates_through_qt(qtbot: Any) -> None:
    from PyQt6.QtCore import QCoreApplication
    from PyQt6.QtWidgets import QApplication

    from counter_app.ui.i18n import JsonTranslator
    from counter_app.ui.keypad import HolderKeypad

    translator = JsonTranslator.load_language("en")
    assert translator is not None and JsonTranslator.load_language("zh_CN") is None
    app = QApplication.instance()
    assert app is not None
    app.installTranslator(translator)
    try:
        pad = HolderKeypad()
        qtbot.addWidget(pad)
        assert pad.confirm_button.text() == "Confirm"
        assert QCoreApplication.translate("x", "书面挂失") == "Written loss report"
    finally:
        app.removeTranslator(translator)
