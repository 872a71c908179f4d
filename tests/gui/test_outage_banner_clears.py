"""The red 连接中断 banner goes as soon as the services answer any call again — not only
after a search hit, an ID check or a finished workflow. From a city trial: counter-server
was back and calls succeeded for minutes under the banner. The task runner is the one place
that learns it (``TaskRunner.answered``); card work and local work say nothing of it."""

from __future__ import annotations

from typing import Any

import pytest

from counter_app.services.errors import DatabaseUnavailable
from counter_app.ui.lapsing import install_lapsing_badge
from counter_app.ui.tasks import InlinePool, TaskRunner

pytestmark = pytest.mark.gui


def test_any_answered_call_takes_the_outage_banner_down(window: Any, gateway: Any) -> None:
    gateway.db_down = True
    window.do_search("张三")
    assert window.banner.isVisible() and "连接中断" in window.banner.text()
    gateway.db_down = False
    badge = install_lapsing_badge(window)  # its count: a call that is no search
    badge.timer.stop()
    assert not window.banner.isVisible()


def test_card_and_local_work_leave_the_banner_up(window: Any) -> None:
    window.db_down("无法连接数据库")
    window.runner.run(lambda: "read", card=True)  # the reader answered, not the services
    window.runner.run(lambda: "drawn", local=True)
    window.runner.run_in_process(str, 1)
    assert window.banner.isVisible()
    window.runner.run(lambda: None)
    assert not window.banner.isVisible()


def test_answered_comes_before_the_callback_so_a_new_outage_stands(qtbot: Any) -> None:
    """A task's callback may start a call that fails at once: the banner it raises must not
    be taken down by the success of the task before it."""
    runner = TaskRunner(InlinePool(), InlinePool())
    events: list[str] = []
    runner.answered.connect(lambda: events.append("answered"))

    def down() -> None:
        raise DatabaseUnavailable()

    def then(_result: Any) -> None:
        events.append("callback")
        runner.run(down, None, lambda _e: events.append("outage"))

    runner.run(lambda: 1, then)
    assert events == ["answered", "callback", "outage"]


def test_a_closed_window_no_longer_hears_the_shared_runner(window: Any) -> None:
    runner = window.runner
    window._retire()
    window.banner.show()
    runner.run(lambda: None)
    assert window.banner.isVisible()  # the next login's window owns the banner now


def test_drawing_a_form_s_pages_leaves_the_banner_up(window: Any) -> None:
    """A print preview's pages are drawn here (FormPrinter.prepare): local work."""
    from counter_app.ui.printing import FormPrinter
    from tests.gui.fakes import tiny_pdf

    window.db_down("无法连接数据库")
    drawn: list[bool] = []
    FormPrinter(tiny_pdf(), "test", window.runner, window).prepare(lambda: drawn.append(True))
    assert drawn == [True] and window.banner.isVisible()
