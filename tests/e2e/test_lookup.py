"""Looking a holder up (RULES Q1, Q7), from login to the records and the access slip."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtWidgets import QApplication

from counter_app.demo.accounts import fixed_holder
from counter_app.ui.workflows.access_slip import AccessSlipDialog

pytestmark = pytest.mark.gui


def _walk_tabs(c: Any) -> list[str]:
    """Open every record tab; return the titles (a tab that failed shows its error)."""
    holder = c.window.holder
    titles = []
    errors: list[str] = []
    c.window.statusBar().clearMessage()
    for index in range(holder.tabs.count()):
        holder.tabs.setCurrentIndex(index)
        QApplication.processEvents()
        titles.append(holder.tabs.tabText(index))
        message = c.window.statusBar().currentMessage()
        if message:
            errors.append(f"{holder.tabs.tabText(index)}: {message}")
    assert not errors, errors
    return titles


@pytest.mark.also_postgres
@pytest.mark.also_remote
def test_Q1_lookup_by_card_and_pin_opens_every_tab(counter: Any) -> None:
    c = counter("YB500103-01")
    c.card_session("retired")  # 周国华, a retiree: pension records too
    header = c.window.holder.header.text()
    assert "周国华" in header and fixed_holder("retired").ssn not in header
    titles = _walk_tabs(c)
    assert len(titles) >= 8
    assert not c.window.banner.isVisible()
    # the clerk ends the service: the access slip (RULES Q7) as a saved PDF
    c.click(c.window.end_button)
    (slip,) = [d for d in c.window.findChildren(AccessSlipDialog) if d.isVisible()]
    text = c.save_pdf(slip, "access-slip")
    assert "周国华" in text and "查阅" in text
    assert c.window.holder.session is None


@pytest.mark.also_postgres
@pytest.mark.also_remote
def test_Q7_lookup_without_the_card_by_id_document(counter: Any) -> None:
    """The search hit shows a masked number; the typed number is compared by the service
    with the record. The correct number opens the records; a valid number of someone else
    is refused in the dialog, the number kept."""
    c = counter("YB500103-01")
    holder = fixed_holder("active_default_pin")  # 王建国
    c.search(holder.ssn)
    assert c.window.hits.rowCount() == 1
    shown = c.window.hits.data(c.window.hits.index(0, 1))
    assert "*" in shown and shown != holder.ssn  # the hit is masked
    other = fixed_holder("active_changed_pin").ssn  # a valid number, not 王建国's
    dialog = c.id_check(other)
    assert dialog.isVisible() and "不一致" in dialog.error.text()
    assert dialog.number.text() == other and c.window.holder.session is None
    dialog.reject()
    dialog = c.id_check(holder.ssn)
    assert not dialog.isVisible(), dialog.error.text()
    assert c.window.holder.session is not None
    assert "王建国" in c.window.holder.header.text()
    _walk_tabs(c)
    c.click(c.window.end_button)
    (slip,) = [d for d in c.window.findChildren(AccessSlipDialog) if d.isVisible()]
    text = c.save_pdf(slip, "access-slip-id")
    assert "王建国" in text and "居民身份证" in text


def test_id_check_wrong_check_digit_is_not_revealed(counter: Any) -> None:
    c = counter("YB500103-01")
    holder = fixed_holder("active_default_pin")
    c.search(holder.ssn)
    wrong = holder.ssn[:17] + ("1" if holder.ssn[17] != "1" else "2")
    dialog = c.id_check(wrong)
    assert dialog.isVisible() and "校验位" in dialog.error.text()
    assert f"应为 {holder.ssn[17]}" not in dialog.error.text()
    assert holder.ssn[17] not in dialog.error.text().replace("18", "")


@pytest.mark.also_remote
@pytest.mark.parametrize(
    ("key", "said"), [("work_death", "已注销"), ("replacement_applied", "作废")]
)
def test_Q1_a_void_card_is_refused_without_asking_for_the_pin(
    counter: Any, key: str, said: str
) -> None:
    """孙建军's card was cancelled when he died, 杨丽's replaced (U4): inserting either asks
    the holder for nothing and tells the clerk why; no record opens."""
    c = counter("YB500103-01")
    c.insert(key)
    keypad = c.ws.pin_entry.keypad
    c.qtbot.waitUntil(lambda: said in c.window.statusBar().currentMessage())
    assert not keypad.active
    assert c.window.holder.session is None
