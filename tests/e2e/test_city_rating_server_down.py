"""The holder's rating with ``counter-server`` stopped (real mutual TLS and PostgreSQL; the
server restarted on the same port, as ``scripts/city`` does).

The clerk reads that the business server cannot be reached and the rating could not be
recorded (never a database this workstation does not have); the rating is kept and recorded
once the server is back — by 重试记录评价, or at the next 退出登录 — once (RULES E2)."""

from __future__ import annotations

import pytest

from counter_app.models.case import RatingLevel
from tests.e2e.conftest import Counter
from tests.e2e.test_city_server_outage import (  # noqa: F401 - fixture by name
    RestartableServer,
    city_counter,
)
from tests.e2e.test_logout_database_gone import button
from tests.e2e.test_rating_database_gone import end_rating_and_log_out, rating_asked, recorded

pytestmark = [pytest.mark.gui, pytest.mark.remote_only]


def test_E2_ending_the_rating_with_the_server_stopped_says_so_and_the_retry_records_it_once(
    city_counter: tuple[Counter, RestartableServer],  # noqa: F811
) -> None:
    c, server = city_counter
    win, rating, case_no = rating_asked(c)
    server.stop()
    box = end_rating_and_log_out(c, win)
    assert box is not None and box.isVisible() and win.isVisible()
    told = box.text() + box.informativeText()
    assert "无法连接业务服务器，本次服务的评价未能记录" in told and "数据库" not in told
    assert "不再补记" in told and rating.status_label.text() == "评价未能记录"
    server.start()
    with c.qtbot.waitSignal(win.logged_out):
        c.click(button(box, "重试记录评价"))
    assert not win.isVisible() and rating.unsent == {}
    _case, rows, audited = recorded(c, case_no)
    assert rows == [(RatingLevel.UNRATED.value, "timeout")]
    assert audited == [{"case_no": case_no, "source": "timeout", "answered": False}]


def test_E2_the_holders_answer_with_the_server_stopped_is_recorded_at_the_next_logout(
    city_counter: tuple[Counter, RestartableServer],  # noqa: F811
) -> None:
    c, server = city_counter
    win, rating, case_no = rating_asked(c)
    server.stop()
    panel = rating.device.panel
    c.click(panel.level_buttons[RatingLevel.BASIC])
    assert panel.pages.currentWidget() is panel.thanks  # the holder is thanked
    assert rating.status_label.text() == "评价未能记录" and case_no in rating.unsent
    c.click(win.action_panel.logout_button)  # still stopped: the box, not a silent loss
    box = win.logout_box
    assert box is not None and box.isVisible() and "业务服务器" in box.text()
    c.click(button(box, "取消"))
    assert win.isVisible() and case_no in rating.unsent
    server.start()
    with c.qtbot.waitSignal(win.logged_out):
        c.click(win.action_panel.logout_button)
    _case, rows, audited = recorded(c, case_no)
    assert rows == [(RatingLevel.BASIC.value, "screen")]
    assert audited == [{"case_no": case_no, "source": "screen", "answered": True}]
