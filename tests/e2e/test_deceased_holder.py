"""RULES Q7 at the window: 孙建军 is recorded as deceased (a work death), so an ID document
shown in his name opens no records — the ID check dialog stays open and says so in words
(the date of death, what to do instead), never a traceback; in-process and through
counter-server."""

from __future__ import annotations

from typing import Any

import pytest

from counter_app.demo.accounts import fixed_holder

pytestmark = pytest.mark.gui


@pytest.mark.also_remote
def test_Q7_a_deceased_holder_is_not_identified_by_an_id_document(counter: Any) -> None:
    c = counter("YB500103-01")
    holder = fixed_holder("work_death")  # 孙建军
    c.search(holder.ssn)
    dialog = c.id_check(holder.ssn)
    text = dialog.error.text()
    assert dialog.isVisible(), text
    assert "死亡" in text and "不能以本人名义查询或办理业务" in text, text
    assert "年" in text and "月" in text and "日死亡" in text  # the recorded date of death
    assert "Traceback" not in text and "HolderDeceased" not in text
    assert c.window.holder.session is None
