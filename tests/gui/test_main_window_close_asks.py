"""The main window's title-bar × with a clerk logged in: 确认退出？ first, as on the login
screen (its default, for Enter and Esc, is 取消); on 退出程序 the staff session ends as at
退出登录 — the holder's service first — and the window closes. The program's own close()
(退出登录, shutting down) asks nothing. From a city trial: × quit at once, the staff session
left open on the server."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QCloseEvent
from PyQt6.QtWidgets import QMessageBox

from tests.gui.fakes import DOC

pytestmark = pytest.mark.gui


class TitleBarClose(QCloseEvent):
    """The close event the window system sends for the title bar's × (spontaneous)."""

    def spontaneous(self) -> bool:  # Qt's name
        return True


def _press_x(window: Any) -> QCloseEvent:
    event = TitleBarClose()
    window.closeEvent(event)
    return event


def _button(box: QMessageBox, text: str) -> Any:
    [button] = [b for b in box.buttons() if b.text() == text]
    return button


def test_the_title_bar_x_asks_and_cancel_keeps_the_clerk_logged_in(
    qtbot: Any, window: Any, gateway: Any
) -> None:
    event = _press_x(window)
    assert not event.isAccepted()  # the window stays while the clerk is asked
    box = window.quit_box
    assert box is not None and box.isVisible() and box.text() == "确认退出？"
    stay = _button(box, "取消")
    assert box.defaultButton() is stay and box.escapeButton() is stay
    _press_x(window)  # × again: the same box, not a second one
    assert window.quit_box is box
    qtbot.mouseClick(stay, Qt.MouseButton.LeftButton)
    assert window.isVisible() and window.quit_box is None
    assert gateway.logged_out == []


def test_quit_ends_the_service_and_the_staff_session(qtbot: Any, window: Any, gateway: Any) -> None:
    session = gateway.open_id_session(window.actor, 7, DOC, "查询")
    window._id_session_opened(session)
    _press_x(window)
    box = window.quit_box
    assert box is not None and "正在办理的服务将随之结束" in box.informativeText()
    qtbot.mouseClick(_button(box, "退出程序"), Qt.MouseButton.LeftButton)
    assert not window.isVisible()
    assert gateway.ended == [session]  # the service ended (RULES E1) ...
    assert gateway.logged_out == ["YB500103-01"]  # ... and the staff session, once


def test_the_programs_own_close_asks_nothing(window: Any) -> None:
    window.close()
    assert not window.isVisible() and window.quit_box is None


def test_quit_while_the_holder_rates_records_unrated_first(
    qtbot: Any, window: Any, gateway: Any, rating: Any
) -> None:
    """RULES E2: the rating still asked ends 未评价 (recorded), then the staff logs out."""
    from tests.gui.conftest import serve_and_end

    case_no = serve_and_end(window)
    assert rating.device.asking
    _press_x(window)
    box = window.quit_box
    assert box is not None
    qtbot.mouseClick(_button(box, "退出程序"), Qt.MouseButton.LeftButton)
    assert case_no in gateway.ratings and gateway.ratings[case_no] is None
    assert gateway.logged_out == ["YB500103-01"] and not window.isVisible()
