"""Expected conditions of the ID card reader (IDCARD.md SW3 table: no card on the reader,
no reader at all) are logged as one plain line without a traceback and without the card's
data; a real bug in a read still leaves its traceback in the log."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest

from counter_app.ui.id_reader import IdCardStation
from counter_app.ui.tasks import InlinePool, TaskRunner
from reader.idcard.emulator import PtyIdReader
from reader.idcard.errors import IdReaderNotFound, NoIdCard
from reader.idcard.profile import DEMO_SAM_ID

pytestmark = pytest.mark.gui


@pytest.fixture
def station() -> Iterator[IdCardStation]:
    emulator = PtyIdReader(None, sam_id=bytes.fromhex(DEMO_SAM_ID))
    made = IdCardStation(emulator.start(), "demo", emulator=emulator, polls=1)
    yield made
    made.close()


def _read(station: IdCardStation) -> list[BaseException]:
    failed: list[BaseException] = []
    runner = TaskRunner(InlinePool(), InlinePool())
    runner.run(station.read, lambda _r: None, failed.append, card=True, name="read_id_card")
    return failed


def test_no_card_on_the_reader_is_one_info_line_without_traceback(
    station: IdCardStation, caplog: Any
) -> None:
    caplog.set_level(logging.DEBUG)
    failed = _read(station)
    assert len(failed) == 1 and isinstance(failed[0], NoIdCard)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not [r for r in caplog.records if r.exc_info or r.stack_info]
    lines = [r for r in caplog.records if r.name == "counter_app.ui.id_reader"]
    assert len(lines) == 1 and lines[0].levelno == logging.INFO
    assert "阅读器上没有身份证" in lines[0].getMessage()
    assert "Traceback" not in caplog.text


def test_a_missing_reader_is_one_warning_line(caplog: Any) -> None:
    caplog.set_level(logging.DEBUG)

    def no_port(_path: str) -> Any:
        raise OSError(2, "[Errno 2] could not open port /dev/ttyUSB9: No such file")

    station = IdCardStation("/dev/ttyUSB9", "demo", opener=no_port, polls=1)
    failed = _read(station)
    assert len(failed) == 1 and isinstance(failed[0], IdReaderNotFound)
    assert [r.levelno for r in caplog.records] == [logging.WARNING]
    assert not caplog.records[0].exc_info
    assert "Errno" not in caplog.text and "ttyUSB9" not in caplog.text  # no driver text


def test_a_real_bug_in_a_read_keeps_its_traceback(station: IdCardStation, caplog: Any) -> None:
    def broken() -> Any:
        raise RuntimeError("a bug")

    station._open = broken  # type: ignore[method-assign]
    caplog.set_level(logging.DEBUG)
    failed = _read(station)
    assert isinstance(failed[0], RuntimeError)
    assert [r for r in caplog.records if r.levelno == logging.ERROR and r.exc_info]
