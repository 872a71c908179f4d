"""Service cases (RULES E1): opened with the holder session, numbered without gaps per office
and day, closed at 结束服务 with what was done, found again after a crash."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from counter_app.models import AuditEvent, HolderSessionRow
from counter_app.models.case import ServiceCase
from counter_app.services import card_sessions, cases, records, sessions
from counter_app.services.case_errors import (
    CaseAlreadyClosed,
    CaseNotFound,
    QueueTicketInvalid,
)
from counter_app.services.context import ServiceContext
from counter_app.services.queries.category import Category
from reader.pinbuffer import PinBuffer
from tests.id_documents import manual_doc
from tests.services.conftest import Clock, actor_for, card_for, holder_id_of, make_ctx

CLERK = "YB500103-01"
CLERK_2 = "YB500103-02"
OTHER_OFFICE = "YB500105-01"


def _pin(text: str) -> PinBuffer:
    return PinBuffer.from_keys(text.encode())


def card_session(
    ctx: ServiceContext, staff_no: str = CLERK, workstation: str = "WS-01"
) -> sessions.HolderSession:
    actor = actor_for(ctx, staff_no, workstation)
    client, _t, _c = card_for(ctx, "active_changed_pin")
    return card_sessions.open_card_session(ctx, actor, client, _pin("135790"))


def id_session(
    ctx: ServiceContext, staff_no: str = CLERK, workstation: str = "WS-01"
) -> sessions.HolderSession:
    actor = actor_for(ctx, staff_no, workstation)
    holder_id = holder_id_of(ctx, "active_default_pin")
    doc = manual_doc("500103196803150310")
    return sessions.open_id_session(ctx, actor, holder_id, doc, "持卡人未带卡，查询养老金")


def _actions(ctx: ServiceContext, action: str) -> list[AuditEvent]:
    with ctx.uow() as uow:
        rows = list(
            uow.session.scalars(
                select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)
            )
        )
        uow.session.expunge_all()
        return rows


def test_E1_card_and_document_sessions_open_numbered_cases(ctx: ServiceContext) -> None:
    actor = actor_for(ctx, CLERK)
    first = cases.case_of_session(ctx, actor, card_session(ctx).session_id)
    second = cases.case_of_session(ctx, actor, id_session(ctx, CLERK_2).session_id)
    # NOW is 2025-03-10 10:00 in Chongqing: office code, Shanghai date, sequence.
    assert first.case_no == "500103-YB-20250310-0001"
    assert second.case_no == "500103-YB-20250310-0002"
    assert first.is_open and first.staff_no == CLERK and first.workstation == "WS-01"
    assert second.staff_no == CLERK_2
    opened = _actions(ctx, "case.open")
    assert [e.details["case_no"] for e in opened if e.details] == [first.case_no, second.case_no]


def test_E1_sequence_per_office_and_day_without_gaps(ctx: ServiceContext, clock: Clock) -> None:
    yb103 = actor_for(ctx, CLERK)
    yb105 = actor_for(ctx, OTHER_OFFICE)
    card_session(ctx)
    # A rolled-back opening gives its number back: the counter row is in the transaction.
    with ctx.uow() as uow:
        row = HolderSessionRow(
            holder_id=holder_id_of(ctx, "active_default_pin"),
            via="card_pin",
            staff_id=yb103.staff_id,
            office_id=yb103.office_id,
            opened_at=ctx.now(),
        )
        uow.session.add(row)
        uow.session.flush()
        lost = cases.open_case(
            uow.session, yb103, session_id=row.id, holder_id=row.holder_id, at=ctx.now()
        )
        assert lost.endswith("-0002")
        uow.rollback()
    again = cases.case_of_session(ctx, yb103, id_session(ctx).session_id)
    assert again.case_no == "500103-YB-20250310-0002"
    other = cases.case_of_session(ctx, yb105, id_session(ctx, OTHER_OFFICE).session_id)
    assert other.case_no == "500105-YB-20250310-0001"  # its own office's sequence
    clock.advance(hours=14)  # 2025-03-11 00:00 in Chongqing: a new day, a new sequence
    next_day = cases.case_of_session(ctx, yb103, card_session(ctx).session_id)
    assert next_day.case_no == "500103-YB-20250311-0001"
    with ctx.uow() as uow:
        sequences = sorted(
            uow.session.execute(
                select(ServiceCase.office_id, ServiceCase.day, ServiceCase.sequence)
            ).all()
        )
    per_key: dict[tuple[int, object], list[int]] = {}
    for office_id, day, seq in sequences:
        per_key.setdefault((office_id, day), []).append(seq)
    assert all(seqs == list(range(1, len(seqs) + 1)) for seqs in per_key.values())


def test_E1_end_of_service_closes_the_case_with_what_was_done(ctx: ServiceContext) -> None:
    actor = actor_for(ctx, CLERK)
    session = card_session(ctx)
    records.category(ctx, actor, session, Category.PENSION)
    records.category(ctx, actor, session, Category.MEDICAL)
    summary = sessions.end_session(ctx, actor, session)
    case = cases.case_of_session(ctx, actor, session.session_id)
    assert not case.is_open and case.close_reason == "done"
    assert case.closed_at == summary.closed_at
    views = [i.label for i in case.items if i.kind == "view"]
    assert views == list(summary.category_labels) and len(views) == 2
    # The case's own audit events are not "what was done for the holder" on the slip.
    assert not any(a.action.startswith("case.") for a in summary.actions)
    [closed] = _actions(ctx, "case.close")
    assert closed.details == {"case_no": case.case_no, "actions": 0, "categories": 2}
    # Ending again closes nothing twice.
    sessions.end_session(ctx, actor, session)
    assert len(_actions(ctx, "case.close")) == 1


def test_E1_removed_card_closes_the_case_only_when_the_clerk_confirms(
    ctx: ServiceContext,
) -> None:
    actor = actor_for(ctx, CLERK)
    session = card_session(ctx)
    sessions.card_removed(ctx, session)
    assert cases.case_of_session(ctx, actor, session.session_id).is_open
    sessions.end_session(ctx, actor, session, "card_removed")  # the clerk confirms
    case = cases.case_of_session(ctx, actor, session.session_id)
    assert not case.is_open and case.close_reason == "card_removed"


def test_E1_queue_ticket_is_attached_to_the_open_case(ctx: ServiceContext) -> None:
    actor = actor_for(ctx, CLERK)
    session = card_session(ctx)
    case_no = cases.case_of_session(ctx, actor, session.session_id).case_no
    with pytest.raises(QueueTicketInvalid):
        cases.attach_queue_ticket(ctx, actor, case_no, "A 12;")
    assert cases.attach_queue_ticket(ctx, actor, case_no, " A012 ").queue_ticket == "A012"
    sessions.end_session(ctx, actor, session)
    with pytest.raises(CaseAlreadyClosed):
        cases.attach_queue_ticket(ctx, actor, case_no, "A013")
    assert cases.get_case(ctx, actor, case_no).queue_ticket == "A012"


def test_E1_open_case_survives_a_crash_and_is_closed_on_restart(
    demo_url: str, clock: Clock
) -> None:
    before = make_ctx(demo_url, clock)
    session = card_session(before, workstation="WS-07")
    actor = actor_for(before, CLERK, "WS-07")
    records.category(before, actor, session, Category.PENSION)
    before.session_factory().get_bind().dispose()  # type: ignore[union-attr]
    clock.advance(minutes=20)
    after = make_ctx(demo_url, clock)  # the workstation restarted
    try:
        assert cases.open_case_at_workstation(after, actor_for(after, CLERK, "WS-01")) is None
        found = cases.open_case_at_workstation(after, actor)
        assert found is not None and found.session_id == session.session_id and found.is_open
        closed = cases.close_recovered_case(after, actor, found.case_no)
        assert closed.close_reason == "recovered"
        assert [i.label for i in closed.items if i.kind == "view"] == ["养老保险"]
        with after.uow() as uow:
            row = uow.session.get(HolderSessionRow, session.session_id)
            assert row is not None and row.end_reason == "recovered" and row.closed_at
        assert cases.open_case_at_workstation(after, actor) is None
        with pytest.raises(CaseAlreadyClosed):
            cases.close_recovered_case(after, actor, found.case_no)
        with pytest.raises(CaseNotFound):  # another window cannot close it
            cases.close_recovered_case(after, actor_for(after, CLERK, "WS-01"), found.case_no)
    finally:
        after.session_factory().get_bind().dispose()  # type: ignore[union-attr]


def test_E1_case_number_format() -> None:
    import datetime as dt

    assert cases.format_case_no("500103-YB", dt.date(2025, 10, 1), 42) == "500103-YB-20251001-0042"


def test_E1_access_slip_prints_the_case_number(ctx: ServiceContext) -> None:
    from counter_app.services import access_slips
    from tests.forms.pdfcheck import page_lines, value_right_of

    actor = actor_for(ctx, CLERK)
    session = id_session(ctx)
    case_no = cases.case_of_session(ctx, actor, session.session_id).case_no
    slip = access_slips.issue_access_slip(ctx, actor, session)  # ends the service
    assert slip.form.case_no == case_no
    assert value_right_of(page_lines(slip.pdf, 0), "办件编号") == case_no
    assert not cases.get_case(ctx, actor, case_no).is_open


def test_E1_two_windows_opening_at_once_get_distinct_numbers_without_gaps(
    demo_url: str,
) -> None:
    """Two workstations of one office open cases concurrently: the counter row of the office
    and day serializes them; every number is used once and none is skipped."""
    import threading

    rounds = 8
    errors: list[BaseException] = []
    numbers: list[str] = []
    lock = threading.Lock()

    def window(workstation: str, staff_no: str) -> None:
        ctx = make_ctx(demo_url, Clock())
        try:
            for _ in range(rounds):
                session = id_session(ctx, staff_no, workstation)
                case = cases.case_of_session(
                    ctx, actor_for(ctx, staff_no, workstation), session.session_id
                )
                with lock:
                    numbers.append(case.case_no)
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            ctx.session_factory().get_bind().dispose()  # type: ignore[union-attr]

    threads = [
        threading.Thread(target=window, args=("WS-01", CLERK)),
        threading.Thread(target=window, args=("WS-02", CLERK_2)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    expected = {f"500103-YB-20250310-{n:04d}" for n in range(1, 2 * rounds + 1)}
    assert len(numbers) == 2 * rounds and set(numbers) == expected
