"""The status bar's 已评价 / 未评价 belongs to the case just closed (RULES E2): once the next
holder's service starts it goes — a new clerk's trial saw the last holder's 已评价 beside
the next holder's records."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtCore import Qt

from counter_app.models.case import RatingLevel
from counter_app.services.ratings import RatingStatus
from tests.gui.conftest import serve_and_end
from tests.gui.fakes import DOC

pytestmark = pytest.mark.gui


def test_E2_the_last_holders_rated_status_goes_when_the_next_holder_is_served(
    window: Any, rating: Any, gateway: Any, qtbot: Any
) -> None:
    case_no = serve_and_end(window)
    qtbot.mouseClick(
        rating.device.panel.level_buttons[RatingLevel.SATISFIED], Qt.MouseButton.LeftButton
    )
    assert gateway.ratings[case_no] is not None
    assert rating.status_label.text() == "已评价"
    session = window.gateway.open_id_session(window.actor, 7, DOC, "查询")
    window._id_session_opened(session)  # the next holder's records open
    assert rating.status_label.text() == ""


def test_E2_an_unrated_last_case_is_recorded_but_not_shown_beside_the_next_holder(
    window: Any, rating: Any, gateway: Any
) -> None:
    case_no = serve_and_end(window)
    assert rating.status_label.text() == "请持卡人评价…"
    session = window.gateway.open_id_session(window.actor, 7, DOC, "查询")
    window._card_session_opened(session)  # the next holder's card and PIN
    # Recorded 未评价 as before (the next holder cannot rate it), and not shown as theirs.
    assert gateway.rating_status(window.actor, case_no) is RatingStatus.UNRATED
    assert rating.case_no is None and rating.status_label.text() == ""
    # Their own case is asked and shown as usual.
    window.end_session()
    assert rating.status_label.text() == "请持卡人评价…"


def test_E2_an_unanswered_rating_still_says_unrated_when_nobody_else_is_served(
    window: Any, rating: Any
) -> None:
    serve_and_end(window)
    rating.timer.timeout.emit()  # no answer in time, no next holder yet
    assert rating.status_label.text() == "未评价"
