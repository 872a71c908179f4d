"""RULES S3, U2: a lift refused at the checklist is a refusal like any other — audited, and
counted in the daily report's 拒绝 (the supervisor's report, S3). A new clerk's trial was
refused a lift at the wrong district and a lift with an ID number that was not the card
holder's; both stopped at the checklist, which audited nothing, and the report showed 拒绝 0.
"""

from __future__ import annotations

import datetime as dt

from counter_app import db
from counter_app.demo.accounts import fixed_holder
from counter_app.services import lifting
from counter_app.services.context import ServiceContext
from reports.daily import build_daily_report
from tests.id_documents import manual_doc
from tests.services.conftest import actor_for, card_for

DAY = dt.date(2025, 3, 10)  # the services fixtures' clock (10:00 in Chongqing)


def _lift_line(ctx: ServiceContext, office: str) -> tuple[int, int]:
    """(refused, success) of 解除挂失 in the daily report of ``office``."""
    engine = db.create_engine_for(ctx.settings.db_url)
    try:
        with engine.connect() as conn:
            report = build_daily_report(conn, DAY, office_code=office)
    finally:
        engine.dispose()
    (line,) = [op for op in report.operations if op.label == "解除挂失"]
    return line.refused, line.success


def test_U2_S3_lifts_refused_at_the_checklist_count_as_refused(ctx: ServiceContext) -> None:
    client, _transport, _card = card_for(ctx, "written_lost")  # 陈明, lost in 江北区
    identity = client.read_identity()
    assert _lift_line(ctx, "500103-YB") == (0, 0)
    # 渝中区 is not the holder's district (U2): refused as soon as the card is read.
    wrong_office = lifting.shown_checklist(ctx, actor_for(ctx, "YB500103-01"), identity, None)
    assert wrong_office.refusal is not None
    # At 江北区, an ID number that is not 陈明's (U2's document check).
    stranger = manual_doc(fixed_holder("active_default_pin").ssn)
    mismatch = lifting.shown_checklist(ctx, actor_for(ctx, "YB500105-01"), identity, stranger)
    assert mismatch.refusal is not None
    assert _lift_line(ctx, "500103-YB") == (1, 0)
    assert _lift_line(ctx, "500105-YB") == (1, 0)
    # A checklist that passes is not a refusal (the lift itself is counted when done).
    own = manual_doc(fixed_holder("written_lost").ssn)
    assert lifting.shown_checklist(ctx, actor_for(ctx, "YB500105-01"), identity, own).ok
    assert _lift_line(ctx, "500105-YB") == (1, 0)


def test_Q7_S3_an_id_document_refused_at_opening_the_records_is_counted(
    ctx: ServiceContext,
) -> None:
    """核验证件 with an ID number that is not the holder's: the operation table lists
    opening the holder's records with its refusal on the same line (it left it out as
    bookkeeping, and the trial's 拒绝 read 0)."""
    from counter_app.services import sessions
    from counter_app.services.errors import ServiceError
    from tests.services.conftest import holder_id_of

    clerk = actor_for(ctx, "YB500103-01")
    holder = holder_id_of(ctx, "active_default_pin")  # 王建国
    stranger = manual_doc(fixed_holder("active_changed_pin").ssn)
    try:
        sessions.open_id_session(ctx, clerk, holder, stranger, "持卡人来窗口查询")
    except ServiceError:
        pass
    else:
        raise AssertionError("a document of another holder opened the records")
    own = manual_doc(fixed_holder("active_default_pin").ssn)
    sessions.open_id_session(ctx, clerk, holder, own, "持卡人来窗口查询")
    engine = db.create_engine_for(ctx.settings.db_url)
    try:
        with engine.connect() as conn:
            report = build_daily_report(conn, DAY, office_code="500103-YB")
    finally:
        engine.dispose()
    (line,) = [op for op in report.operations if op.action == "session.open"]
    assert (line.label, line.success, line.refused) == ("开始办理 (打开参保人信息)", 1, 1)
    labels = [op.label for op in report.operations]
    assert len(labels) == len(set(labels)) or all(  # no label twice (records by category)
        op.category for op in report.operations if labels.count(op.label) > 1
    )
