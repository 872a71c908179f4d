"""读取身份证 waits for the holder to place the card (IDCARD.md: the reader announces nothing
when a card is placed; at the window the holder may first look for it in a wallet):

- the wait lasts about 30 s and shows 请将身份证放在阅读器上 with the seconds left, with a
  取消读取 (Esc) beside the button that stops it at once — Esc closes the dialog again once
  no wait is under way;
- a wait that runs out says to place the card and press 读取身份证 again; a card read before
  and still lying there (``80`` until it is lifted) keeps its own message;
- the form hidden (another page) or its dialog closed cancels the wait, and whatever the
  cancelled read still hands back is dropped, its portrait wiped;
- cancelling lets the reader go (the idle screen's watch and the next read get it), on a
  real pool thread and the emulated reader on a real pseudo-terminal.

The pauses between finds run on a fake clock (``FakePause``) or are an hour long, so a wait
ends only by what the test does: no test measures time."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PyQt6.QtCore import QRunnable, Qt
from PyQt6.QtWidgets import QFormLayout, QStackedWidget, QWidget

from counter_app.ui.id_check import IdCheckDialog
from counter_app.ui.id_reader import IdCardStation
from counter_app.ui.tasks import InlinePool, TaskRunner
from reader.idcard.emulator import PtyIdReader
from reader.idcard.placement import IdCardWaitCancelled
from reader.idcard.profile import DEMO_SAM_ID
from tests.gui.fakes import SSN, id_card_profile
from tests.reader.idcard.fakepause import FakePause

pytestmark = pytest.mark.gui

#: A pause no test waits out: the wait ends by a cancel or the test fails.
NEVER = 3600.0


class HeldPool:
    """Keeps each runnable until the test lets it run (the read under way)."""

    def __init__(self) -> None:
        self.held: list[QRunnable] = []

    def start(self, runnable: QRunnable) -> None:
        self.held.append(runnable)

    def answer_next(self) -> None:
        self.held.pop(0).run()


class Host(QWidget):
    """The main window as the 读取身份证 rows find it: ``id_station`` and ``runner``."""

    def __init__(self, station: IdCardStation, runner: TaskRunner) -> None:
        super().__init__()
        self.id_station, self.runner = station, runner


def _station(pause: FakePause | None, interval: float = 0.3, polls: int = 100) -> IdCardStation:
    emulator = PtyIdReader(None, sam_id=bytes.fromhex(DEMO_SAM_ID))
    cards = {SSN: id_card_profile(SSN, "张三", "19850715")}
    return IdCardStation(
        emulator.start(),
        "demo",
        emulator=emulator,
        demo_profiles=lambda: cards,
        polls=polls,
        interval=interval,
        pause=pause,
    )


@pytest.fixture
def pause() -> FakePause:
    return FakePause()


@pytest.fixture
def station(pause: FakePause) -> Iterator[IdCardStation]:
    """30 s of finds (100 × 0.3 s) on the fake clock; no card on the reader yet."""
    made = _station(pause)
    yield made
    made.close()


HOSTS: list[QWidget] = []  # kept alive for the test (qtbot closes them)


def _dialog(qtbot: Any, station: IdCardStation, pool: Any) -> IdCheckDialog:
    host = Host(station, TaskRunner(pool, InlinePool()))
    qtbot.addWidget(host)
    HOSTS[:] = [host]
    host.show()  # the main window is on the screen
    dialog = IdCheckDialog(None, host)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()  # a shortcut (Esc) works in the active window, as on a screen
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def _finds(station: IdCardStation) -> int:
    return int(station.emulator.reader.commands)


def test_the_read_waits_30_seconds_showing_the_seconds_left_until_the_card_is_placed(
    qtbot: Any, station: IdCardStation, pause: FakePause
) -> None:
    pool = HeldPool()
    dialog = _dialog(qtbot, station, pool)
    chip = dialog.chip
    chip.read_button.click()
    assert "请将身份证放在阅读器上" in chip.status.text()
    assert "还剩 30 秒" in chip.status.text()
    assert chip.waiting.button.isVisible() and "Esc" in chip.waiting.button.text()
    assert not chip.read_button.isEnabled() and not chip.read_button.isVisible()  # its place
    shown: list[str] = []

    def look() -> None:  # the screen's tick, as its timer does it meanwhile
        chip.waiting.tick()
        shown.append(chip.status.text())

    pause.at(40, look)
    pause.at(60, lambda: station.place(SSN))  # found in the wallet 18 s later
    pool.answer_next()  # the pool thread's work, with its 60 pauses
    assert "还剩 18 秒" in shown[0]  # 60 finds of 100 left × 0.3 s
    assert chip.reading is not None and chip.reading.document.number == SSN
    assert "已读取身份证芯片" in chip.status.text()
    assert not chip.waiting.button.isVisible() and chip.read_button.isEnabled()
    assert chip.read_button.isVisible()
    assert len(pause.slept) == 60


def test_Esc_stops_the_wait_at_once_and_leaves_the_dialog_open(
    qtbot: Any, station: IdCardStation, pause: FakePause
) -> None:
    pool = HeldPool()
    dialog = _dialog(qtbot, station, pool)
    chip = dialog.chip
    chip.read_button.click()
    wait = chip.waiting.pending.wait
    qtbot.keyClick(dialog.number, Qt.Key.Key_Escape)
    assert wait.cancelled()  # told to the pool thread at once
    assert dialog.isVisible()  # Esc was the wait's, not the dialog's
    assert "已取消读取身份证" in chip.status.text()
    assert "再点击“读取身份证”" in chip.status.text()
    assert chip.read_button.isEnabled() and not chip.waiting.button.isVisible()
    before = _finds(station)
    station.place(SSN)
    pool.answer_next()  # the cancelled read: it never asks the reader
    assert _finds(station) == before and not pause.slept
    assert chip.reading is None and "已取消读取身份证" in chip.status.text()
    assert not station.reader_empty()  # the reader is free: the watch sees the new card
    qtbot.keyClick(dialog.number, Qt.Key.Key_Escape)  # no wait now: Esc is the dialog's
    assert not dialog.isVisible()


def test_the_cancel_button_stops_the_wait(qtbot: Any, station: IdCardStation) -> None:
    pool = HeldPool()
    chip = _dialog(qtbot, station, pool).chip
    chip.read_button.click()
    wait = chip.waiting.pending.wait
    chip.waiting.button.click()
    assert wait.cancelled() and "已取消读取身份证" in chip.status.text()
    pool.answer_next()
    assert chip.reading is None


def test_a_wait_that_runs_out_says_to_place_the_card_and_press_read_again(
    qtbot: Any, station: IdCardStation, pause: FakePause
) -> None:
    chip = _dialog(qtbot, station, InlinePool()).chip
    chip.read_button.click()  # nobody places a card: all 100 finds answer 80
    assert len(pause.slept) == 99
    text = chip.status.text()
    assert "等待 30 秒，阅读器上仍没有身份证" in text
    assert "请将身份证放在阅读器上，再点击“读取身份证”" in text
    assert chip.read_button.isEnabled() and not chip.waiting.button.isVisible()
    assert chip.reason.currentIndex() == -1  # no reason chosen for the clerk


def test_a_card_read_and_still_lying_there_keeps_its_own_message(
    qtbot: Any, station: IdCardStation, pause: FakePause
) -> None:
    chip = _dialog(qtbot, station, InlinePool()).chip
    assert station.place(SSN)
    chip.read_button.click()
    first = chip.reading
    assert first is not None
    said_while_waiting: list[str] = []
    pause.at(1, lambda: said_while_waiting.append(chip.status.text()))
    chip.read_button.click()  # the card still lies there (IDCARD.md: 80 until lifted)
    assert "刚读取过的身份证须拿起后重新放置" in said_while_waiting[0]
    assert "请将身份证拿起后重新放置" in chip.status.text()
    assert "等待 30 秒" not in chip.status.text()
    assert chip.reading is first  # the good read stays


def test_closing_the_dialog_during_the_wait_cancels_it(
    qtbot: Any, station: IdCardStation, pause: FakePause
) -> None:
    pool = HeldPool()
    dialog = _dialog(qtbot, station, pool)
    chip = dialog.chip
    chip.read_button.click()
    wait = chip.waiting.pending.wait
    dialog.reject()  # the dialog's 取消 (or ×)
    assert wait.cancelled() and not chip.waiting.active()
    assert not chip.waiting.timer.isActive()
    station.place(SSN)
    before = _finds(station)
    pool.answer_next()
    assert _finds(station) == before  # the closed check never asked the reader
    assert chip.reading is None


def test_another_page_of_the_form_cancels_the_wait(qtbot: Any, station: IdCardStation) -> None:
    """A workflow's 下一步 shows its next page: the ID step's wait goes with it."""
    from PyQt6.QtWidgets import QComboBox, QLineEdit

    from counter_app.services.idcheck import IdDocumentKind
    from counter_app.ui.id_chip import ChipCheck

    pool = HeldPool()
    host = Host(station, TaskRunner(pool, InlinePool()))
    qtbot.addWidget(host)
    HOSTS[:] = [host]
    stack = QStackedWidget(host)
    page, other = QWidget(), QWidget()
    form = QFormLayout(page)
    kinds = list(IdDocumentKind)
    kind, number = QComboBox(), QLineEdit()
    form.addRow(kind)
    form.addRow(number)
    chip = ChipCheck(form, kind, kinds, number)
    stack.addWidget(page)
    stack.addWidget(other)
    host.show()
    qtbot.waitExposed(host)
    chip.read_button.click()
    wait = chip.waiting.pending.wait
    stack.setCurrentWidget(other)
    assert wait.cancelled() and not chip.waiting.active()
    assert chip.read_button.isEnabled()  # back on the page, a new read can start
    pool.answer_next()
    assert chip.reading is None


def test_a_read_answered_after_the_cancel_is_dropped_and_its_portrait_wiped(
    qtbot: Any, station: IdCardStation
) -> None:
    pool = HeldPool()
    chip = _dialog(qtbot, station, pool).chip
    chip.read_button.click()
    stale = chip.waiting.pending
    chip.cancel_read()
    assert station.place(SSN)
    reading = station.read()  # what a read caught just as it was cancelled would hand back
    portrait = reading.portrait
    assert portrait is not None and len(portrait.rgb)
    stale.done(reading)
    assert reading.portrait is None and len(portrait.rgb) == 0  # wiped, not shown
    assert chip.reading is None and "已取消读取身份证" in chip.status.text()


def test_a_cancel_on_a_real_pool_thread_lets_the_reader_go(qtbot: Any) -> None:
    """A real pool thread, a pause of an hour between two finds: the wait ends only by the
    cancel. Meanwhile the idle screen's watch is answered at once (the clerk's read owns the
    reader); afterwards the reader is free and the next read gets the card whole."""
    made = _station(None, interval=NEVER, polls=2)
    try:
        runner = TaskRunner()
        chip = _dialog(qtbot, made, runner._pool).chip
        before = _finds(made)
        chip.read_button.click()
        qtbot.waitUntil(lambda: _finds(made) > before)  # the first find: no card
        assert made.read_placed() is None and made.reader_empty() is False  # not blocked
        chip.waiting.button.click()
        qtbot.waitUntil(made.reader_empty)  # the lock let go, the port answers cleanly
        assert made.place(SSN)
        chip.read_button.click()
        qtbot.waitUntil(lambda: chip.reading is not None)
        assert chip.reading.document.number == SSN
        assert "已读取身份证芯片" in chip.status.text()
    finally:
        made.close()


def test_closing_the_station_cancels_a_wait_under_way(qtbot: Any) -> None:
    """The workstation closes while a clerk's read waits: the wait stops (the station's
    lock would otherwise be held for the whole wait) and its read says it was cancelled."""
    made = _station(None, interval=NEVER, polls=2)
    runner = TaskRunner()
    failed: list[BaseException] = []
    before = _finds(made)
    runner.run(made.read, None, failed.append, local=True, name="read_id_card")
    qtbot.waitUntil(lambda: _finds(made) > before)
    made.close()  # returns only once the wait let the reader go
    qtbot.waitUntil(lambda: bool(failed))
    assert isinstance(failed[0], IdCardWaitCancelled)


def test_a_workstation_s_read_waits_long_enough_for_a_wallet() -> None:
    """At the window the holder may look for the card for 10–20 s: the station the
    composition root builds (its defaults) waits about 30 s."""
    made = IdCardStation("/nonexistent", "demo")  # the port is opened only to read
    assert made.new_wait().total_seconds() == 30
