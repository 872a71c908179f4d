"""The supervisors' reports through the service layer (RULES S3, Q7, L2):
permission from the one table (refusals audited), one ``report.produce`` audit event per
report, the holder's access log looked up by a supervisor shows in that holder's own log."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from sqlalchemy import select

from counter_app.demo.accounts import fixed_holder
from counter_app.models import AuditEvent, Card, LossReport
from counter_app.services import reporting
from counter_app.services.context import ServiceContext
from counter_app.services.errors import NotPermitted
from tests.services.conftest import AS_OF, actor_for, holder_id_of

SUPERVISOR = "YB500103-03"
STAFF = "YB500103-01"
CARD_CENTER_STAFF = "KZX500000-01"


def _events(ctx: ServiceContext, action: str) -> list[AuditEvent]:
    with ctx.uow() as uow:
        events = list(
            uow.session.scalars(
                select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)
            )
        )
        uow.session.expunge_all()
        return events


def test_S3_staff_are_refused_the_daily_report_and_the_refusal_is_audited(
    ctx: ServiceContext,
) -> None:
    staff = actor_for(ctx, STAFF)
    with pytest.raises(NotPermitted):
        reporting.produce_report(ctx, staff, reporting.DailyRequest(AS_OF), "csv")
    (refusal,) = _events(ctx, "view_reports.refused")
    assert refusal.outcome == "refused" and refusal.staff_id == staff.staff_id
    assert _events(ctx, "report.produce") == []


def test_daily_report_is_a_pdf_and_is_audited(ctx: ServiceContext) -> None:
    boss = actor_for(ctx, SUPERVISOR)
    seen: list[tuple[int, int, str]] = []
    data = reporting.produce_report(
        ctx,
        boss,
        reporting.DailyRequest(AS_OF, office_code="500103-YB"),
        "pdf",
        lambda d, t, m: seen.append((d, t, m)),
    )
    assert data.startswith(b"%PDF")
    assert seen and seen[-1][0] == seen[-1][1]
    (event,) = _events(ctx, "report.produce")
    assert event.staff_id == boss.staff_id and event.outcome == "success"
    assert event.details == {
        "report": "daily",
        "format": "pdf",
        "day": AS_OF.isoformat(),
        "office": "500103-YB",
        "staff_no": None,
    }


def test_Q7_access_log_is_audited_with_the_holder_so_the_holder_sees_it(
    ctx: ServiceContext,
) -> None:
    boss = actor_for(ctx, SUPERVISOR)
    ssn = fixed_holder("active_default_pin").ssn
    data = reporting.produce_report(ctx, boss, reporting.AccessRequest(ssn), "csv")
    assert data.startswith(b"\xef\xbb\xbf")  # CSV, UTF-8 with BOM
    (event,) = _events(ctx, "report.produce")
    assert event.holder_id == holder_id_of(ctx, "active_default_pin")
    assert ssn not in str(event.details)  # masked
    # The holder's next access log lists the supervisor's look-up.
    again = reporting.produce_report(ctx, boss, reporting.AccessRequest(ssn), "csv")
    rows = list(csv.reader(io.StringIO(again.decode("utf-8-sig"))))
    assert any(boss.staff_no in " ".join(row) for row in rows), rows[:5]


def _phone_report(ctx: ServiceContext, key: str, days_left: int) -> None:
    """An open phone report (RULES L1) on fixed holder ``key``'s card, due in ``days_left``."""
    with ctx.uow() as uow:
        holder_id = holder_id_of(ctx, key)
        card = uow.session.scalars(
            select(Card).where(Card.holder_id == holder_id, Card.state == "active")
        ).one()
        now = ctx.now()
        card.state = "phone_reported_lost"
        uow.session.add(
            LossReport(
                card_id=card.id,
                holder_id=holder_id,
                channel="phone",
                kind="temporary",
                state="open",
                reported_at=now,
                deadline_at=now + dt.timedelta(days=days_left),
            )
        )
        uow.commit()


def _districts(data: bytes) -> list[str]:
    """The district-code column of a lapsing list in CSV."""
    header, *rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    column = header.index("区县代码")
    return [row[column] for row in rows if len(row) > column]


def test_L2_staff_get_the_lapsing_list_of_their_own_district_only(
    ctx: ServiceContext,
) -> None:
    _phone_report(ctx, "active_default_pin", days_left=3)  # a holder of 渝中区 (500103)
    staff = actor_for(ctx, STAFF)  # of 渝中区医疗保险分中心
    data = reporting.produce_report(ctx, staff, reporting.LapsingRequest(days=30), "csv")
    own = _districts(data)
    assert own and set(own) == {"500103"}  # the rows themselves: own district only
    (event,) = _events(ctx, "report.produce")
    assert event.details is not None and event.details["office"] == "500103-YB"

    center = actor_for(ctx, CARD_CENTER_STAFF)
    city = _districts(
        reporting.produce_report(ctx, center, reporting.LapsingRequest(days=30), "csv")
    )
    assert "500103" in city and set(city) - {"500103"}  # the whole city
    assert len(city) > len(own)
    assert _events(ctx, "report.produce")[-1].details["office"] is None


def test_build_then_render_is_the_same_report_in_two_halves(ctx: ServiceContext) -> None:
    boss = actor_for(ctx, SUPERVISOR)
    request = reporting.StaffRequest(AS_OF, AS_OF, office_code="500103-YB")
    report = reporting.build_report(ctx, boss, request, "csv")
    assert len(_events(ctx, "report.produce")) == 1  # audited when the data was read
    split = reporting.render_report(report, "csv")
    whole = reporting.produce_report(ctx, boss, request, "csv")
    assert split.splitlines()[0] == whole.splitlines()[0]
    assert split.startswith(b"\xef\xbb\xbf")
