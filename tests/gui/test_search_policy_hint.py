"""The search box's live hint applies the input policy first (validation.text_policy): an
invisible or control character typed or pasted into it is named, with its position, by the
policy's own message while typing — the same refusal the search service gives — instead of
a misleading guess about what was meant."""

from __future__ import annotations

from typing import Any

import pytest

from counter_app.services.search import parse_search
from counter_app.ui.search import SearchBox, classify
from counter_app.validation import ValidationError

SSN = "11010519491231002X"


@pytest.mark.parametrize(
    "text, position",
    [
        (SSN[:6] + "\u200b" + SSN[6:], 7),  # zero-width space inside an ID number
        ("\u202e" + SSN, 1),  # bidi override
        ("张三\x001980-01-02", 3),  # NUL
    ],
)
def test_hint_names_the_forbidden_character_with_the_policy_message(
    text: str, position: int
) -> None:
    check = classify(text)
    assert check.error and not check.ok
    assert f"第{position}个字符" in check.hint
    with pytest.raises(ValidationError) as refused:
        parse_search(text)
    assert check.hint == str(refused.value)
    assert "出生日期" not in check.hint


def test_search_box_removes_a_typed_invisible_character_and_says_so(qtbot: Any) -> None:
    box = SearchBox()
    qtbot.addWidget(box)
    box.edit.setText(SSN)
    assert box.button.isEnabled()
    box.edit.setText(SSN[:9] + "\u2060" + SSN[9:])
    assert box.edit.text() == SSN and box.button.isEnabled()  # what is left is searched
    assert "已删除粘贴内容中的不可见字符（零宽字符）" in box.hint.text()
    assert "U+" not in box.hint.text()
