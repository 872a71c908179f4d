"""The holder's rating with the database gone, on the real stack (the in-process composition,
its SQLite database moved away while the holder rates, as tests/e2e/test_logout_database_gone.py
does for the service itself).

Before: 结束评价（记为未评价）并退出登录 showed only the red banner, the clerk had to click
退出登录 again and the 未评价 was never recorded; a holder's answer that could not be recorded
was dropped. Now the rating is kept on the workstation and recorded once the database is
back (the next 退出登录, the retry), or the clerk leaves knowingly without it — told in the
same box as a service not ended (``leave_unended``). A rating is recorded once, even when a
first try reached the database and only its answer was lost (RULES E2: a case is rated once).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PyQt6.QtWidgets import QApplication
from sqlalchemy import select
from sqlalchemy.orm import Session

from counter_app.db import create_engine_for
from counter_app.models.audit import AuditEvent
from counter_app.models.case import CaseRating, RatingLevel, ServiceCase
from counter_app.services.errors import DatabaseUnavailable
from tests.e2e.test_logout_database_gone import button, database_away, screen_text, serve

pytestmark = pytest.mark.gui


def rating_asked(c: Any) -> tuple[Any, Any, str]:
    """A holder served and 结束服务: (window, rating controller, case number asked)."""
    win, _session_id = serve(c)
    c.click(win.end_button)  # 结束服务: the case closes, the holder is asked (RULES E2)
    rating = win.rating  # type: ignore[attr-defined]
    assert rating.case_no is not None and rating.status_label.text() == "请持卡人评价…"
    return win, rating, str(rating.case_no)


def recorded(c: Any, case_no: str) -> tuple[Any, list[Any], list[Any]]:
    """(the case row, its rating rows (level, source), its case.rating audit events)."""
    engine = create_engine_for(c.db_url)
    try:
        with Session(engine) as db:
            case = db.execute(
                select(ServiceCase.id, ServiceCase.closed_at, ServiceCase.close_reason).where(
                    ServiceCase.case_no == case_no
                )
            ).one()
            rows = db.execute(
                select(CaseRating.level, CaseRating.source).where(CaseRating.case_id == case.id)
            ).all()
            events = db.scalars(select(AuditEvent).where(AuditEvent.action == "case.rating")).all()
            audited = [e.details for e in events if (e.details or {}).get("case_no") == case_no]
    finally:
        engine.dispose()
    return case, [tuple(r) for r in rows], audited


def end_rating_and_log_out(c: Any, win: Any) -> Any:
    """退出登录 while the holder rates, then 结束评价（记为未评价）并退出登录: the box it
    leads to."""
    c.click(win.action_panel.logout_button)
    c.click(button(win.logout_box, "记为未评价"))
    return win.logout_box


def holder_screen(c: Any) -> Any:
    """What the holder-facing surface shows now."""
    return c.ws.pin_entry.panel.currentWidget()


def test_E2_ending_the_rating_with_the_database_gone_tells_the_clerk_and_logs_out_knowingly(
    counter: Any, tmp_path: Path
) -> None:
    c = counter("YB500103-01")
    win, rating, case_no = rating_asked(c)
    back = database_away(c, tmp_path)
    box = end_rating_and_log_out(c, win)
    assert box is not None and box.isVisible() and win.isVisible()
    assert box.objectName() == "serviceNotEndedBox"  # the box of a service not ended
    told = box.text() + box.informativeText()
    assert "无法连接数据库" in told and "本次服务的评价未能记录" in told
    assert "办件和已办完的业务均已保存" in told and "不再补记" in told  # what leaving means
    assert "Traceback" not in told and "sqlite" not in told.lower()
    stay = button(box, "取消")
    assert box.defaultButton() is stay and box.escapeButton() is stay
    assert button(box, "重试记录评价") is not None
    # The holder's screen does not hang on the five levels: the clerk ended the rating.
    assert holder_screen(c) is not rating.device.panel
    assert rating.status_label.text() == "评价未能记录"
    with c.qtbot.waitSignal(win.logged_out):
        c.click(button(box, "退出登录（不记录评价）"))
    assert not win.isVisible()
    back()
    case, rows, audited = recorded(c, case_no)
    assert case.closed_at is not None and case.close_reason == "done"  # the case ended
    assert rows == [] and audited == []  # given up, as the clerk was told


def test_E2_retry_once_the_database_is_back_records_unrated_once_then_logs_out(
    counter: Any, tmp_path: Path
) -> None:
    c = counter("YB500103-01")
    win, rating, case_no = rating_asked(c)
    back = database_away(c, tmp_path)
    box = end_rating_and_log_out(c, win)
    c.click(button(box, "重试记录评价"))  # still gone: the same box again
    again = win.logout_box
    assert again is not box and again.isVisible() and "评价未能记录" in again.text()
    back()
    with c.qtbot.waitSignal(win.logged_out):
        c.click(button(again, "重试记录评价"))
    assert not win.isVisible() and rating.unsent == {}
    _case, rows, audited = recorded(c, case_no)
    # The same record and audit event as the timeout writes, once (ratings.record_no_answer).
    assert rows == [(RatingLevel.UNRATED.value, "timeout")]
    assert audited == [{"case_no": case_no, "source": "timeout", "answered": False}]


def test_E2_the_holders_answer_with_the_database_gone_is_kept_and_recorded_when_it_is_back(
    counter: Any, tmp_path: Path
) -> None:
    """The holder reads 谢谢您的评价 (their part is done); the clerk reads 评价未能记录 and, at
    退出登录 with the database still gone, the box; 取消 keeps the answer, and once the
    database is back 退出登录 records it and logs out."""
    c = counter("YB500103-01")
    win, rating, case_no = rating_asked(c)
    back = database_away(c, tmp_path)
    panel = rating.device.panel
    c.click(panel.level_buttons[RatingLevel.SATISFIED])
    assert holder_screen(c) is panel and panel.pages.currentWidget() is panel.thanks
    assert "无法" not in panel.thanks.text() and "连接" not in panel.thanks.text()
    assert rating.status_label.text() == "评价未能记录" and win.banner.isVisible()
    assert rating.case_no is None and rating.unsent == {case_no: rating.unsent[case_no]}
    c.click(win.action_panel.logout_button)  # no rating asked: straight to the box
    box = win.logout_box
    assert box is not None and box.isVisible() and "本次服务的评价未能记录" in box.text()
    c.click(button(box, "取消"))
    assert win.isVisible() and not win.logged_out_already and case_no in rating.unsent
    back()
    with c.qtbot.waitSignal(win.logged_out):
        c.click(win.action_panel.logout_button)
    _case, rows, audited = recorded(c, case_no)
    assert rows == [(RatingLevel.SATISFIED.value, "screen")]
    assert audited == [{"case_no": case_no, "source": "screen", "answered": True}]


def test_E2_quit_with_the_rating_unrecorded_asks_as_logout_does(
    counter: Any, tmp_path: Path
) -> None:
    from tests.e2e.test_logout_database_gone import TitleBarClose

    c = counter("YB500103-01")
    win, rating, case_no = rating_asked(c)
    back = database_away(c, tmp_path)
    win.closeEvent(TitleBarClose())
    c.click(button(win.quit_box, "退出程序"))
    box = win.quit_box
    assert box is not None and box.isVisible() and win.isVisible()  # not closed unasked
    assert "本次服务的评价未能记录" in box.text() and box.windowTitle() == "退出"
    back()
    c.click(button(box, "重试记录评价"))
    assert not win.isVisible()
    _case, rows, _audited = recorded(c, case_no)
    assert rows == [(RatingLevel.UNRATED.value, "timeout")]


def test_E2_a_rating_run_out_with_the_database_gone_is_recorded_with_the_next_holder(
    counter: Any, tmp_path: Path
) -> None:
    """The other ways out of a rating, without 退出登录: it runs out (未评价), and the clerk
    serves the next holder. The 未评价 not recorded while the database was gone is sent when
    the next holder's ID check starts, once the database is back — and only once."""
    c = counter("YB500103-01")
    win, rating, first = rating_asked(c)
    back = database_away(c, tmp_path)
    rating.timer.timeout.emit()  # the rating time runs out (RULES E2: 未评价)
    assert rating.case_no is None and first in rating.unsent
    assert rating.status_label.text() == "评价未能记录" and win.banner.isVisible()
    assert holder_screen(c) is not rating.device.panel  # withdrawn, not left hanging
    back()
    c.id_session("active_default_pin")  # the next holder (核验证件并查看: next_holder)
    assert rating.unsent == {} and win.holder.session is not None
    _case, rows, audited = recorded(c, first)
    assert rows == [(RatingLevel.UNRATED.value, "timeout")] and len(audited) == 1
    assert rating.status_label.text() == ""  # nothing of the last case beside the next
    QApplication.processEvents()
    assert "王建国" in screen_text()


class AnswerLost:
    """The gateway, but ``record_rating`` loses its answer after the database recorded it
    (the connection dropped on the way back)."""

    def __init__(self, gateway: Any) -> None:
        self.gateway = gateway

    def __getattr__(self, name: str) -> Any:
        return getattr(self.gateway, name)

    def record_rating(self, *args: Any) -> Any:
        from counter_app.remote.client import RemoteServices
        from counter_app.remote.protocol import ServerUnreachable

        self.gateway.record_rating(*args)
        if isinstance(self.gateway, RemoteServices):
            raise ServerUnreachable()  # the reply lost on the network
        raise DatabaseUnavailable()


@pytest.mark.also_remote  # the refusal of a second rating travels back as itself
def test_E2_a_rating_recorded_before_the_connection_dropped_is_not_recorded_twice(
    counter: Any,
) -> None:
    c = counter("YB500103-01")
    win, rating, case_no = rating_asked(c)
    real = win.gateway
    win.gateway = AnswerLost(real)  # type: ignore[assignment]
    panel = rating.device.panel
    c.click(panel.level_buttons[RatingLevel.VERY_SATISFIED])
    assert rating.status_label.text() == "评价未能记录" and case_no in rating.unsent
    win.gateway = real
    # 退出登录 sends it again: the services refuse a second rating of the case
    # (RatingAlreadyRecorded), which is the first one recorded — no error, no box.
    with c.qtbot.waitSignal(win.logged_out):
        c.click(win.action_panel.logout_button)
    assert win.logout_box is None or not win.logout_box.isVisible()
    _case, rows, audited = recorded(c, case_no)
    assert rows == [(RatingLevel.VERY_SATISFIED.value, "screen")]
    assert audited == [{"case_no": case_no, "source": "screen", "answered": True}]
