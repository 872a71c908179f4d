"""The clerk is never left in front of a silent window while the services take long.

A stalled counter-server (it took the connection and answers nothing) kept the window
unchanged for up to the connection's read timeout after the holder's keypad closed. Once a
service call the clerk waits for has gone unanswered for two seconds, a line in the status
bar says that the program is waiting and for how long, and goes as soon as the answer — or
the refusal — arrives. No wall clock here: the runner's clock is moved by hand, the work
is held in a pool until the test lets it run, and the notice's tick is called directly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PyQt6.QtCore import QRunnable

from counter_app.services.errors import DatabaseUnavailable
from counter_app.ui import wait_notice
from counter_app.ui.tasks import TaskRunner
from counter_app.ui.wait_notice import LONG_WAIT_S, SHOW_AFTER_S, WaitNotice


class HeldPool:
    """Keeps each runnable until the test lets it run (a call in flight)."""

    def __init__(self) -> None:
        self.held: list[QRunnable] = []

    def start(self, runnable: QRunnable) -> None:
        self.held.append(runnable)

    def answer_next(self) -> None:
        self.held.pop(0).run()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Rig:
    def __init__(self, qtbot: Any, server_timeout_s: float | None) -> None:
        self.clock = Clock()
        self.pool, self.card_pool = HeldPool(), HeldPool()
        self.runner = TaskRunner(
            self.pool, self.card_pool, clock=self.clock, server_timeout_s=server_timeout_s
        )
        self.notice = WaitNotice(self.runner)
        qtbot.addWidget(self.notice)
        self.results: list[Any] = []
        self.errors: list[BaseException] = []

    def start(self, func: Callable[[], Any] = lambda: "答复", **kwargs: Any) -> Any:
        return self.runner.run(func, self.results.append, self.errors.append, **kwargs)

    def after(self, seconds: float) -> str | None:
        """Let ``seconds`` pass and the notice tick: its text, or None while hidden."""
        self.clock.advance(seconds)
        self.notice.tick()
        return self.notice.text() if not self.notice.isHidden() else None


@pytest.fixture
def embedded(qtbot: Any) -> Rig:
    return Rig(qtbot, None)


@pytest.fixture
def city(qtbot: Any) -> Rig:
    return Rig(qtbot, 120.0)


def test_nothing_is_said_before_the_threshold(embedded: Rig) -> None:
    embedded.start()
    assert embedded.after(0) is None
    assert embedded.after(SHOW_AFTER_S - 0.5) is None
    assert embedded.notice.timer.isActive()  # it counts while the call is in flight


def test_embedded_wait_appears_counts_and_goes_with_the_answer(embedded: Rig) -> None:
    embedded.start()
    assert embedded.after(SHOW_AFTER_S) == "正在处理…（已等待 2 秒）"
    assert embedded.after(1) == "正在处理…（已等待 3 秒）"
    assert embedded.after(1) == "正在处理…（已等待 4 秒）"
    embedded.pool.answer_next()
    # Gone at once with the answer, not at the next tick.
    assert embedded.notice.isHidden()
    assert embedded.notice.text() == ""
    assert embedded.results == ["答复"]
    assert not embedded.notice.timer.isActive()


def test_the_notice_goes_when_the_services_refuse(city: Rig) -> None:
    def refused() -> None:
        raise DatabaseUnavailable("业务服务器无法连接")

    city.start(refused)
    assert city.after(5) == "正在等待业务服务器答复…（已等待 5 秒）"
    city.pool.answer_next()
    assert city.notice.isHidden()
    assert len(city.errors) == 1
    assert city.after(10) is None  # and stays gone


def test_city_wait_names_the_server_and_after_30_seconds_says_how_it_ends(city: Rig) -> None:
    city.start()
    assert city.after(2) == "正在等待业务服务器答复…（已等待 2 秒）"
    text = city.after(LONG_WAIT_S - 2)
    # The connection gives up after 120 s of silence: about 90 s are left.
    assert text == "业务服务器长时间未答复（已等待 30 秒），系统约 90 秒后停止等待并告知结果。"
    assert "请勿拔卡" not in text  # no card in this call
    text = city.after(100)  # past the limit (a task of several calls): no countdown below 0
    assert text == "业务服务器长时间未答复（已等待 130 秒），系统仍在等待，有结果时会告知。"


def test_card_work_that_asks_the_services_says_do_not_pull_the_card(city: Rig) -> None:
    city.start(card=True, services=True)
    assert city.after(3) == "正在等待业务服务器答复…（已等待 3 秒）"
    text = city.after(40)
    assert text is not None
    assert text.endswith("；请勿拔卡。")
    assert "系统约 77 秒后停止等待" in text
    city.card_pool.answer_next()
    assert city.notice.isHidden()


def test_embedded_long_wait_offers_no_countdown(embedded: Rig) -> None:
    embedded.start(card=True, services=True)
    text = embedded.after(LONG_WAIT_S)
    assert text == "处理时间较长（已等待 30 秒），请稍候，完成后会告知结果；请勿拔卡。"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"card": True},  # the reader's own work (reading the card at insertion)
        {"local": True},  # a PDF drawn, the ID card reader waiting for a card
        {"quiet": True},  # a heartbeat, a badge's count: nobody waits for it
    ],
)
def test_work_nobody_waits_the_services_for_shows_nothing(
    embedded: Rig, kwargs: dict[str, Any]
) -> None:
    embedded.start(**kwargs)
    assert embedded.after(60) is None


def test_the_oldest_waited_call_sets_the_count(city: Rig) -> None:
    city.start(name="first")
    city.after(10)
    city.start(name="second")
    assert city.after(1) == "正在等待业务服务器答复…（已等待 11 秒）"
    city.pool.answer_next()  # the first answered: the second has waited 1 s only
    assert city.notice.isHidden()
    assert city.after(1) == "正在等待业务服务器答复…（已等待 2 秒）"


def test_a_cancelled_call_is_no_longer_waited_for(city: Rig) -> None:
    task = city.start()
    assert city.after(3) is not None
    task.cancel()
    assert city.after(1) is None


def test_nothing_while_the_holder_types_the_pin(city: Rig) -> None:
    """With a PIN-pad reader the card work includes the holder's typing: that wait is the
    holder's, and the status bar says 持卡人正在输入密码… instead."""
    city.start(card=True, services=True)
    city.notice.holder_typing(True)
    assert city.after(20) is None
    city.notice.holder_typing(False)
    assert city.after(0) == "正在等待业务服务器答复…（已等待 20 秒）"


def test_the_timer_runs_only_while_a_call_is_in_flight(embedded: Rig) -> None:
    assert not embedded.notice.timer.isActive()
    embedded.start()
    assert embedded.notice.timer.isActive()
    embedded.pool.answer_next()
    assert not embedded.notice.timer.isActive()


# -- in the clerk's window ---------------------------------------------------------------


@pytest.fixture
def slow_window(qtbot: Any) -> Any:
    from counter_app.ui.main_window import MainWindow
    from counter_app.ui.pin_entry import PinEntry
    from tests.gui.fakes import FakeServices, Reader, make_actor

    clock = Clock()
    pool = HeldPool()
    inline_card = HeldPool()
    runner = TaskRunner(pool, inline_card, clock=clock, server_timeout_s=120.0)
    reader = Reader(runner)
    pins = PinEntry(shuffle=False, second_screen=False)
    win = MainWindow(
        FakeServices(),
        runner,
        reader.bridge,
        pins,
        make_actor(),
        idle_minutes=5,
    )
    qtbot.addWidget(win)
    qtbot.addWidget(pins.panel)
    win.show()
    while pool.held:  # what the window asked at start-up
        pool.answer_next()
    yield win, clock, pool
    win.holder.clear()
    pins.cancel()
    win.idle.detach()


def test_a_slow_search_is_shown_in_the_status_bar_until_its_answer(slow_window: Any) -> None:
    win, clock, pool = slow_window
    notice = win.wait_notice
    assert notice.parent() is win.status_bar
    win.do_search("张三")
    clock.advance(1)
    notice.tick()
    assert not notice.isVisible()
    clock.advance(2)
    notice.tick()
    assert notice.isVisible()
    assert notice.text() == "正在等待业务服务器答复…（已等待 3 秒）"
    # A passing message on the status bar (which hides its normal widgets) leaves it.
    win.show_message("提示")
    assert notice.isVisible()
    pool.answer_next()
    assert not notice.isVisible()
    assert win.hits.rowCount() > 0  # the answer itself was shown


def test_a_slow_search_that_fails_leaves_the_banner_and_no_wait(slow_window: Any) -> None:
    win, clock, pool = slow_window

    def unreachable(*_a: Any) -> Any:
        raise DatabaseUnavailable("无法连接业务服务器，请稍后重试。")

    win.gateway.find_holders = unreachable
    win.do_search("张三")
    clock.advance(10)
    win.wait_notice.tick()
    assert win.wait_notice.isVisible()
    pool.answer_next()
    assert not win.wait_notice.isVisible()
    assert win.banner.isVisible()


# -- a workflow's call in flight ---------------------------------------------------------


class SwitchPool(HeldPool):
    """Runs each runnable at once, or keeps it while ``hold`` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.hold = False

    def start(self, runnable: QRunnable) -> None:
        if self.hold:
            self.held.append(runnable)
        else:
            runnable.run()


def test_a_workflow_call_in_flight_keeps_its_dialog_open_and_is_counted(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """RULES L3 (written loss report) as the example: while the submission awaits the
    services, 取消, Esc and × cannot close the dialog (its result would be lost to the
    clerk, and a second workflow could start); the wait is counted; the answer is shown."""
    from counter_app.services.permissions import Action
    from counter_app.ui.main_window import MainWindow
    from counter_app.ui.pin_entry import PinEntry
    from counter_app.ui.workflows import open_workflow
    from tests.gui.fakes import Reader, WorkflowServices, make_actor
    from tests.gui.test_workflows import card_session, fill_loss

    clock, pool, card_pool = Clock(), SwitchPool(), SwitchPool()
    runner = TaskRunner(pool, card_pool, clock=clock, server_timeout_s=120.0)
    reader = Reader(runner)
    pins = PinEntry(second_screen=False)
    win = MainWindow(
        WorkflowServices(),
        runner,
        reader.bridge,
        pins,
        make_actor(),
        open_workflow=open_workflow,
    )
    qtbot.addWidget(win)
    qtbot.addWidget(pins.panel)
    win.show()
    card_session(win, reader)
    win.action_buttons[Action.WRITTEN_LOSS_REPORT].click()
    d = win.workflow
    fill_loss(d)
    d.next()
    assert d.stack.currentIndex() == 1
    grown: list[Any] = []
    monkeypatch.setattr(wait_notice, "grow_to_fit", grown.append)
    pool.hold = True
    d.next()  # submitted: the services have not answered
    assert not d.close_button.isEnabled() and not d.next_button.isEnabled()
    d.reject()  # Esc or the title bar's ×
    assert d.isVisible() and win.workflow is d
    clock.advance(3)
    win.wait_notice.tick()
    d.wait_notice.tick()
    assert win.wait_notice.text() == "正在等待业务服务器答复…（已等待 3 秒）"
    # The dialog, where the clerk is looking, says it too, above its buttons, and is made
    # to grow for it (under Xvfb its rows were squeezed together instead).
    assert d.wait_notice.isVisible() and d.wait_notice.text() == win.wait_notice.text()
    assert grown == [d]
    pins.holder_typing.emit(True)  # (a holder's keypad open: that wait is the holder's)
    assert not d.wait_notice.isVisible()
    pins.holder_typing.emit(False)
    assert d.wait_notice.isVisible()
    pool.hold = False
    pool.answer_next()
    assert not win.wait_notice.isVisible() and not d.wait_notice.isVisible()
    assert "500103-YB-2026-000001" in d.result_label.text()
    assert d.close_button.isEnabled()
    d.reject()
    assert not d.isVisible()
    pool.hold = True
    win.do_search("张三")  # the closed dialog no longer follows the shared runner
    assert win.wait_notice.timer.isActive() and not d.wait_notice.timer.isActive()
    pool.hold = False
    pool.answer_next()
    win.holder.clear()
    pins.cancel()


def test_no_id_check_opens_while_the_card_login_awaits_the_services(slow_window: Any) -> None:
    """RULES Q7: one holder session at a time. The holder typed the PIN and the login is
    stalled at the services: 核验证件并查看 says why it waits instead of opening a second
    session beside the one the card is about to open."""
    win, clock, pool = slow_window
    reader_pool = win.runner._card_pool
    win.do_search("张三")
    pool.answer_next()
    win.search_pane.view.selectRow(0)
    assert win.selected_hit() is not None
    win.bridge.notify_inserted()  # the held card pool has no card yet: a card arrives
    reader_pool.held.clear()  # its read is not what this test is about
    win.card_login.start(win.actor, object())
    for digit in "135790":
        win.pins.keypad.press_digit(digit)
    win.pins.keypad.press_confirm()
    assert win.card_login.busy and not win.pins.active  # typed; the login is in flight
    win.check_id_for_hit()
    assert win.id_dialog is None
    assert "请等待结果后再核验证件" in win.status_bar.currentMessage()
    clock.advance(4)
    win.wait_notice.tick()
    assert win.wait_notice.text() == "正在等待业务服务器答复…（已等待 4 秒）"


# -- the login, before any window of the clerk's ------------------------------------------


def test_a_slow_login_is_counted_on_the_login_screen_and_again_after_logout(
    qtbot: Any,
) -> None:
    """The login dialog is the clerk's only window while the login awaits the server; it is
    shown again after 退出登录, and says the wait then too."""
    from counter_app.ui.login import LoginDialog
    from tests.gui.fakes import FakeServices

    clock, pool = Clock(), HeldPool()
    runner = TaskRunner(pool, HeldPool(), clock=clock, server_timeout_s=120.0)
    dialog = LoginDialog(FakeServices(), runner, "WS-01")
    qtbot.addWidget(dialog)
    for attempt in range(2):
        dialog.show()
        dialog.form.staff_no.setText("YB500103-01")
        dialog.form.password.setText("pw1")
        dialog.form.submit.click()
        assert not dialog.form.submit.isEnabled()  # no second login while one is in flight
        clock.advance(6)
        dialog.wait_notice.tick()
        assert dialog.wait_notice.isVisible(), attempt
        assert dialog.isAncestorOf(dialog.wait_notice)  # on the login screen itself
        assert dialog.wait_notice.text() == "正在等待业务服务器答复…（已等待 6 秒）"
        pool.answer_next()
        assert not dialog.wait_notice.isVisible()
        assert not dialog.isVisible()  # logged in: the dialog is done until 退出登录
