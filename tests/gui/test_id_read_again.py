"""The ID card on the reader in a holder's service (IDCARD.md: after a successful read the
card must be lifted and placed again before the reader finds it; RULES E1: one case per
holder's service; RULES P4/P5 the action's ID check, made by the service):

- a second read of a card still on the reader tells the clerk exactly what to do
  (请将身份证拿起后重新放置), and no manual-entry reason is chosen for the clerk;
- the ID card the service accepted earlier in this service is offered to the next action
  (使用本次服务已核验的身份证: the clerk confirms; the service checks it again); never in
  another service;
- a card that is not the session holder's is said beside the read result at once (the
  service's answer, asked right after the read), not first at 下一步."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from counter_app.services.idcheck import CheckMethod, IdDocumentLike, check_document
from counter_app.services.permissions import Action
from counter_app.ui.id_reader import IdCardStation
from tests.gui.fakes import OTHER_SSN, SSN, RegisteredHolder
from tests.gui.test_workflows import card_session, wf  # noqa: F401 - fixture

pytestmark = pytest.mark.gui

OTHER = OTHER_SSN  # a valid number no holder of the fake has


@pytest.fixture
def counter(wf: Any, reader: Any, station: IdCardStation) -> Any:  # noqa: F811
    wf.id_station = station

    def check(_actor: Any, _session: Any, document: IdDocumentLike, purpose: Action) -> None:
        wf.gateway.calls.append(("check_session_document", purpose))
        check_document(RegisteredHolder(), document)  # the rule itself, with a registered name

    wf.gateway.check_session_document = check
    card_session(wf, reader)
    return wf


def _checks(win: Any) -> int:
    return sum(1 for call in win.gateway.calls if call[0] == "check_session_document")


def test_a_second_read_of_the_card_left_on_the_reader_says_to_lift_and_place_it(
    counter: Any, station: IdCardStation
) -> None:
    counter.action_buttons[Action.CHANGE_PIN].click()
    chip = counter.workflow.documents.chip
    assert station.place(SSN)
    chip.read()
    assert chip.reading is not None and chip.reading.document.number == SSN
    first = chip.reading
    chip.read()  # the card still lies there: the reader answers "no card" (IDCARD.md)
    assert chip.reading is first  # the good read is not thrown away by a failed one
    assert "上次读取的身份证信息仍在使用" in chip.status.text()
    assert "请将身份证拿起后重新放置" in chip.status.text()
    assert "没有身份证" not in chip.status.text()  # it is there: not what the clerk is told
    assert chip.reason.currentIndex() == -1  # no 证件芯片无法读取 recorded for the clerk
    assert station.place(SSN)  # lifted and placed again
    chip.read()
    assert chip.reading is not first and chip.reading is not None
    assert "已读取身份证芯片" in chip.status.text()


def test_the_id_card_accepted_in_this_service_is_offered_to_the_next_action(
    counter: Any, station: IdCardStation
) -> None:
    counter.action_buttons[Action.CHANGE_PIN].click()
    first = counter.workflow
    assert not first.documents.chip.recent_button.isVisible()  # nothing accepted yet
    assert station.place(SSN)
    first.documents.chip.read()
    accepted = first.documents.chip.reading.document
    assert "与当前参保人一致" in first.documents.chip.status.text()
    first.reject()  # the holder changes their mind: 重置 instead

    counter.action_buttons[Action.RESET_PIN].click()
    d = counter.workflow
    chip = d.id_step.fields.chip
    assert chip.recent_button.isVisible() and "已于" in chip.status.text()
    chip.read()  # the card was not lifted: the offer is named in what to do
    assert "使用本次服务已核验的身份证" in chip.status.text()
    before = _checks(counter)
    chip.recent_button.click()  # the clerk confirms it is the same person's card
    assert chip.reading is not None
    # The chip document as accepted, said to be reused (RULES E1: its audit event names
    # the earlier read, services/idcheck_reuse.py).
    assert chip.reading.document == dataclasses.replace(accepted, reused=True)
    assert chip.reading.document.method is CheckMethod.CHIP
    assert d.id_step.fields.number.text() == "500***********0016"  # masked, as read
    assert chip.reason.currentIndex() == -1 and not chip.reason.isEnabled()
    assert "请确认持证人仍是本人" in chip.status.text()
    assert chip.photo.pixmap().isNull()  # the portrait was not kept
    d.next()
    assert d.stack.currentWidget() is not d.id_step.page, d.banner.text()
    assert _checks(counter) == before + 1  # the service checked it again for this action
    d.back()
    d.id_step.fields.number.selectAll()
    d.id_step.fields.number.insert("5")  # typed over: the accepted card is offered again
    assert chip.reading is None and chip.recent_button.isVisible()


def test_the_accepted_id_card_is_not_offered_in_the_next_service(
    counter: Any, station: IdCardStation, reader: Any
) -> None:
    counter.action_buttons[Action.CHANGE_PIN].click()
    assert station.place(SSN)
    counter.workflow.documents.chip.read()
    counter.workflow.reject()
    assert station.recent(counter.holder.session.session_id) is not None
    counter.holder.clear()
    reader.remove()
    card_session(counter, reader)  # the next holder's service
    counter.action_buttons[Action.CHANGE_PIN].click()
    chip = counter.workflow.documents.chip
    assert not chip.recent_button.isVisible()
    chip.use_recent()  # even asked directly: nothing of another service
    assert chip.reading is None


def test_a_wrong_persons_card_is_said_beside_the_read_result_at_once(
    counter: Any, station: IdCardStation
) -> None:
    counter.action_buttons[Action.RESET_PIN].click()
    d = counter.workflow
    chip = d.id_step.fields.chip
    assert station.place(OTHER)
    chip.read()
    assert chip.reading is not None  # read: its data and photo stay to be seen
    assert "此身份证不能用于当前参保人" in chip.status.text()
    assert "不一致" in chip.status.text()  # the service's IdDocumentMismatch
    assert "b00020" in chip.status.styleSheet()  # in red, like a refusal
    assert d.stack.currentWidget() is d.id_step.page  # before any 下一步
    assert station.recent(counter.holder.session.session_id) is None  # never offered
    d.id_step.fields.number.selectAll()
    d.id_step.fields.number.insert("5")  # typed over: the red refusal no longer applies
    assert "b00020" not in chip.status.styleSheet() and "人工录入" in chip.status.text()


def test_a_failed_second_read_is_shown_whole_beside_the_first_one(
    qtbot: Any, counter: Any, station: IdCardStation
) -> None:
    """核验证件: the reason of the failed read wraps to several lines above the first read's
    photo; the dialog grows so the photo covers none of the rows below it."""
    from counter_app.ui.id_check import IdCheckDialog
    from tests.gui.test_dialogs_fit import _fits, _settle

    dialog = IdCheckDialog(None, counter)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert station.place(SSN)
    dialog.chip.read()
    dialog.chip.read()  # the card still lies there
    assert "请将身份证拿起后重新放置" in dialog.chip.status.text()
    _settle(qtbot, dialog)
    assert _fits(dialog.chip.status)
    photo_bottom = dialog.chip.photo.mapTo(dialog, dialog.chip.photo.rect().bottomLeft()).y()
    reason_top = dialog.chip.reason.mapTo(dialog, dialog.chip.reason.rect().topLeft()).y()
    assert photo_bottom < reason_top
