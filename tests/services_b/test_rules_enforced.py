"""Rules that were broken or only half enforced, each on SQLite and PostgreSQL: P4 (an ID
document at a window, always), P7 on the reader's PIN pad (the card refuses a weak PIN),
Q7 (a holder session is its own clerk's), P8 (the one-time query password expires and is
used once), L2 (a phone report past its deadline is lapsed whether or not a job ran)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from counter_app.models import Card, LossReport, PasswordEvent
from counter_app.services import (
    phone_reports,
    pin_change,
    replacement,
    written_reports,
)
from counter_app.services.errors import (
    IdDocumentMismatch,
    IdNumberRequired,
    LossReportRequired,
    NoActiveLossReport,
    SessionRequired,
    WeakPin,
)
from counter_app.services.idcheck import IdDocument, IdDocumentKind
from counter_app.services.sessions import open_id_session
from reader.emulator.inprocess import InProcessTransport
from reader.pinbuffer import PinBuffer
from reader.pinpad import SecurePinPad
from tests.id_documents import manual_doc

from .conftest import NOW, SERVICE_PASSWORD, World, pin

RID = IdDocumentKind.RESIDENT_ID


@pytest.fixture
def world(world_on_each_backend: World) -> World:
    return world_on_each_backend


def doc(world: World, key: str) -> IdDocument:
    return manual_doc(world.holders[key].ssn)


def id_session(world: World, key: str, actor: str = "yb103") -> Any:
    return open_id_session(
        world.ctx,
        world.actors[actor],
        world.holders[key].holder_id,
        doc(world, key),
        "办理密码业务",
    )


def card_state(world: World, key: str) -> str:
    with world.session() as s:
        return str(s.get(Card, world.holders[key].card_id).state)


def at(world: World, moment: dt.datetime, **settings: Any) -> Any:
    ctx = world.context(**settings)
    ctx.clock = lambda: moment
    return ctx


class Pad:
    """The holder at the reader's simulated PIN pad."""

    def __init__(self, *entries: str) -> None:
        self.entries = list(entries)

    def __call__(self, prompt: str) -> PinBuffer | None:
        return pin(self.entries.pop(0))


# --------------------------------------------------------------------------- P4


def test_P4_window_change_needs_the_id_document_even_when_old_pin_is_not_default(
    world: World,
) -> None:
    card, transport = world.insert_card("h002", pin="135790")
    session = id_session(world, "h002", actor="ck103")
    client = world.client(transport)
    with pytest.raises(IdNumberRequired):
        pin_change.change_pin(
            world.ctx,
            world.actors["ck103"],
            session,
            client,
            pin("135790"),
            pin("258036"),
            pin("258036"),
        )
    with pytest.raises(IdDocumentMismatch):  # another holder's document
        pin_change.change_pin(
            world.ctx,
            world.actors["ck103"],
            session,
            client,
            pin("135790"),
            pin("258036"),
            pin("258036"),
            doc(world, "h003"),
        )
    assert card.to_profile()["pin"] == "135790"
    pin_change.change_pin(
        world.ctx,
        world.actors["ck103"],
        session,
        client,
        pin("135790"),
        pin("258036"),
        pin("258036"),
        doc(world, "h002"),
    )
    assert card.to_profile()["pin"] == "258036"


# --------------------------------------------------------------------------- P7


@pytest.mark.parametrize("weak", ["123456", "111111", "654321", "345678"])
def test_P7_weak_pin_on_the_reader_pin_pad_refused_by_the_card(world: World, weak: str) -> None:
    card, _plain = world.insert_card("h006", pin="975310", pin_tries_left=3)
    transport = InProcessTransport(card, pinpad=Pad("975310", weak, weak))
    pad = SecurePinPad.detect(transport)
    assert pad is not None
    with pytest.raises(WeakPin) as refused:
        pin_change.change_pin(
            world.ctx,
            world.actors["yb103"],
            id_session(world, "h006"),
            world.client(transport),
            None,
            None,
            None,
            doc(world, "h006"),
            pinpad=pad,
        )
    assert "新密码过于简单，请持卡人重新设置" in str(refused.value)
    profile = card.to_profile()
    assert profile["pin"] == "975310" and profile["pin_tries_left"] == 3  # no try spent
    with world.session() as s:
        (event,) = s.scalars(
            select(PasswordEvent).where(PasswordEvent.holder_id == world.holders["h006"].holder_id)
        )
    assert event.outcome == "failed" and "过于简单" in (event.detail or "")


# --------------------------------------------------------------------------- Q7


def test_Q7_another_clerk_cannot_change_a_pin_in_a_colleagues_session(world: World) -> None:
    card, transport = world.insert_card("h007", pin="135790")
    session = id_session(world, "h007", actor="yb103")
    for intruder in (
        world.actors["yb103b"],  # a colleague at the next window
        dataclasses.replace(world.actors["yb103"], workstation_id="WS-other"),
    ):
        with pytest.raises(SessionRequired):
            pin_change.change_pin(
                world.ctx,
                intruder,
                session,
                world.client(transport),
                pin("135790"),
                pin("258036"),
                pin("258036"),
                doc(world, "h007"),
            )
    assert card.to_profile()["pin"] == "135790"


# --------------------------------------------------------------------------- L2


def phone_report(world: World, key: str) -> phone_reports.PhoneReport:
    return phone_reports.report_loss_by_phone(world.ctx, world.holders[key].ssn, SERVICE_PASSWORD)


def report_state(world: World, report_id: int) -> str:
    with world.session() as s:
        return str(s.get(LossReport, report_id).state)


def test_L2_lapsed_phone_report_no_longer_blocks_a_new_phone_report(world: World) -> None:
    first = phone_report(world, "h011")
    days = world.ctx.settings.phone_report_validity_days
    later = at(world, NOW + dt.timedelta(days=days + 5))  # no lapse processing ran
    second = phone_reports.report_loss_by_phone(later, world.holders["h011"].ssn, SERVICE_PASSWORD)
    assert second.report_id != first.report_id
    assert report_state(world, first.report_id) == "lapsed"
    assert report_state(world, second.report_id) == "open"
    assert card_state(world, "h011") == "phone_reported_lost"


def test_L2_lapsed_phone_report_accepts_no_replacement(world: World) -> None:
    phone_report(world, "h012")
    days = world.ctx.settings.phone_report_validity_days
    later = at(world, NOW + dt.timedelta(days=days, seconds=1))
    with pytest.raises(LossReportRequired):
        replacement.apply_replacement(
            later,
            world.actors["yb103"],
            world.holders["h012"].holder_id,
            doc(world, "h012"),
            "replace-lapsed-h012",
        )
    with world.session() as s:
        card = s.get(Card, world.holders["h012"].card_id)
        assert card.state != "replacement_applied"


def test_L2_written_report_after_the_deadline_is_new_not_a_confirmation(world: World) -> None:
    phone = phone_report(world, "h013")
    days = world.ctx.settings.phone_report_validity_days
    later = at(world, NOW + dt.timedelta(days=days + 1))
    details = written_reports.WrittenLossInput(
        contact_phone="13883251234",
        loss_date=dt.date(2026, 3, 8),
        loss_place="解放碑",
        circumstances="遗失",
        id_document=doc(world, "h013"),
    )
    result = written_reports.register_written_loss(
        later,
        world.actors["yb103"],
        world.holders["h013"].holder_id,
        details,
        "written-lapsed-h013",
    )
    assert not result.confirmed_phone_report and result.report.id != phone.report_id
    assert report_state(world, phone.report_id) == "lapsed"
    assert card_state(world, "h013") == "lost"


def test_L2_lapsed_phone_report_leaves_the_lapsing_list_at_its_deadline(world: World) -> None:
    phone_report(world, "h014")
    days = world.ctx.settings.phone_report_validity_days
    actor = world.actors["yb103"]
    before = at(world, NOW + dt.timedelta(days=days) - dt.timedelta(hours=1))
    assert [r.card_number for r in phone_reports.lapsing_phone_reports(before, actor, 2)] == [
        world.holders["h014"].card_number
    ]
    assert phone_reports.count_lapsing_phone_reports(before, actor, 2) == 1
    after = at(world, NOW + dt.timedelta(days=days, hours=1))
    assert phone_reports.lapsing_phone_reports(after, actor, 30) == []
    assert phone_reports.count_lapsing_phone_reports(after, actor, 30) == 0


def test_L2_lapsed_phone_report_leaves_nothing_to_lift(world: World) -> None:
    from counter_app.services import lifting

    phone_report(world, "h016")
    _card, transport = world.insert_card("h016")
    identity = world.client(transport).read_identity()
    days = world.ctx.settings.phone_report_validity_days
    checks = lifting.check_lift(world.ctx, world.actors["yb103"], identity, doc(world, "h016"))
    assert checks.refusal is None  # in force: it could be lifted
    later = at(world, NOW + dt.timedelta(days=days, seconds=1))
    checks = lifting.check_lift(later, world.actors["yb103"], identity, doc(world, "h016"))
    assert isinstance(checks.refusal, NoActiveLossReport)
