"""Card history and the written report's loss date (RULES L2, L3): confirming a phone report
by a written report adds its own row and never rewrites the phone report's row — that one
keeps 12333 as its office; the card cannot have been lost after it was reported by phone."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from counter_app.models import Office
from counter_app.services import phone_reports, written_reports
from counter_app.services.errors import InvalidLossDetails
from counter_app.services.queries.holder import overview
from forms.localtime import SHANGHAI
from tests.services_b.test_rules import details, report_written

from .conftest import NOW, SERVICE_PASSWORD, World


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
        dataclasses.asdict(phone_row)
    ]
    [written_row] = [e for e in after if e.kind == "书面挂失确认"]
    assert written_row.office == office.name


def test_L3_loss_date_after_the_phone_report_is_refused(world_on_each_backend: World) -> None:
    world = world_on_each_backend
    holder = world.holders["h014"]
    earlier = world.context()
    earlier.clock = lambda: NOW - dt.timedelta(days=3)
    phone_reports.report_loss_by_phone(earlier, holder.ssn, SERVICE_PASSWORD)
    reported_on = (NOW - dt.timedelta(days=3)).astimezone(SHANGHAI).date()
    clerk, holder_id = world.actors["yb103"], holder.holder_id
    for late in (reported_on + dt.timedelta(days=1), reported_on + dt.timedelta(days=30)):
        with pytest.raises(InvalidLossDetails) as refused:
            written_reports.register_written_loss(
                world.ctx, clerk, holder_id, details(world, "h014", loss_date=late), f"late-{late}"
            )
        assert "遗失日期不能晚于" in str(refused.value)
    result = written_reports.register_written_loss(
        world.ctx,
        clerk,
        holder_id,
        details(world, "h014", loss_date=reported_on),
        "written-on-time",
    )
    assert result.confirmed_phone_report
    assert result.form.lost_on == reported_on


def test_R1_a_replacement_application_closes_the_report_without_a_card_issued(
    world_on_each_backend: World,
) -> None:
    """A clerk's trial: the history said 补卡 at the application, before any new card
    existed. Applying closes the loss report (said so) and the new card comes later."""
    from counter_app.services import replacement
    from tests.services_b.test_rules import doc

    world = world_on_each_backend
    report_written(world, "h006")
    replacement.apply_replacement(
        world.ctx,
        world.actors["yb103b"],
        world.holders["h006"].holder_id,
        doc(world, "h006"),
        "replace-h006-history",
    )
    with world.session() as s:
        kinds = [e.kind for e in overview(s, world.holders["h006"].holder_id, NOW).history]
    assert "补卡申请" in kinds and "挂失结束（已申请补卡）" in kinds
    assert "补卡" not in kinds
