"""One test (at least) per rule of RULES.md that services B carry: P2–P8, L1–L4, U1–U5, R1–R2.

Each test would fail if its rule broke. Cards are ``EmulatedCard``s in an
``InProcessTransport``; every test runs on SQLite and on PostgreSQL (``world`` below).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select

from counter_app.models import (
    Card,
    FormDocument,
    LossReport,
    PasswordEvent,
    ReplacementApplication,
    ServicePassword,
)
from counter_app.services import (
    approvals,
    form_reprints,
    lifting,
    loss_records,
    phone_reports,
    pin_change,
    pin_reset,
    replacement,
    service_login,
    service_password,
    written_reports,
)
from counter_app.services.errors import (
    ApprovalInvalid,
    ApprovalRequired,
    CardAlreadyReportedLost,
    IdDocumentMismatch,
    IdDocumentNotAccepted,
    IdNumberRequired,
    LossReportRequired,
    NoActiveLossReport,
    NotPermitted,
    PhoneIdentificationFailed,
    PinEntriesDiffer,
    ReplacementAlreadyApplied,
    ServicePasswordLocked,
    WeakPin,
    WrongCard,
    WrongDistrict,
)
from counter_app.services.idcheck import IdDocumentKind
from counter_app.services.sessions import open_id_session
from reader.errors import WrongPin
from reader.identity import APP_OK
from tests.id_documents import manual_doc

from .conftest import NOW, SERVICE_PASSWORD, SUPERVISOR_PASSWORD, World, pin

RID = IdDocumentKind.RESIDENT_ID


@pytest.fixture
def world(world_on_each_backend: World) -> World:
    """Every rule test on both back ends."""
    return world_on_each_backend


def doc(world: World, key: str, kind: IdDocumentKind = RID, number: str | None = None) -> Any:
    return manual_doc(number or world.holders[key].ssn, kind)


def details(world: World, key: str, **kw: Any) -> written_reports.WrittenLossInput:
    values: dict[str, Any] = dict(
        contact_phone="13883251234",
        loss_date=dt.date(2026, 3, 8),
        loss_place="轨道交通2号线较场口站",
        circumstances="乘车时钱包被盗",
        id_document=doc(world, key),
    )
    values.update(kw)
    return written_reports.WrittenLossInput(**values)


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


def report_written(
    world: World, key: str, actor: str = "yb103", idem: str | None = None
) -> written_reports.WrittenLossResult:
    return written_reports.register_written_loss(
        world.ctx,
        world.actors[actor],
        world.holders[key].holder_id,
        details(world, key),
        idem or f"written-{key}-{actor}",
    )


class CountingTransport:
    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.count = 0

    def atr(self) -> bytes:
        return bytes(self.inner.atr())

    def transmit(self, apdu: bytes | bytearray) -> bytes:
        self.count += 1
        return bytes(self.inner.transmit(apdu))

    def transaction(self) -> Any:
        return self.inner.transaction()

    def control(self, code: int, data: bytes | bytearray) -> bytes:
        return bytes(self.inner.control(code, data))


# --------------------------------------------------------------------------- P2–P8


def test_P2_default_pin_change_needs_matching_id_number(world: World) -> None:
    card, transport = world.insert_card("h001")
    session = id_session(world, "h001")
    client = world.client(transport)
    with pytest.raises(IdNumberRequired):
        pin_change.change_pin(
            world.ctx,
            world.actors["yb103"],
            session,
            client,
            pin("123456"),
            pin("135790"),
            pin("135790"),
        )
    with pytest.raises(IdDocumentMismatch):
        pin_change.change_pin(
            world.ctx,
            world.actors["yb103"],
            session,
            client,
            pin("123456"),
            pin("135790"),
            pin("135790"),
            manual_doc(world.holders["h002"].ssn),
        )
    assert card.to_profile()["pin"] == "123456"
    pin_change.change_pin(
        world.ctx,
        world.actors["yb103"],
        session,
        client,
        pin("123456"),
        pin("135790"),
        pin("135790"),
        manual_doc(world.holders["h001"].ssn),
    )
    assert card.to_profile()["pin"] == "135790"


def test_P3_P4_change_pin_typed_by_holder_recorded_after_card_confirms(world: World) -> None:
    card, transport = world.insert_card("h002", pin="135790")
    session = id_session(world, "h002", actor="ck103")
    result = pin_change.change_pin(
        world.ctx,
        world.actors["ck103"],
        session,
        world.client(transport),
        pin("135790"),
        pin("258036"),
        pin("258036"),
        doc(world, "h002"),
    )
    assert card.to_profile()["pin"] == "258036"
    with world.session() as s:
        event = s.get(PasswordEvent, result.event_id)
        assert event.outcome == "success" and event.kind == "pin_change"


def test_P3_wrong_old_pin_reports_tries_and_records_failure(world: World) -> None:
    card, transport = world.insert_card("h003", pin="135790")
    session = id_session(world, "h003")
    with pytest.raises(WrongPin) as info:
        pin_change.change_pin(
            world.ctx,
            world.actors["yb103"],
            session,
            world.client(transport),
            pin("975310"),
            pin("258036"),
            pin("258036"),
            doc(world, "h003"),
        )
    assert info.value.tries_left == 2
    assert card.to_profile()["pin"] == "135790"
    with world.session() as s:
        outcomes = s.scalars(
            select(PasswordEvent.outcome).where(
                PasswordEvent.holder_id == world.holders["h003"].holder_id
            )
        ).all()
    assert outcomes == ["failed"]


@pytest.mark.parametrize("weak", ["123456", "111111", "654321", "234567", "12345"])
def test_P7_weak_new_pin_refused_before_card_touched(world: World, weak: str) -> None:
    card, transport = world.insert_card("h004", pin="135790")
    session = id_session(world, "h004")
    counting = CountingTransport(transport)
    with pytest.raises(WeakPin):
        pin_change.change_pin(
            world.ctx,
            world.actors["yb103"],
            session,
            world.client(counting),
            pin("135790"),
            pin(weak),
            pin(weak),
        )
    assert counting.count == 0
    assert card.to_profile()["pin"] == "135790"


def test_P7_both_entries_must_match(world: World) -> None:
    card, transport = world.insert_card("h004", pin="135790")
    session = id_session(world, "h004")
    counting = CountingTransport(transport)
    with pytest.raises(PinEntriesDiffer):
        pin_change.change_pin(
            world.ctx,
            world.actors["yb103"],
            session,
            world.client(counting),
            pin("135790"),
            pin("258036"),
            pin("258037"),
        )
    assert counting.count == 0


def test_P7_pin_buffers_wiped_whatever_happens(world: World) -> None:
    _, transport = world.insert_card("h004", pin="135790")
    session = id_session(world, "h004")
    buffers = [pin("135790"), pin("111111"), pin("111111")]
    with pytest.raises(WeakPin):
        pin_change.change_pin(
            world.ctx, world.actors["yb103"], session, world.client(transport), *buffers
        )
    assert [len(b) for b in buffers] == [0, 0, 0]


def test_P5_reset_checks_id_then_reloads_without_old_pin(world: World) -> None:
    card, transport = world.insert_card("h006", pin="975310", pin_tries_left=1)
    session = id_session(world, "h006")
    client = world.client(transport)
    with pytest.raises(IdDocumentMismatch):
        pin_reset.reset_pin(
            world.ctx,
            world.actors["yb103"],
            session,
            client,
            doc(world, "h006", number=world.holders["h007"].ssn),
            pin("258036"),
            pin("258036"),
            None,
        )
    assert card.to_profile()["pin"] == "975310"
    pin_reset.reset_pin(
        world.ctx,
        world.actors["yb103"],
        session,
        client,
        doc(world, "h006"),
        pin("258036"),
        pin("258036"),
        None,
    )
    profile = card.to_profile()
    assert profile["pin"] == "258036" and profile["pin_tries_left"] == 3


def test_P5_reset_with_another_holders_card_says_which_card_to_insert(world: World) -> None:
    """The session is 007's; 006's card is in the reader: refused, 006's card untouched, and
    the clerk is told to insert the holder's own card (not the lift's "挂失的那张卡")."""
    other, transport = world.insert_card("h006", pin="975310")
    session = id_session(world, "h007")
    with pytest.raises(WrongCard) as refused:
        pin_reset.reset_pin(
            world.ctx,
            world.actors["yb103"],
            session,
            world.client(transport),
            doc(world, "h007"),
            pin("258036"),
            pin("258036"),
            None,
        )
    assert "本人在用的社保卡" in str(refused.value) and "挂失" not in str(refused.value)
    assert other.to_profile()["pin"] == "975310"


def test_P5_reset_needs_a_supervisor_approval_used_once(world: World) -> None:
    ctx = world.context(four_eyes=True)
    card, transport = world.insert_card("h007", pin="975310")
    actor = world.actors["yb103"]
    session = id_session(world, "h007")
    client = world.client(transport)
    with pytest.raises(ApprovalRequired):
        pin_reset.reset_pin(
            ctx, actor, session, client, doc(world, "h007"), pin("258036"), pin("258036"), None
        )
    digest = pin_reset.pin_reset_digest(actor, session)
    approval = approvals.verify_supervisor_approval(
        ctx, actor, "YB500103-03", SUPERVISOR_PASSWORD, digest
    )
    pin_reset.reset_pin(
        ctx, actor, session, client, doc(world, "h007"), pin("258036"), pin("258036"), approval
    )
    assert card.to_profile()["pin"] == "258036"
    with pytest.raises(ApprovalInvalid):
        pin_reset.reset_pin(
            ctx, actor, session, client, doc(world, "h007"), pin("369258"), pin("369258"), approval
        )
    assert card.to_profile()["pin"] == "258036"
    # A new attempt (another submission) gets its own approval; the old one never fits it.
    with pytest.raises(ApprovalInvalid):
        pin_reset.reset_pin(
            ctx,
            actor,
            session,
            client,
            doc(world, "h007"),
            pin("369258"),
            pin("369258"),
            approval,
            "second-attempt",
        )
    again = approvals.verify_supervisor_approval(
        ctx,
        actor,
        "YB500103-03",
        SUPERVISOR_PASSWORD,
        pin_reset.pin_reset_digest(actor, session, "second-attempt"),
    )
    pin_reset.reset_pin(
        ctx,
        actor,
        session,
        client,
        doc(world, "h007"),
        pin("369258"),
        pin("369258"),
        again,
        "second-attempt",
    )
    assert card.to_profile()["pin"] == "369258"


def test_P6_unblock_restores_tries_then_holder_verifies(world: World) -> None:
    card, transport = world.insert_card("h008", pin="135790", pin_tries_left=0)
    session = id_session(world, "h008")
    result = pin_reset.unblock_pin(
        world.ctx,
        world.actors["yb103"],
        session,
        world.client(transport),
        doc(world, "h008"),
        pin=pin("135790"),
    )
    assert result.verified is True
    assert card.to_profile()["pin_tries_left"] == 3 and card.to_profile()["pin"] == "135790"


def test_P6_unblock_needs_the_id_check(world: World) -> None:
    card, transport = world.insert_card("h008", pin="135790", pin_tries_left=0)
    session = id_session(world, "h008")
    with pytest.raises(IdDocumentMismatch):
        pin_reset.unblock_pin(
            world.ctx,
            world.actors["yb103"],
            session,
            world.client(transport),
            doc(world, "h008", number=world.holders["h009"].ssn),
        )
    assert card.to_profile()["pin_tries_left"] == 0


def test_P8_service_password_reset_is_one_time_and_must_change(world: World) -> None:
    session = id_session(world, "h009", actor="ck103")
    otp = service_password.reset_service_password(
        world.ctx, world.actors["ck103"], session, doc(world, "h009")
    )
    assert otp.value not in repr(otp) and otp.value not in str(otp)
    assert len(otp.value) == 8 and otp.value.isdigit()
    with world.session() as s:
        row = s.get(ServicePassword, world.holders["h009"].holder_id)
        assert row.must_change and otp.value not in row.password_hash
    ssn = world.holders["h009"].ssn
    # the old password no longer works
    with pytest.raises(PhoneIdentificationFailed):
        phone_reports.report_loss_by_phone(world.ctx, ssn, SERVICE_PASSWORD)
    # must change: the one-time value alone lets nobody in; a weak new one is refused
    with pytest.raises(service_login.ServicePasswordMustChange):
        phone_reports.report_loss_by_phone(world.ctx, ssn, otp.value)
    with pytest.raises(service_login.WeakServicePassword):
        phone_reports.report_loss_by_phone(world.ctx, ssn, otp.value, "123456")
    assert card_state(world, "h009") == "active"
    # used with a new password of the holder's own: the report is taken ...
    phone_reports.report_loss_by_phone(world.ctx, ssn, otp.value, "20240917")
    assert card_state(world, "h009") == "phone_reported_lost"
    with world.session() as s:
        row = s.get(ServicePassword, world.holders["h009"].holder_id)
        assert not row.must_change
    # ... and the one-time value never works again; the holder's own does
    with pytest.raises(PhoneIdentificationFailed):
        service_login.change_service_password(world.ctx, ssn, otp.value, "97531864")
    service_login.change_service_password(world.ctx, ssn, "20240917", "97531864")


def test_P8_one_time_service_password_expires(world: World) -> None:
    session = id_session(world, "h009", actor="ck103")
    otp = service_password.reset_service_password(
        world.ctx, world.actors["ck103"], session, doc(world, "h009")
    )
    hours = world.ctx.settings.service_password_one_time_hours
    assert hours == 72  # the default policy
    assert otp.valid_until == NOW + dt.timedelta(hours=hours)  # told to the holder
    ssn = world.holders["h009"].ssn
    expired = world.context()
    expired.clock = lambda: NOW + dt.timedelta(hours=hours, seconds=1)
    with pytest.raises(service_login.ServicePasswordExpired):
        phone_reports.report_loss_by_phone(expired, ssn, otp.value, "20240917")
    with pytest.raises(service_login.ServicePasswordExpired):
        service_login.change_service_password(expired, ssn, otp.value, "20240917")
    assert card_state(world, "h009") == "active"
    in_time = world.context()
    in_time.clock = lambda: NOW + dt.timedelta(hours=hours - 1)
    phone_reports.report_loss_by_phone(in_time, ssn, otp.value, "20240917")
    assert card_state(world, "h009") == "phone_reported_lost"


# --------------------------------------------------------------------------- L1–L4


def test_L1_phone_report_with_id_number_and_service_password(world: World) -> None:
    report = phone_reports.report_loss_by_phone(
        world.ctx, world.holders["h010"].ssn, SERVICE_PASSWORD
    )
    assert report.deadline_at == NOW + dt.timedelta(days=15)
    assert card_state(world, "h010") == "phone_reported_lost"
    with world.session() as s:
        row = s.get(LossReport, report.report_id)
        assert (row.channel, row.kind, row.state) == ("phone", "temporary", "open")


def test_L1_wrong_password_and_unknown_number_answer_alike(world: World) -> None:
    with pytest.raises(PhoneIdentificationFailed) as wrong:
        phone_reports.report_loss_by_phone(world.ctx, world.holders["h010"].ssn, "000000")
    with pytest.raises(PhoneIdentificationFailed) as unknown:
        phone_reports.report_loss_by_phone(world.ctx, "11010519491231002X", SERVICE_PASSWORD)
    assert str(wrong.value) == str(unknown.value)
    assert card_state(world, "h010") == "active"


def test_L1_query_password_locks_after_the_configured_failures(world: World) -> None:
    ctx = world.context(service_password_lockout_failures=2, service_password_lockout_minutes=30)
    ssn = world.holders["h010"].ssn
    for _ in range(2):
        with pytest.raises(PhoneIdentificationFailed):
            phone_reports.report_loss_by_phone(ctx, ssn, "000000")
    with pytest.raises(ServicePasswordLocked) as locked:
        # even the right one, while locked
        phone_reports.report_loss_by_phone(ctx, ssn, SERVICE_PASSWORD)
    assert "锁定" in str(locked.value)
    assert card_state(world, "h010") == "active"
    later = world.context()
    later.clock = lambda: NOW + dt.timedelta(minutes=31)
    phone_reports.report_loss_by_phone(later, ssn, SERVICE_PASSWORD)
    assert card_state(world, "h010") == "phone_reported_lost"


def test_L2_lapsing_list_and_lapse_processing(world: World) -> None:
    phone_reports.report_loss_by_phone(world.ctx, world.holders["h011"].ssn, SERVICE_PASSWORD)
    later = world.context(phone_report_validity_days=1)
    phone_reports.report_loss_by_phone(later, world.holders["h012"].ssn, SERVICE_PASSWORD)
    lapsing = phone_reports.lapsing_phone_reports(world.ctx, world.actors["yb103"], within_days=2)
    assert [r.card_number for r in lapsing] == [world.holders["h012"].card_number]
    assert "*" in lapsing[0].masked_id_number and lapsing[0].phone
    everything = phone_reports.lapsing_phone_reports(
        world.ctx, world.actors["yb103"], within_days=30
    )
    assert [r.card_number for r in everything][0] == world.holders["h012"].card_number
    assert phone_reports.lapse_expired(world.ctx) == 0
    future = world.context()
    future.clock = lambda: NOW + dt.timedelta(days=2)
    assert phone_reports.lapse_expired(future) == 1
    assert card_state(world, "h012") == "active"
    assert card_state(world, "h011") == "phone_reported_lost"


def test_L2_written_report_confirms_phone_report_not_duplicate(world: World) -> None:
    phone = phone_reports.report_loss_by_phone(
        world.ctx, world.holders["h013"].ssn, SERVICE_PASSWORD
    )
    result = report_written(world, "h013")
    assert result.confirmed_phone_report and result.report.id == phone.report_id
    assert result.form.phone_report is not None
    with world.session() as s:
        rows = s.scalars(
            select(LossReport).where(LossReport.card_id == world.holders["h013"].card_id)
        ).all()
    assert len(rows) == 1 and rows[0].state == "confirmed" and rows[0].kind == "written"
    assert card_state(world, "h013") == "lost"


def test_L3_written_report_issues_form_with_gap_free_serial(world: World) -> None:
    first = report_written(world, "h014")
    second = report_written(world, "h016", actor="yb103b")
    assert first.serial == "500103-YB-2026-000001"
    assert second.serial == "500103-YB-2026-000002"
    assert first.pdf.startswith(b"%PDF")
    assert first.form.holder.id_number == world.holders["h014"].ssn
    with world.session() as s:
        assert s.get(LossReport, first.report.id).form_serial == first.serial


def test_L3_written_report_refused_at_service_window(world: World) -> None:
    with pytest.raises(NotPermitted):
        report_written(world, "h014", actor="ck103")
    report_written(world, "h014", actor="kzx")  # the city card center takes written reports
    assert card_state(world, "h014") == "lost"


def test_L3_written_report_needs_the_holders_id_document(world: World) -> None:
    with pytest.raises(IdDocumentMismatch):
        written_reports.register_written_loss(
            world.ctx,
            world.actors["yb103"],
            world.holders["h014"].holder_id,
            details(
                world, "h014", id_document=doc(world, "h014", number=world.holders["h016"].ssn)
            ),
            "written-mismatch-1",
        )
    assert card_state(world, "h014") == "active"


def test_L4_second_report_refused_showing_existing(world: World) -> None:
    first = report_written(world, "h017")
    with pytest.raises(CardAlreadyReportedLost) as info:
        report_written(world, "h017", actor="yb103b")
    assert isinstance(info.value, loss_records.LossAlreadyReported)
    assert info.value.existing.id == first.report.id
    assert first.serial in str(info.value)
    with pytest.raises(CardAlreadyReportedLost):
        phone_reports.report_loss_by_phone(world.ctx, world.holders["h017"].ssn, SERVICE_PASSWORD)


def test_L4_reprint_marked_copy_serial_unchanged(world: World) -> None:
    first = report_written(world, "h018")
    clerk = world.actors["yb103"]
    pdf = form_reprints.reprint_form(world.ctx, clerk, first.serial, "持卡人遗失")
    assert pdf.startswith(b"%PDF") and pdf != first.pdf
    form_reprints.reprint_form(world.ctx, world.actors["yb103"], first.serial, "再次补打")
    with world.session() as s:
        doc_row = s.scalars(select(FormDocument).where(FormDocument.serial == first.serial)).one()
        assert doc_row.reprint_count == 2
        assert s.scalar(select(func.count()).select_from(FormDocument)) == 1


def test_L3_retried_submission_is_not_applied_twice(world: World) -> None:
    first = report_written(world, "h019", idem="same-key-0001")
    again = report_written(world, "h019", idem="same-key-0001")
    assert again.already_done and again.serial == first.serial
    with world.session() as s:
        assert s.scalar(select(func.count()).select_from(FormDocument)) == 1


# --------------------------------------------------------------------------- U1–U5


def lift(
    world: World,
    key: str,
    actor: str = "yb103",
    digits: str = "123456",
    document: Any = None,
    idem: str | None = None,
    **card: Any,
) -> Any:
    emulated, transport = world.insert_card(key, **card)
    result = lifting.lift_loss_report(
        world.ctx,
        world.actors[actor],
        world.client(transport),
        pin(digits),
        document or doc(world, key),
        None,
        idem or f"lift-{key}-{actor}-{digits}",
    )
    return result, emulated


def test_U1_lift_before_replacement_restores_card(world: World) -> None:
    report_written(world, "h001")
    result, _ = lift(world, "h001")
    assert card_state(world, "h001") == "active"
    with world.session() as s:
        assert s.get(LossReport, result.report_id).state == "lifted"
    assert result.pdf.startswith(b"%PDF")


def test_U1_lift_of_a_phone_report(world: World) -> None:
    phone_reports.report_loss_by_phone(world.ctx, world.holders["h002"].ssn, SERVICE_PASSWORD)
    lift(world, "h002")
    assert card_state(world, "h002") == "active"


def test_U1_nothing_to_lift_without_active_report(world: World) -> None:
    with pytest.raises(NoActiveLossReport):
        lift(world, "h003")


def test_U2_lift_only_at_own_district_subcenter(world: World) -> None:
    report_written(world, "h003")
    with pytest.raises(WrongDistrict):
        lift(world, "h003", actor="yb105")
    with pytest.raises(NotPermitted):
        lift(world, "h003", actor="kzx")
    with pytest.raises(NotPermitted):
        lift(world, "h003", actor="ck103")
    assert card_state(world, "h003") == "lost"


def test_U2_lift_checked_with_the_card_alone_before_any_document(world: World) -> None:
    """The card's own rules (district, office, U1, U4, U5) are known as soon as the card is
    read: ``check_lift`` without a document says them, the document's lines wait."""
    report_written(world, "h003")
    identity = world.client(world.insert_card("h003")[1]).read_identity()
    elsewhere = lifting.check_lift(world.ctx, world.actors["yb105"], identity, None)
    assert isinstance(elsewhere.refusal, WrongDistrict)
    (kind,) = [ln for ln in elsewhere.lines if ln.label == "证件类别"]
    assert kind.passed is None
    assert not [ln for ln in elsewhere.lines if ln.label == "证件号码"]
    here = lifting.check_lift(world.ctx, world.actors["yb103"], identity, None)
    assert here.refusal is None
    assert [ln.label for ln in here.lines if ln.passed is False] == []


def test_U2_lift_needs_resident_id_or_household_register(world: World) -> None:
    report_written(world, "h004")
    with pytest.raises(IdDocumentNotAccepted):
        lift(world, "h004", document=doc(world, "h004", IdDocumentKind.TEMPORARY_ID))
    lift(world, "h004", document=doc(world, "h004", IdDocumentKind.HOUSEHOLD_REGISTER))
    assert card_state(world, "h004") == "active"


def test_U3_no_lift_by_phone() -> None:
    from counter_app.cli import main as cli_main

    parser = cli_main.build_parser()
    hotline = next(
        a
        for a in parser._subparsers._group_actions  # type: ignore[union-attr]
        if hasattr(a, "choices")
    )
    hotline_parser = hotline.choices["hotline"]
    verbs = next(a for a in hotline_parser._subparsers._group_actions).choices  # type: ignore[union-attr]
    assert set(verbs) == {"report-loss"}
    assert not [name for name in dir(phone_reports) if "lift" in name]


def test_U4_no_lift_after_replacement(world: World) -> None:
    report_written(world, "h006")
    replacement.apply_replacement(
        world.ctx,
        world.actors["yb103b"],
        world.holders["h006"].holder_id,
        doc(world, "h006"),
        "replace-h006-0001",
    )
    with pytest.raises(ReplacementAlreadyApplied):
        lift(world, "h006")
    assert card_state(world, "h006") == "replacement_applied"
    checklist = lifting.check_lift(
        world.ctx,
        world.actors["yb103"],
        world.client(world.insert_card("h006")[1]).read_identity(),
        doc(world, "h006"),
    )
    assert not checklist.ok
    assert [ln.rule for ln in checklist.lines if ln.passed is False] == ["U4"]
    # The checklist masks the card number as every screen does (first and last four).
    number = world.holders["h006"].card_number
    (u5,) = [ln for ln in checklist.lines if ln.label == "原卡核验"]
    assert number not in u5.reason and number[-4:] in u5.reason


def test_U5_card_read_must_be_the_card_reported(world: World) -> None:
    report_written(world, "h007")
    other = world.profile("h008")
    _, transport = world.insert_card("h007", card_id_code=other["card_id_code"])
    with pytest.raises(WrongCard):
        lifting.lift_loss_report(
            world.ctx,
            world.actors["yb103"],
            world.client(transport),
            pin("123456"),
            doc(world, "h007"),
            None,
            "lift-wrongcard-1",
        )
    assert card_state(world, "h007") == "lost"


def test_U5_wrong_pin_no_lift(world: World) -> None:
    report_written(world, "h008")
    with pytest.raises(WrongPin):
        lift(world, "h008", digits="975310")
    assert card_state(world, "h008") == "lost"


def test_U5_blocked_application_unblocked_on_lift(world: World) -> None:
    report_written(world, "h009")
    result, emulated = lift(world, "h009", app_state="blocked")
    assert result.app_unblocked and emulated.app_state == APP_OK
    assert card_state(world, "h009") == "active"


def test_U5_card_step_fails_chip_blocked_again_and_no_lift(world: World) -> None:
    report_written(world, "h011")
    emulated, transport = world.insert_card("h011", app_state="blocked")
    with pytest.raises(WrongPin):
        lifting.lift_loss_report(
            world.ctx,
            world.actors["yb103"],
            world.client(transport),
            pin("975310"),
            doc(world, "h011"),
            None,
            "lift-h011-wrong",
        )
    assert emulated.app_state == "blocked"
    assert card_state(world, "h011") == "lost"


def test_U5_four_eyes_before_the_card_is_touched(world: World) -> None:
    """Without a standing approval the lift is refused before the card step: the holder's
    PIN is not presented (a wrong one would otherwise come back as WrongPin and cost a
    try) and a blocked chip stays blocked."""
    report_written(world, "h013")
    ctx = world.context(four_eyes=True)
    actor = world.actors["yb103"]
    emulated, transport = world.insert_card("h013", app_state="blocked")
    client = world.client(transport)
    with pytest.raises(ApprovalRequired):
        lifting.lift_loss_report(
            ctx, actor, client, pin("975310"), doc(world, "h013"), None, "lift-h013-0001"
        )
    other = lifting.lift_digest(actor, client.read_identity(), "lift-h013-other")
    approval = approvals.verify_supervisor_approval(
        ctx, actor, "YB500103-03", SUPERVISOR_PASSWORD, other
    )
    with pytest.raises(ApprovalInvalid):  # approved for another submission
        lifting.lift_loss_report(
            ctx, actor, client, pin("975310"), doc(world, "h013"), approval, "lift-h013-0002"
        )
    profile = emulated.to_profile()
    assert (profile["pin_tries_left"], emulated.app_state) == (3, "blocked")
    assert card_state(world, "h013") == "lost"


def test_U5_lift_needs_approval_when_four_eyes(world: World) -> None:
    report_written(world, "h012")
    ctx = world.context(four_eyes=True)
    actor = world.actors["yb103"]
    _, transport = world.insert_card("h012")
    client = world.client(transport)
    with pytest.raises(ApprovalRequired):
        lifting.lift_loss_report(
            ctx, actor, client, pin("123456"), doc(world, "h012"), None, "lift-h012-0001"
        )
    digest = lifting.lift_digest(actor, client.read_identity(), "lift-h012-0002")
    approval = approvals.verify_supervisor_approval(
        ctx, actor, "YB500103-03", SUPERVISOR_PASSWORD, digest
    )
    lifting.lift_loss_report(
        ctx, actor, client, pin("123456"), doc(world, "h012"), approval, "lift-h012-0002"
    )
    assert card_state(world, "h012") == "active"


# --------------------------------------------------------------------------- R1–R2


def test_R1_replacement_at_district_subcenter_only(world: World) -> None:
    report_written(world, "h013")
    for who in ("kzx", "ck103"):
        with pytest.raises(NotPermitted):
            replacement.apply_replacement(
                world.ctx,
                world.actors[who],
                world.holders["h013"].holder_id,
                doc(world, "h013"),
                f"replace-{who}-0001",
            )
    result = replacement.apply_replacement(
        world.ctx,
        world.actors["yb105"],
        world.holders["h013"].holder_id,
        doc(world, "h013"),
        "replace-h013-0001",
    )
    assert result.serial.startswith("500105-YB-2026-")


def test_R1_replacement_needs_a_loss_report(world: World) -> None:
    with pytest.raises(LossReportRequired):
        replacement.apply_replacement(
            world.ctx,
            world.actors["yb103"],
            world.holders["h014"].holder_id,
            doc(world, "h014"),
            "replace-h014-0001",
        )
    assert card_state(world, "h014") == "active"


def test_R2_replacement_ends_old_cards_life(world: World) -> None:
    written = report_written(world, "h016")
    result = replacement.apply_replacement(
        world.ctx,
        world.actors["yb103"],
        world.holders["h016"].holder_id,
        doc(world, "h016"),
        "replace-h016-0001",
    )
    assert card_state(world, "h016") == "replacement_applied"
    with world.session() as s:
        assert s.get(LossReport, written.report.id).state == "replaced"
        app = s.get(ReplacementApplication, result.application_id)
        assert app.old_card_id == world.holders["h016"].card_id
    with pytest.raises(ReplacementAlreadyApplied):
        replacement.apply_replacement(
            world.ctx,
            world.actors["yb103b"],
            world.holders["h016"].holder_id,
            doc(world, "h016"),
            "replace-h016-0002",
        )
    with pytest.raises(CardAlreadyReportedLost.__mro__[1]):  # ServiceError: no card in use
        report_written(world, "h016", actor="yb103b")
    again = replacement.apply_replacement(
        world.ctx,
        world.actors["yb103"],
        world.holders["h016"].holder_id,
        doc(world, "h016"),
        "replace-h016-0001",
    )
    assert again.already_done and again.application_id == result.application_id


def test_L2_lapsing_count_for_the_badge_and_a_bounded_list(world: World) -> None:
    for key in ("h011", "h012", "h013"):
        phone_reports.report_loss_by_phone(world.ctx, world.holders[key].ssn, SERVICE_PASSWORD)
    actor = world.actors["yb103"]
    everything = phone_reports.lapsing_phone_reports(world.ctx, actor, within_days=30)
    assert phone_reports.count_lapsing_phone_reports(world.ctx, actor, 30) == len(everything)
    assert len(everything) >= 3
    first_two = phone_reports.lapsing_phone_reports(world.ctx, actor, 30, limit=2)
    assert first_two == everything[:2]  # soonest deadline first, cut at the limit
