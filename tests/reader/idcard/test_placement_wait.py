"""The clerk's wait for the holder to place the ID card (IDCARD.md: the reader announces
nothing when a card is placed — find card is asked again and again), through a real
pseudo-terminal: how many finds a wait makes and what it says when it runs out, and a cancel
from another thread that ends the wait at once without cutting a command to the reader
short. Pauses run on a fake clock unless a test is about the real pause."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from reader.idcard import errors as e
from reader.idcard.client import IdCardClient, open_reader
from reader.idcard.emulator import PtyIdReader
from reader.idcard.placement import IdCardNotPlaced, IdCardWaitCancelled, PlacementWait

from .fakepause import FakePause
from .idkit import RESIDENT, profile

#: Long enough that a wait ends by a cancel or not at all: the test would hang, not pass.
NEVER = 3600.0
#: For a thread the test expects to end now: a liveness bound, never a measure of speed.
JOIN = 60.0


@pytest.fixture
def emulator() -> Iterator[PtyIdReader]:
    with PtyIdReader(profile(RESIDENT)) as emu:
        emu.remove()  # the holder is still looking for the card
        yield emu


@pytest.fixture
def client(emulator: PtyIdReader) -> Iterator[IdCardClient]:
    c = open_reader(emulator.path)
    yield c
    c.close()


def _wait(polls: int, pause: FakePause, interval: float = 0.3) -> PlacementWait:
    return PlacementWait(polls, interval, pause=pause)


def _read(client: IdCardClient, wait: PlacementWait) -> object:
    return client.read_when_placed(
        wait.polls, wait.interval, wait.cancelled, sleep=wait.pause, polled=wait.polled
    )


def test_the_wait_keeps_asking_until_the_holder_places_the_card(
    emulator: PtyIdReader, client: IdCardClient
) -> None:
    pause = FakePause()
    wait = _wait(100, pause)  # 30 s at 0.3 s
    assert wait.total_seconds() == 30 and wait.seconds_left() == 30
    left: list[int] = []
    pause.at(1, lambda: left.append(wait.seconds_left()))
    pause.at(40, lambda: left.append(wait.seconds_left()))
    pause.at(60, emulator.place)  # found in a wallet 18 s later
    card = _read(client, wait)
    assert card.name == "张伟"  # type: ignore[attr-defined]
    assert len(pause.slept) == 60 and set(pause.slept) == {0.3}
    assert left == [30, 18]  # 99 × 0.3 = 29.7 → 30; 60 × 0.3 = 18


def test_a_wait_that_runs_out_says_how_long_it_waited_and_what_to_do(
    client: IdCardClient,
) -> None:
    pause = FakePause()
    wait = _wait(100, pause)
    with pytest.raises(IdCardNotPlaced) as ran_out:
        _read(client, wait)
    assert len(pause.slept) == 99  # no pause after the last find
    assert ran_out.value.seconds == 30 and wait.seconds_left() == 0
    assert isinstance(ran_out.value, e.NoIdCard)  # as every "no card" before
    assert "请将身份证放在阅读器上" in str(ran_out.value)
    assert "读取身份证" in str(ran_out.value)


def test_a_cancel_between_two_finds_sends_no_further_find(
    emulator: PtyIdReader, client: IdCardClient
) -> None:
    pause = FakePause()
    wait = _wait(100, pause)
    pause.at(5, wait.cancel)
    pause.at(5, emulator.place)  # too late: nobody waits any more
    with pytest.raises(IdCardWaitCancelled):
        _read(client, wait)
    assert len(pause.slept) == 5
    before = emulator.reader.commands
    card = client.read_card()  # the port is clean: the next command gets its own reply
    assert card.name == "张伟" and emulator.reader.commands > before


def test_a_cancel_from_another_thread_ends_the_real_pause_at_once(
    emulator: PtyIdReader, client: IdCardClient
) -> None:
    """The pause is a real one of an hour: the wait ends only because the cancel cut it."""
    wait = PlacementWait(2, NEVER)
    outcome: list[BaseException] = []
    first_find = threading.Event()
    reported: list[int] = []

    def polled(left: int) -> None:
        reported.append(left)
        wait.polled(left)
        first_find.set()

    def waiting() -> None:
        try:
            client.read_when_placed(
                wait.polls, wait.interval, wait.cancelled, sleep=wait.pause, polled=polled
            )
        except BaseException as error:  # the test looks at it
            outcome.append(error)

    worker = threading.Thread(target=waiting)
    worker.start()
    assert first_find.wait(JOIN)
    wait.cancel()  # the clerk's thread
    worker.join(JOIN)
    assert not worker.is_alive()
    assert isinstance(outcome[0], IdCardWaitCancelled) and reported == [1]
    emulator.place()
    assert client.read_card().name == "张伟"  # nothing half-read left on the port


def test_a_cancel_during_the_card_read_lets_the_read_finish(
    emulator: PtyIdReader, client: IdCardClient
) -> None:
    """A cancel is heard between commands only: a read under way completes (its reply is
    taken off the port whole), so the next command is answered by its own reply."""
    emulator.reader.read_delay = 0.2
    emulator.place()
    wait = PlacementWait(2, NEVER)
    got: list[object] = []
    worker = threading.Thread(target=lambda: got.append(_read(client, wait)))
    worker.start()
    assert emulator.reader.reading.wait(JOIN)
    wait.cancel()
    worker.join(JOIN)
    assert not worker.is_alive()
    assert got and got[0].name == "张伟"  # type: ignore[attr-defined]
    with pytest.raises(e.NoIdCard):  # read once: the port answers the next find cleanly
        client.find_card()
