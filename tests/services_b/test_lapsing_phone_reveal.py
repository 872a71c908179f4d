"""RULES L2: staff must call the holders of phone reports about to lapse. The list masks
their phone numbers; ``reveal_lapsing_phone`` gives one holder's full number to staff who
may see the list (the list's own rule: view records, own district; the card center all),
audited like every look-up (RULES Q7) — naming the holder, never the number."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

import pytest
from sqlalchemy import select

from counter_app.models import AuditEvent
from counter_app.services import phone_reports
from counter_app.services.errors import NotPermitted
from counter_app.services.permissions import Role
from counter_app.services.phone_reports import LapsingReportNotFound
from forms.masking import mask_phone

from .conftest import NOW, SERVICE_PASSWORD, World

PHONE_H012 = "13883250012"  # conftest: phone=f"1388325{n:04d}"
PHONE_H015 = "13883250015"  # h015 lives in 500105


def _lapsing(world: World, key: str) -> phone_reports.PhoneReport:
    """A phone report of ``key`` due within a day: on the lapsing list."""
    soon = world.context(phone_report_validity_days=1)
    return phone_reports.report_loss_by_phone(soon, world.holders[key].ssn, SERVICE_PASSWORD)


def _events(world: World, action: str) -> list[Any]:
    with world.session() as s:
        rows = s.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)
        ).all()
        for row in rows:
            s.expunge(row)
        return list(rows)


def test_L2_the_lapsing_list_masks_the_phone_and_the_reveal_is_audited(world: World) -> None:
    report = _lapsing(world, "h012")
    actor = world.actors["yb103"]
    [row] = phone_reports.lapsing_phone_reports(world.ctx, actor, within_days=2)
    assert row.report_id == report.report_id
    assert row.phone == mask_phone(PHONE_H012) and row.phone != PHONE_H012
    assert phone_reports.reveal_lapsing_phone(world.ctx, actor, report.report_id) == PHONE_H012
    [event] = _events(world, "loss.reveal_phone")
    holder = world.holders["h012"]
    assert (event.staff_id, event.holder_id, event.card_id, event.outcome) == (
        actor.staff_id,
        holder.holder_id,
        holder.card_id,
        "success",
    )
    assert event.details == {"report_id": report.report_id}
    written = json.dumps([event.details, event.reason, event.category], ensure_ascii=False)
    assert PHONE_H012 not in written and PHONE_H012[-4:] not in written


def test_L2_the_reveal_is_refused_to_a_role_that_may_not_see_the_list(world: World) -> None:
    report = _lapsing(world, "h012")
    admin = dataclasses.replace(world.actors["yb103"], role=Role.ADMIN)
    with pytest.raises(NotPermitted):
        phone_reports.lapsing_phone_reports(world.ctx, admin, within_days=2)
    with pytest.raises(NotPermitted):
        phone_reports.reveal_lapsing_phone(world.ctx, admin, report.report_id)
    assert _events(world, "loss.reveal_phone") == []
    refused = _events(world, "view_records.refused")
    assert len(refused) == 2 and refused[-1].staff_id == admin.staff_id


def test_L2_the_reveal_keeps_to_the_lists_district(world: World) -> None:
    """Another district's report is not on this office's list, nor its holder's number;
    the city card center sees every district's (S2)."""
    report = _lapsing(world, "h015")  # 500105
    with pytest.raises(LapsingReportNotFound):
        phone_reports.reveal_lapsing_phone(world.ctx, world.actors["yb103"], report.report_id)
    [refused] = _events(world, "loss.reveal_phone.refused")
    assert refused.outcome == "refused" and PHONE_H015 not in json.dumps(refused.details)
    assert _events(world, "loss.reveal_phone") == []
    for key in ("yb105", "kzx"):
        got = phone_reports.reveal_lapsing_phone(world.ctx, world.actors[key], report.report_id)
        assert got == PHONE_H015
    assert len(_events(world, "loss.reveal_phone")) == 2


def test_L2_no_reveal_once_the_report_has_lapsed(world: World) -> None:
    report = _lapsing(world, "h012")
    later = world.context()
    later.clock = lambda: NOW + dt.timedelta(days=2)  # past its deadline
    with pytest.raises(LapsingReportNotFound):
        phone_reports.reveal_lapsing_phone(later, world.actors["yb103"], report.report_id)
    assert _events(world, "loss.reveal_phone") == []


def test_L2_the_refusal_fits_the_card_center_that_sees_every_district(world: World) -> None:
    """The city card center's list has every district (S2): a report gone from it is
    refused without naming a district (it read 本区县 to the card center too)."""
    report = _lapsing(world, "h015")
    later = world.context()
    later.clock = lambda: NOW + dt.timedelta(days=2)  # lapsed: off every list
    for key in ("kzx", "yb105"):
        with pytest.raises(LapsingReportNotFound) as refused:
            phone_reports.reveal_lapsing_phone(later, world.actors[key], report.report_id)
        assert "本区县" not in str(refused.value)
        assert "即将失效的列表" in str(refused.value) and "请刷新列表" in str(refused.value)
