"""退出登录 while the holder is still rating, on the real stack (RULES E2): the clerk ends the
rating now; the case is recorded 未评价 and audited exactly as when no answer comes in time,
and only then is the clerk logged out (through counter-server too: recording needs the
staff session that 退出登录 ends)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from counter_app.db import create_engine_for
from counter_app.models.audit import AuditEvent
from counter_app.models.audit_actions import AuditAction
from counter_app.models.case import CaseRating, RatingLevel, ServiceCase

pytestmark = pytest.mark.gui


@pytest.mark.also_remote
def test_E2_logout_ends_the_pending_rating_unrated_then_logs_out(counter: Any) -> None:
    c = counter("YB500103-01")
    c.id_session("active_default_pin")
    win = c.window
    c.click(win.end_button)  # 结束服务: the case closes, the holder is asked
    rating = win.rating  # type: ignore[attr-defined]
    case_no = rating.case_no
    assert case_no is not None
    c.click(win.action_panel.logout_button)
    box = win.logout_box  # type: ignore[attr-defined]
    assert win.isVisible() and "未评价" in box.text()
    [end] = [b for b in box.buttons() if "记为未评价" in b.text()]
    with c.qtbot.waitSignal(win.logged_out):
        c.click(end)
    assert not win.isVisible() and rating.status_label.text() == "未评价"
    engine = create_engine_for(c.db_url)
    try:
        with Session(engine) as db:
            case_id = db.scalar(select(ServiceCase.id).where(ServiceCase.case_no == case_no))
            stored = db.execute(
                select(CaseRating.level, CaseRating.source).where(CaseRating.case_id == case_id)
            ).one()
            audited = db.scalars(
                select(AuditEvent)
                .where(AuditEvent.action == AuditAction.CASE_RATING.value)
                .order_by(AuditEvent.seq.desc())
            ).first()
            logout = db.scalars(
                select(AuditEvent)
                .where(AuditEvent.action == AuditAction.STAFF_LOGOUT.value)
                .order_by(AuditEvent.seq.desc())
            ).first()
    finally:
        engine.dispose()
    # The same record and audit event as the timeout writes (ratings.record_no_answer).
    assert tuple(stored) == (RatingLevel.UNRATED.value, "timeout")
    assert audited is not None and audited.staff_id is None
    assert audited.details == {"case_no": case_no, "source": "timeout", "answered": False}
    assert logout is not None and logout.seq > audited.seq  # recorded before the logout
