"""退出登录 and 退出程序 with a holder being served and the database gone, on the real stack
(the in-process composition, its SQLite database moved away while the clerk works).

Before: 退出登录 asked for 结束服务（F12）first (RULES E1, E2), 结束服务 needs the database, and
the clerk was stuck — only pulling the card or quitting got them out; 退出程序 closed at once
saying 正在办理的服务将随之结束 while the service stayed open. Now both tell the clerk that the
service could not be ended, what becomes of it, and let them leave: nothing of the holder
stays on screen, and once the database is back the next login at this workstation offers
to end the case, which ends it and its holder session, audited (RULES E1, Q7)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PyQt6.QtGui import QCloseEvent
from PyQt6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import select
from sqlalchemy.orm import Session

from counter_app.db import create_engine_for
from counter_app.models.audit import AuditEvent
from counter_app.models.case import ServiceCase
from counter_app.models.holder_session import HolderSessionRow
from counter_app.models.office import Staff
from counter_app.models.security import StaffSession

pytestmark = pytest.mark.gui


class TitleBarClose(QCloseEvent):
    """The close event of the title bar's × (spontaneous)."""

    def spontaneous(self) -> bool:  # Qt's name
        return True


def database_away(c: Any, tmp_path: Path) -> Callable[[], None]:
    """Move the workstation's SQLite files off (as in tests/e2e/test_counter.py); returns
    the function that brings them back."""
    url = c.ws.settings.database_url()
    path = Path(url.removeprefix("sqlite:///"))
    away = tmp_path / "away"
    away.mkdir()
    c.ws.composition.engine.dispose()
    files = sorted(path.parent.glob(path.name + "*"))
    for file in files:
        shutil.move(str(file), away / file.name)

    def back() -> None:
        c.ws.composition.engine.dispose()
        for file in path.parent.glob(path.name + "*"):
            file.unlink()  # what the engine made while the file was gone
        for file in files:
            shutil.move(str(away / file.name), file)

    return back


def button(box: QMessageBox, words: str) -> Any:
    [found] = [b for b in box.buttons() if words in b.text()]
    return found


def screen_text() -> str:
    from tests.e2e.test_counter import visible_text

    return visible_text(None)


def stored(c: Any, session_id: int) -> tuple[Any, Any, list[tuple[str, str | None]]]:
    """(holder session row, case row, [(audit action, reason)] of that session's end)."""
    engine = create_engine_for(c.db_url)
    try:
        with Session(engine) as db:
            row = db.execute(
                select(HolderSessionRow.closed_at, HolderSessionRow.end_reason).where(
                    HolderSessionRow.id == session_id
                )
            ).one()
            case = db.execute(
                select(ServiceCase.case_no, ServiceCase.closed_at, ServiceCase.close_reason).where(
                    ServiceCase.session_id == session_id
                )
            ).one()
            events = db.execute(
                select(AuditEvent.action, AuditEvent.reason, AuditEvent.details).where(
                    AuditEvent.action.in_(("session.end", "case.close"))
                )
            ).all()
    finally:
        engine.dispose()
    ended = [
        (e.action, e.reason)
        for e in events
        if (e.details or {}).get("session_id") == session_id
        or (e.details or {}).get("case_no") == case.case_no
    ]
    return row, case, ended


def serve(c: Any) -> tuple[Any, int]:
    c.id_session("active_default_pin")  # 王建国, identified by his ID card (RULES Q7)
    win = c.window
    assert "王建国" in screen_text()
    return win, int(win.holder.session.session_id)


def open_staff_sessions(c: Any, staff_no: str) -> int:
    """How many staff sessions of ``staff_no`` the database still has open."""
    engine = create_engine_for(c.db_url)
    try:
        with Session(engine) as db:
            return len(
                db.execute(
                    select(StaffSession.id)
                    .join(Staff, Staff.id == StaffSession.staff_id)
                    .where(Staff.staff_no == staff_no, StaffSession.ended_at.is_(None))
                ).all()
            )
    finally:
        engine.dispose()


def next_login_ends_the_case(c: Any, session_id: int, staff_no: str = "YB500103-01") -> None:
    """The database is back: the next login here (``staff_no``) offers the case left open;
    ending it closes the case and its holder session, both audited (RULES E1, Q7) — and the
    staff session of the clerk who left, which their logout never reached."""
    row, case, ended = stored(c, session_id)
    assert row.closed_at is None and case.closed_at is None and ended == []  # kept open
    assert open_staff_sessions(c, "YB500103-01") == 1  # the logout did not arrive
    second = c.log_in(staff_no)
    box = second.open_case_box
    assert box is not None and box.isVisible() and case.case_no in box.text()
    assert "退出时连接中断" in box.text()  # not only a crash, as it said before
    c.click(button(box, "结束该办件"))
    row, case, ended = stored(c, session_id)
    assert row.closed_at is not None and row.end_reason == "recovered"
    assert case.closed_at is not None and case.close_reason == "recovered"
    assert sorted(ended) == [("case.close", "recovered"), ("session.end", "recovered")]
    assert f"办件 {case.case_no} 已结束" in second.statusBar().currentMessage()
    assert open_staff_sessions(c, "YB500103-01") == (1 if staff_no == "YB500103-01" else 0)


def test_E1_logout_with_the_database_gone_leaves_locally_and_the_case_ends_when_it_is_back(
    counter: Any, tmp_path: Path
) -> None:
    c = counter("YB500103-01")
    win, session_id = serve(c)
    back = database_away(c, tmp_path)
    c.click(win.action_panel.logout_button)
    c.click(button(win.logout_box, "结束服务"))  # it cannot: the database is gone
    box = win.logout_box
    assert box is not None and box.isVisible() and win.isVisible()
    told = box.text() + box.informativeText()
    assert "无法连接数据库" in told and "本次服务未能结束" in told
    assert "保持未结束" in told and "下次登录时" in told  # what becomes of it
    assert "Traceback" not in told and "sqlite" not in told.lower()
    with c.qtbot.waitSignal(win.logged_out):
        c.click(button(box, "退出登录"))
    assert not win.isVisible() and win.holder.session is None
    QApplication.processEvents()
    assert "王建国" not in screen_text()  # nothing of the holder for the next clerk
    back()
    next_login_ends_the_case(c, session_id)


def test_E1_quit_with_the_database_gone_tells_the_clerk_and_behaves_as_logout(
    counter: Any, tmp_path: Path
) -> None:
    c = counter("YB500103-01")
    win, session_id = serve(c)
    back = database_away(c, tmp_path)
    win.closeEvent(TitleBarClose())
    c.click(button(win.quit_box, "退出程序"))
    box = win.quit_box
    assert box is not None and box.isVisible() and win.isVisible()  # not closed unasked
    told = box.text() + box.informativeText()
    assert "本次服务未能结束" in told and "保持未结束" in told and "下次登录时" in told
    c.click(button(box, "退出程序"))
    assert not win.isVisible() and win.holder.session is None
    back()
    next_login_ends_the_case(c, session_id, "YB500103-02")  # another clerk comes


def test_E1_retry_once_the_database_is_back_ends_the_service_as_usual(
    counter: Any, tmp_path: Path
) -> None:
    """重试结束服务: the service ends as at F12 (the holder is asked to rate, RULES E2), and
    退出登录 then goes on as it always does."""
    c = counter("YB500103-01")
    win, session_id = serve(c)
    back = database_away(c, tmp_path)
    c.click(win.action_panel.logout_button)
    c.click(button(win.logout_box, "结束服务"))
    box = win.logout_box
    assert "本次服务未能结束" in box.text() + box.informativeText()
    back()
    c.click(button(box, "重试结束服务"))
    assert not box.isVisible() and win.holder.session is None and win.isVisible()
    assert win.rating.case_no is not None  # type: ignore[attr-defined]
    row, case, ended = stored(c, session_id)
    assert row.end_reason == "done" and case.close_reason == "done"
    assert sorted(ended) == [("case.close", "done"), ("session.end", "done")]


def test_E1_cancel_is_the_default_and_keeps_the_clerk_serving(counter: Any, tmp_path: Path) -> None:
    """Enter or Esc on the box: nothing is left, the holder is still served on screen."""
    c = counter("YB500103-01")
    win, _session_id = serve(c)
    database_away(c, tmp_path)
    c.click(win.action_panel.logout_button)
    c.click(button(win.logout_box, "结束服务"))
    box = win.logout_box
    stay = button(box, "取消")
    assert box.defaultButton() is stay and box.escapeButton() is stay
    c.click(win.action_panel.logout_button)  # 退出登录 again: the same box, raised
    assert win.logout_box is box and box.isVisible()
    c.click(stay)
    assert win.isVisible() and not win.logged_out_already
    assert win.holder.session is not None and "王建国" in screen_text()
