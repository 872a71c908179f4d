"""An ID card placed on the ID card reader while no one is served (RULES Q7, IDCARD.md):
the idle main screen reads it once, searches its number through the service interface
(the audited search of the search box) and opens 核验证件 for the one holder found with the
chip read filled in; nobody found is said with the number masked; several found, or a card
in the card reader, a workflow, a dialog or the lock screen: nothing automatic, and the
card is not read (the workflows read it themselves). The fakes' services, the real ID
card reader client against the emulator on a pseudo-terminal."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtWidgets import QDialogButtonBox

from counter_app.services.idcheck import CheckMethod, IdDocument, check_document
from counter_app.ui.id_card_search import IdCardSearch
from counter_app.ui.id_reader import IdCardStation
from counter_app.ui.workflows.access_slip import AccessSlipDialog
from forms.masking import mask_id_number
from tests.gui.conftest import serve_and_end
from tests.gui.fakes import OTHER_SSN, SSN, FakeServices, RegisteredHolder

pytestmark = pytest.mark.gui

NOBODY = OTHER_SSN  # a valid number no holder of the fake has


@pytest.fixture
def watch(window: Any, gateway: FakeServices, station: IdCardStation) -> IdCardSearch:
    window.id_station = station

    def open_id_session(actor: Any, holder_id: int, document: IdDocument, reason: str) -> Any:
        check_document(RegisteredHolder(), document)  # the rule itself, with a registered name
        gateway.calls.append(("open_id_session", (holder_id, document, reason)))
        return gateway._new_session()

    gateway.open_id_session = open_id_session  # type: ignore[method-assign]
    return IdCardSearch(window, station)  # looked at by the test, not by the timer


def _searches(gateway: FakeServices) -> list[str]:
    return [text for name, text in gateway.calls if name == "find_holders"]


def test_Q7_an_id_card_placed_on_the_idle_screen_opens_the_check_with_its_chip_read(
    window: Any, gateway: FakeServices, station: IdCardStation, watch: IdCardSearch, qtbot: Any
) -> None:
    window.setGeometry(20, 20, 760, 740)  # on the offscreen platform's 800x800 screen
    assert watch.idle()
    watch.poll()  # the idle screen sees the reader empty…
    assert watch.armed and _searches(gateway) == []
    assert station.place(SSN)  # …and then the card placed
    watch.poll()
    assert _searches(gateway) == [SSN]  # the search box's search, through the interface
    assert window.hits.rowCount() == 1
    dialog = window.id_dialog
    assert dialog is not None and dialog.isVisible()
    chip = dialog.chip
    assert chip.reading is not None and chip.reading.document.method is CheckMethod.CHIP
    assert dialog.number.text() == mask_id_number(SSN)  # masked; the document holds it whole
    assert chip.full_number() == SSN and "张三" in chip.chip_text.text()
    assert not chip.photo.pixmap().isNull()  # the face, for the clerk's eyes
    qtbot.waitUntil(  # placed once grown by the read: centred on the window (an Xvfb trial
        # saw it at the screen's top-left, its title bar off the screen)
        lambda: (
            (dialog.frameGeometry().center() - window.frameGeometry().center()).manhattanLength()
            <= 2
        )
    )
    assert SSN not in window.search_pane.box.hint.text()
    assert mask_id_number(SSN) in window.search_pane.box.hint.text()
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert window.id_dialog is None, dialog.error.text() and window.holder.session is not None
    (opened,) = [args for name, args in gateway.calls if name == "open_id_session"]
    assert opened[1].method is CheckMethod.CHIP and opened[1].number == SSN
    assert chip.photo.pixmap().isNull()  # released with the dialog
    watch.poll()  # a holder is served now: the reader is not looked at
    assert _searches(gateway) == [SSN]
    window.end_session()  # 结束服务: the hit goes, and what was said of it
    assert window.hits.rowCount() == 0 and window.holder.session is None
    assert "身份证阅读器" not in window.search_pane.box.hint.text()


def test_Q7_the_check_cancelled_leaves_the_card_read_once(
    window: Any, gateway: FakeServices, station: IdCardStation, watch: IdCardSearch
) -> None:
    watch.poll()  # idle, the reader empty
    assert station.place(SSN)
    watch.poll()
    dialog = window.id_dialog
    assert dialog is not None
    dialog.reject()
    assert window.id_dialog is None and dialog.chip.photo.pixmap().isNull()
    watch.poll()  # the card still lies there, read: no second read, no second dialog
    watch.poll()
    assert window.id_dialog is None and _searches(gateway) == [SSN]
    assert station.place(SSN)  # lifted and placed again: the clerk means it
    watch.poll()
    assert window.id_dialog is not None and _searches(gateway) == [SSN, SSN]


def test_Q7_an_id_card_of_nobody_in_the_database_is_said_masked_and_nothing_opens(
    window: Any, gateway: FakeServices, station: IdCardStation, watch: IdCardSearch
) -> None:
    watch.poll()  # idle, the reader empty
    assert station.place(NOBODY)
    watch.poll()
    assert _searches(gateway) == [NOBODY]
    assert window.id_dialog is None and window.holder.session is None
    assert window.hits.rowCount() == 0
    shown = [window.search_pane.box.hint.text(), window.statusBar().currentMessage()]
    for text in shown:
        assert "未找到该身份证号码的参保人" in text and mask_id_number(NOBODY) in text
        assert NOBODY not in text


def test_Q7_several_holders_found_open_nothing_and_the_clerks_choice_gets_the_read(
    window: Any, gateway: FakeServices, station: IdCardStation, watch: IdCardSearch
) -> None:
    twice = [gateway.hit, gateway.hit]
    gateway.find_holders = lambda actor, text: twice  # type: ignore[method-assign]
    watch.poll()
    assert station.place(SSN)
    watch.poll()
    assert window.id_dialog is None and window.hits.rowCount() == 2
    assert "多名参保人" in window.search_pane.box.hint.text()
    window.search_pane.view.selectRow(1)
    window.search_pane.open_button.click()  # the clerk's choice: the read goes there
    chip = window.id_dialog.chip
    assert chip.reading is not None and chip.full_number() == SSN
    assert not chip.photo.pixmap().isNull()


def _card_in_reader(window: Any, reader: Any) -> None:
    reader.insert()


def _locked(window: Any, reader: Any) -> None:
    window.lock()


def _serving(window: Any, reader: Any) -> None:
    window._id_session_opened(window.gateway.open_id_session(window.actor, 7, _typed(), "查询"))


def _checking(window: Any, reader: Any) -> None:
    window.hits.set_rows([window.gateway.hit])
    window.search_pane.hits_shown()
    window.check_id_for_hit()  # the clerk's own 核验证件: its 读取身份证 reads the card


def _typed() -> Any:
    from tests.gui.fakes import DOC

    return DOC


@pytest.mark.parametrize("busy", [_card_in_reader, _locked, _serving, _checking])
def test_Q7_nothing_automatic_and_no_read_while_the_counter_is_busy(
    window: Any,
    gateway: FakeServices,
    reader: Any,
    station: IdCardStation,
    watch: IdCardSearch,
    busy: Any,
) -> None:
    watch.poll()
    busy(window, reader)
    dialog = window.id_dialog
    assert station.place(SSN)
    watch.poll()
    assert not watch.idle()
    assert _searches(gateway) == [] and window.id_dialog is dialog
    if dialog is not None:
        assert dialog.chip.reading is None  # its own 读取身份证 reads it, not the watch
    reading = station.read_placed()  # the card was left for whoever reads it next
    assert reading is not None and reading.document.number == SSN
    reading.release()


def test_Q7_a_card_placed_while_busy_is_not_read_when_the_screen_becomes_idle(
    window: Any, gateway: FakeServices, reader: Any, station: IdCardStation, watch: IdCardSearch
) -> None:
    """Placed while the holder typed the PIN (a card in the card reader), the ID card was
    for that moment: the card pulled, it is not read behind the clerk's back — only once
    lifted and placed again, on the idle screen."""
    watch.poll()
    reader.insert()
    assert station.place(SSN)
    watch.poll()
    reader.remove()
    assert watch.idle()
    for _tick in range(3):
        watch.poll()
    assert _searches(gateway) == [] and window.id_dialog is None and not watch.armed
    station.remove()  # lifted…
    watch.poll()
    assert watch.armed
    assert station.place(SSN)  # …and placed again
    watch.poll()
    assert _searches(gateway) == [SSN] and window.id_dialog is not None


def test_looking_at_the_reader_leaves_the_outage_banner_up(
    window: Any, gateway: FakeServices, station: IdCardStation, watch: IdCardSearch
) -> None:
    """The idle look at the ID card reader (every second) is the reader's work, not the
    services': while they are unreachable the 连接中断 banner stays; the search the placed
    card starts is answered by the services and takes it down."""
    window.db_down("连接中断：无法连接业务服务器。")
    watch.poll()  # the reader looked at: empty
    assert watch.armed and window.banner.isVisibleTo(window)
    assert station.place(SSN)
    watch.poll()  # read, then searched: the services answered
    assert _searches(gateway) == [SSN]
    assert not window.banner.isVisibleTo(window)


def _slips(window: Any) -> list[AccessSlipDialog]:
    return [s for s in window.findChildren(AccessSlipDialog) if s.isVisible()]


def test_Q7_an_id_card_placed_under_the_last_holders_slip_is_the_next_holders(
    window: Any, gateway: FakeServices, station: IdCardStation, watch: IdCardSearch
) -> None:
    """Only the last holder's 查阅告知单 open: the card placed is the next holder's — the slip
    closes as it does for the next holder's card inserted, and the check opens with the read
    (a new clerk's trial: nothing happened, the slip stayed)."""
    serve_and_end(window)
    assert _slips(window) and window.holder.session is None
    assert watch.idle()
    watch.poll()  # the reader seen empty under the slip…
    assert watch.armed
    assert station.place(SSN)  # …and the next holder's card placed
    watch.poll()
    assert _searches(gateway) == [SSN]
    assert not _slips(window)
    dialog = window.id_dialog
    assert dialog is not None and dialog.isVisible() and dialog.chip.reading is not None


def test_Q7_an_id_card_placed_while_a_holder_is_served_is_said_not_read_once(
    window: Any, gateway: FakeServices, reader: Any, station: IdCardStation, watch: IdCardSearch
) -> None:
    """A holder served: the card on the reader is not read, and the status bar says so once
    per placing, not at every look (a new clerk's trial: ignored without a word)."""
    watch.poll()
    _serving(window, reader)
    bar = window.statusBar()
    bar.clearMessage()
    assert station.place(SSN)
    watch.poll()
    assert _searches(gateway) == [] and window.id_dialog is None
    assert bar.currentMessage().startswith("身份证阅读器上的身份证未读取：正在为当前持卡人办理业务")
    bar.clearMessage()
    for _tick in range(3):
        watch.poll()
    assert bar.currentMessage() == ""  # said once, not every second
    station.remove()
    watch.poll()
    assert station.place(SSN)  # placed again: said again
    watch.poll()
    assert "未读取" in bar.currentMessage()
    reading = station.read_placed()  # never read by the watch: left for whoever reads it
    assert reading is not None and reading.document.number == SSN
    reading.release()
