"""RULES Q7 on the real stack (the demo composition: real services, a migrated demo
database, the emulated ID card reader on a real pseudo-terminal): a holder without their
social security card hands over the resident ID card and the clerk puts it on the reader
(放置身份证 on the demo panel) while no one is served. The idle screen reads it once,
searches its number (the audited search of the search box), shows the hit and opens
核验证件 with the chip read filled in; 确定 opens the holder's records. An ID card of
nobody in the database is said with the number masked and nothing opens."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QDialogButtonBox

from counter_app.demo.accounts import fixed_holder
from forms.masking import mask_id_number
from tests.e2e.test_idcard import SAM_ID, audit_details, audit_row, demo_id_cards, place_id_card

pytestmark = pytest.mark.gui


@pytest.mark.also_remote
def test_Q7_wang_jianguos_id_card_placed_on_the_idle_screen_opens_his_records(
    counter: Any,
) -> None:
    c = counter("CK500103-01")
    holder = fixed_holder("active_default_pin")  # 王建国
    window = c.window
    assert window.id_dialog is None and window.holder.session is None
    # The idle screen has seen the reader without a card: one placed now is for it.
    c.qtbot.waitUntil(lambda: window.id_card_search.armed)
    place_id_card(c, "active_default_pin")
    c.qtbot.waitUntil(lambda: window.id_dialog is not None)  # the idle screen's own look
    dialog = window.id_dialog
    assert dialog.isVisible()
    hit = window.selected_hit()
    assert hit is not None and hit.name == holder.name and window.hits.rowCount() == 1
    assert hit.ssn == mask_id_number(holder.ssn)  # the hit list shows the number masked
    search = audit_row(c, "holder.search")  # the search box's search, audited
    assert search.holder_id == hit.holder_id
    chip = dialog.chip
    assert chip.reading is not None, chip.status.text()
    assert dialog.number.text() == mask_id_number(holder.ssn)
    assert chip.full_number() == holder.ssn and holder.name in chip.chip_text.text()
    assert not chip.photo.pixmap().isNull() and "已读取身份证芯片" in chip.status.text()
    c.qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton
    )
    assert window.id_dialog is None, dialog.error.text()
    assert chip.photo.pixmap().isNull()  # the portrait left with the dialog
    assert window.holder.session is not None
    c.qtbot.waitUntil(lambda: window.holder.overview is not None)
    assert window.holder.overview.basic.name == holder.name  # his records are open
    opened = audit_details(c, "session.open")
    assert opened["id_check"] == "chip" and SAM_ID.match(opened["sam_id"])
    window.id_card_search.poll()  # a holder is served now: the reader is left alone
    assert window.id_dialog is None and audit_row(c, "holder.search").seq == search.seq


@pytest.mark.also_remote
def test_Q7_an_id_card_of_nobody_in_the_database_is_said_and_nothing_opens(
    counter: Any,
) -> None:
    c = counter("CK500103-01")
    window = c.window
    number = "110101199003070011"  # a valid number no demo holder has
    profiles = demo_id_cards(c.db_url)()
    wang = profiles[fixed_holder("active_default_pin").ssn]
    profiles[number] = dict(wang, id_number=number, name="李四", birth="19900307")
    c.ws.id_station.use_demo_cards(lambda: profiles)
    c.qtbot.waitUntil(lambda: window.id_card_search.armed)
    c.click(window.demo_id_panel.remove_button)
    assert window.demo_id_panel.place(number)
    wanted = "未找到该身份证号码的参保人"
    c.qtbot.waitUntil(lambda: wanted in window.search_pane.box.hint.text())
    shown = [window.search_pane.box.hint.text(), window.statusBar().currentMessage()]
    for text in shown:
        assert wanted in text and mask_id_number(number) in text and number not in text
    assert window.id_dialog is None and window.holder.session is None
    assert window.hits.rowCount() == 0 and window.workflow is None
    details = audit_details(c, "holder.search")  # the search was made, and audited
    assert details["hits"] == 0 and number not in str(details)
