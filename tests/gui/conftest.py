from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from counter_app.ui.id_reader import IdCardStation
from counter_app.ui.rating import install_rating
from counter_app.ui.tasks import TaskRunner
from tests.gui.fakes import (
    DOC,
    OTHER_SSN,
    SSN,
    FakeServices,
    Reader,
    id_card_profile,
    inline_runner,
    make_actor,
)
from tests.gui.pty_station import emulated_station


@pytest.fixture
def runner() -> TaskRunner:
    return inline_runner()


@pytest.fixture
def gateway() -> FakeServices:
    return FakeServices()


@pytest.fixture
def reader(runner: TaskRunner) -> Reader:
    return Reader(runner)


@pytest.fixture
def window(qtbot: Any, gateway: FakeServices, runner: TaskRunner, reader: Reader) -> Any:
    from counter_app.ui.main_window import MainWindow
    from counter_app.ui.pin_entry import PinEntry

    pins = PinEntry(shuffle=False, second_screen=False)
    win = MainWindow(
        gateway,
        runner,
        reader.bridge,
        pins,
        make_actor(),  # type: ignore[arg-type]
        idle_minutes=5,
        open_workflow=_open_workflow,
    )
    qtbot.addWidget(win)
    qtbot.addWidget(pins.panel)
    win.show()
    yield win
    win.holder.clear()  # no 'end the service?' question at teardown
    pins.cancel()
    win.idle.detach()


def _open_workflow(window: Any, action: Any) -> None:
    from counter_app.ui.workflows import open_workflow

    open_workflow(window, action)


def serve_and_end(window: Any) -> str:
    """An ID-checked session, then 结束服务 (F12): the case closes, the holder is asked to
    rate; the case number."""
    session = window.gateway.open_id_session(window.actor, 7, DOC, "查询")
    window._id_session_opened(session)
    window.end_session()
    return f"500103-YB-20250310-{session.session_id:04d}"


@pytest.fixture
def rating(window: Any) -> Any:
    """The holder's rating (RULES E2) installed on ``window``, its panel withdrawn after."""
    controller = install_rating(window, window.pins, 60)
    yield controller
    controller.device.withdraw()


@pytest.fixture
def station() -> Iterator[IdCardStation]:
    """An ID card station over the emulated reader on a real pseudo-terminal, with 张三's
    card (the fake's holder) and another person's (``OTHER_SSN``) to place."""
    cards = {
        SSN: id_card_profile(SSN, "张三", "19850715"),
        OTHER_SSN: id_card_profile(OTHER_SSN, "李四", "19680315"),
    }
    yield from emulated_station(cards, polls=1)


@pytest.fixture
def pty_id_station() -> Iterator[IdCardStation]:
    """The same reader with 王建国's resident ID card (``tests.gui.pty_station``)."""
    yield from emulated_station()
