"""Card history (RULES L2, L3): confirming a phone report by a written report adds its own
row and never rewrites the phone report's row — that one keeps 12333 as its office."""

from __future__ import annotations

import dataclasses

from counter_app.models import Office
from counter_app.services import phone_reports
from counter_app.services.queries.holder import overview
from tests.services_b.test_rules import report_written

from .conftest import SERVICE_PASSWORD, World


def test_L3_confirming_a_phone_report_keeps_its_history_row(world_on_each_backend: World) -> None:
    world = world_on_each_backend
    holder = world.holders["h013"]
    phone = phone_reports.report_loss_by_phone(world.ctx, holder.ssn, SERVICE_PASSWORD)
    with world.session() as s:
        before = overview(s, holder.holder_id, world.ctx.now()).history
    [phone_row] = [e for e in before if e.kind == "电话挂失"]
    assert phone_row.office == "12333" and phone_row.at == phone.reported_at
    report_written(world, "h013")
    clerk = world.actors["yb103"]
    with world.session() as s:
        office = s.get(Office, clerk.office_id)
        assert office is not None
        after = overview(s, holder.holder_id, world.ctx.now()).history
    assert [dataclasses.asdict(e) for e in after if e.kind == "电话挂失"] == [
        dataclasses.asdict(phone_row)]
    [written_row] = [e for e in after if e.kind == "书面挂失确认"]
    assert written_row.office == office.name
