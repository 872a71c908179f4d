from __future__ import annotations

from typing import Any

import pytest

from counter_app.ui.tasks import TaskRunner
from tests.gui.fakes import FakeServices, Reader, inline_runner, make_actor


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
