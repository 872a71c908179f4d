"""补卡申请's result names the old card by its masked number, as every screen shows a card
number (item_models.display, forms.masking: first and last four visible; the full number
only through the header's audited reveal, RULES Q7) — a new clerk's trial saw it in full.
The printed 补卡申请表 keeps its rule: full on the archive copy, masked on the holder's."""

from __future__ import annotations

from typing import Any

import pytest

from counter_app.demo.accounts import fixed_holder
from counter_app.services.permissions import Action
from forms.masking import mask_card_number
from tests.e2e.id_typing import choose_reason
from tests.forms.pdfcheck import page_lines, value_right_of
from tests.gui.test_workflows_more import counter, demo_template  # noqa: F401 - fixtures

pytestmark = pytest.mark.gui


def test_R2_replacement_result_masks_the_old_card_number(counter: Any) -> None:  # noqa: F811
    c = counter("YB500103-01")
    c.id_session("phone_lost")  # 张伟, phone-reported lost
    d = c.start(Action.REPLACEMENT_APPLICATION)
    d.id_step.fields.number.setText(fixed_holder("phone_lost").ssn)
    choose_reason(d.id_step.fields.number)
    d.next()
    d.understood.setChecked(True)
    d.next()
    shown = d.result_label.text()
    number = fixed_holder("phone_lost").card_number
    assert "补卡申请已受理" in shown, d.banner.text()
    assert f"卡号 {mask_card_number(number)}" in shown
    assert number not in shown
    archive, holder = page_lines(d.printer.pdf, 0), page_lines(d.printer.pdf, 1)
    assert value_right_of(archive, "原卡卡号") == number
    assert value_right_of(holder, "原卡卡号") == mask_card_number(number)
