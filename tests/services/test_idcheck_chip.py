"""The ID check read from the resident ID card's chip (IDCARD.md) against the holder in the
database: RULES P5/P6 (valid ID document whose number matches), U2 (resident ID card or
household register only), Q7; and the setting that forbids typing the number by hand."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from counter_app.demo.accounts import fixed_holder
from counter_app.models.audit import AuditEvent
from counter_app.services import pin_reset, sessions
from counter_app.services.context import ServiceContext
from counter_app.services.errors import (
    IdCheckIncomplete,
    IdDocumentExpired,
    IdDocumentMismatch,
    IdDocumentNotAccepted,
    IdNameMismatch,
    ManualIdCheckForbidden,
)
from counter_app.services.idcheck import (
    LIFT_DOCUMENTS,
    CheckMethod,
    IdDocument,
    IdDocumentKind,
    ManualReason,
    check_document,
    document_from_chip,
    id_check_details,
    manual_document,
    manual_forbidden_actions,
    names_match,
    shanghai_today,
)
from reader.client import SocialSecurityCardClient
from reader.idcard.profile import parse_profile
from reader.idcard.textblock import parse_text
from reader.keys import TEST_KEYS, SoftwareKeyProvider
from reader.pinbuffer import PinBuffer
from tests.id_documents import manual_doc
from tests.services.conftest import _dispose, actor_for, card_for, holder_id_of, make_ctx

SAM = "05.01-20101008-0000012345-1234567890"
TODAY = dt.date(2025, 3, 10)  # the demo's day (tests/services/conftest.py NOW)


@dataclass(frozen=True)
class Holder:
    ssn: str
    name: str


WANG = Holder("500103196803150310", "王建国")


def chip(
    number: str = WANG.ssn,
    name: str = WANG.name,
    valid_to: str = "20360104",
    kind: str = "resident",
    **extra: str,
) -> IdDocument:
    """The IdDocument of a real parse of the chip's text block (as the reader delivers it)."""
    data = {
        "kind": kind,
        "name": name,
        "gender": "1",
        "nation": "01",
        "birth": "19680315",
        "address": "重庆市渝中区民族路188号",
        "id_number": number,
        "authority": "重庆市公安局渝中区分局",
        "valid_from": "20160104",
        "valid_to": valid_to,
        **extra,
    }
    p = parse_profile(data)
    card = parse_text(p.text(), sam_id=SAM, photo=p.photo())
    try:
        return document_from_chip(card)
    finally:
        card.wipe()


# --- the check itself ------------------------------------------------------------------


def test_P5_chip_read_of_the_holder_passes() -> None:
    document = chip()
    assert document.method is CheckMethod.CHIP and document.sam_id == SAM
    assert document.kind is IdDocumentKind.RESIDENT_ID
    check_document(WANG, document, today=TODAY)


def test_P5_chip_of_another_person_is_a_mismatch() -> None:
    with pytest.raises(IdDocumentMismatch):
        check_document(WANG, chip(number="500106197508220420"), today=TODAY)


def test_P5_chip_name_mismatch() -> None:
    with pytest.raises(IdNameMismatch) as err:
        check_document(WANG, chip(name="王建华"), today=TODAY)
    assert "姓名" in str(err.value) and "王建华" not in str(err.value)


@pytest.mark.parametrize(
    "on_card",
    [
        "阿依古丽・买买提",
        "阿依古丽•买买提",
        "阿依古丽 · 买买提",
        "阿依古丽.买买提",
        "阿依古丽．买买提",
        "阿依古丽·买买提\x00",
    ],
)
def test_Q7_names_match_across_middle_dots_and_spaces(on_card: str) -> None:
    assert names_match("阿依古丽·买买提", on_card)


def test_names_that_differ_do_not_match() -> None:
    assert not names_match("阿依古丽·买买提", "阿依古丽买买提")  # the dot is not optional
    assert not names_match("王建国", "")


def test_P5_expired_id_card_refused() -> None:
    document = chip(valid_to="20250309")
    with pytest.raises(IdDocumentExpired) as err:
        check_document(WANG, document, today=TODAY)
    assert "有效期" in str(err.value)


def test_P5_valid_through_its_last_day_and_long_term() -> None:
    check_document(WANG, chip(valid_to="20250310"), today=TODAY)
    long_term = chip(valid_to="长期")
    assert long_term.long_term and long_term.valid_to is None
    check_document(WANG, long_term, today=dt.date(2099, 12, 31))


def test_today_is_the_date_in_shanghai() -> None:
    late_utc = dt.datetime(2025, 3, 9, 17, 0, tzinfo=dt.UTC)  # 01:00 on the 10th in Chongqing
    assert shanghai_today(late_utc) == dt.date(2025, 3, 10)


def test_U2_lift_refuses_a_temporary_id() -> None:
    typed = manual_doc(WANG.ssn, IdDocumentKind.TEMPORARY_ID)
    with pytest.raises(IdDocumentNotAccepted):
        check_document(WANG, typed, LIFT_DOCUMENTS, today=TODAY)
    check_document(WANG, chip(), LIFT_DOCUMENTS, today=TODAY)
    register = manual_document(IdDocumentKind.HOUSEHOLD_REGISTER, WANG.ssn, ManualReason.NO_CHIP)
    check_document(WANG, register, LIFT_DOCUMENTS, today=TODAY)


def test_residence_permit_chip_is_not_a_document_of_the_list() -> None:
    with pytest.raises(IdDocumentNotAccepted) as err:
        chip(kind="hmt", number="810000199004020018", pass_number="H12345678", issue_count="01")
    assert "港澳台居民居住证" in str(err.value)


def test_manual_fallback_refused_by_setting() -> None:
    forbidden = manual_forbidden_actions(" reset_pin , lift_loss_report ")
    typed = manual_document(IdDocumentKind.RESIDENT_ID, WANG.ssn, ManualReason.NO_READER)
    with pytest.raises(ManualIdCheckForbidden) as err:
        check_document(WANG, typed, action="reset_pin", manual_forbidden=forbidden)
    assert "芯片" in str(err.value)
    check_document(WANG, typed, action="unblock_pin", manual_forbidden=forbidden)
    check_document(WANG, chip(), action="reset_pin", manual_forbidden=forbidden, today=TODAY)


def test_chip_check_without_sam_id_or_name_is_incomplete() -> None:
    no_sam = IdDocument(
        IdDocumentKind.RESIDENT_ID,
        WANG.ssn,
        method=CheckMethod.CHIP,
        name=WANG.name,
        card_kind="resident",
    )
    with pytest.raises(IdCheckIncomplete):
        check_document(WANG, no_sam, today=TODAY)

    @dataclass(frozen=True)
    class Nameless:
        ssn: str

    with pytest.raises(IdCheckIncomplete):
        check_document(Nameless(WANG.ssn), chip(), today=TODAY)


def test_audit_details_say_chip_or_manual_and_nothing_personal() -> None:
    assert id_check_details(chip()) == {
        "document_kind": "resident_id",
        "id_check": "chip",
        "sam_id": SAM,
    }
    typed = manual_document(IdDocumentKind.HOUSEHOLD_REGISTER, WANG.ssn, ManualReason.NO_CHIP)
    assert id_check_details(typed) == {
        "document_kind": "household_register",
        "id_check": "manual",
        "manual_reason": "no_chip",
    }
    legacy = IdDocument(IdDocumentKind.RESIDENT_ID, WANG.ssn)  # existing callers
    assert id_check_details(legacy)["manual_reason"] == "unspecified"
    assert WANG.ssn not in repr(chip()) and WANG.name not in repr(chip())


# --- through the P5/P6 use cases on the demo database ------------------------------------


@pytest.fixture
def no_four_eyes(sqlite_demo_url: str) -> Iterator[ServiceContext]:
    context = make_ctx(sqlite_demo_url, four_eyes=False, idcard_manual_forbidden="reset_pin")
    context.key_provider = SoftwareKeyProvider(TEST_KEYS)  # CARD.md test keys (mode test)
    yield context
    _dispose(context)


def _pin(digits: str) -> PinBuffer:
    return PinBuffer.from_keys(digits.encode())


def _reset(ctx: ServiceContext, key: str, document: IdDocument) -> str:
    actor = actor_for(ctx, "YB500103-01")
    holder_id = holder_id_of(ctx, key)
    session = sessions.open_id_session(
        ctx, actor, holder_id, manual_doc(fixed_holder(key).ssn), "持卡人忘记密码"
    )
    _, transport, emulated = card_for(ctx, key)
    client = SocialSecurityCardClient(transport, ctx.key_provider)
    pin_reset.reset_pin(ctx, actor, session, client, document, _pin("258036"), _pin("258036"), None)
    return str(emulated.to_profile()["pin"])


def _refusals(ctx: ServiceContext) -> list[str]:
    with ctx.uow() as uow:
        rows = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "password.pin_reset.refused")
        ).all()
        return [str((row.details or {}).get("refusal")) for row in rows]


def test_P5_reset_with_the_chip_of_a_minority_name(no_four_eyes: ServiceContext) -> None:
    h = fixed_holder("minority_name")
    document = chip(number=h.ssn, name="阿依古丽・买买提", birth="19880214")
    assert _reset(no_four_eyes, "minority_name", document) == "258036"


def test_P5_reset_refuses_chip_name_mismatch(no_four_eyes: ServiceContext) -> None:
    h = fixed_holder("active_changed_pin")
    with pytest.raises(IdNameMismatch):
        _reset(no_four_eyes, "active_changed_pin", chip(number=h.ssn, name="李秀兰"))
    _, _, emulated = card_for(no_four_eyes, "active_changed_pin")
    assert emulated.to_profile()["pin"] == h.pin  # nothing changed on the card
    assert "id_name_mismatch" in _refusals(no_four_eyes)


def test_P5_reset_refuses_expired_chip(no_four_eyes: ServiceContext) -> None:
    h = fixed_holder("active_changed_pin")
    with pytest.raises(IdDocumentExpired):
        _reset(
            no_four_eyes, "active_changed_pin", chip(number=h.ssn, name=h.name, valid_to="20250309")
        )
    assert "id_expired" in _refusals(no_four_eyes)


def test_P5_reset_refuses_typed_number_when_the_setting_says_chip(
    no_four_eyes: ServiceContext,
) -> None:
    h = fixed_holder("active_changed_pin")
    typed = manual_document(IdDocumentKind.RESIDENT_ID, h.ssn, ManualReason.NO_READER)
    with pytest.raises(ManualIdCheckForbidden):
        _reset(no_four_eyes, "active_changed_pin", typed)
    assert "manual_id_forbidden" in _refusals(no_four_eyes)


def test_P6_unblock_allows_the_typed_number_the_setting_does_not_name(
    no_four_eyes: ServiceContext,
) -> None:
    ctx = no_four_eyes
    h = fixed_holder("pin_blocked")
    actor = actor_for(ctx, "YB500103-01")
    session = sessions.open_id_session(
        ctx, actor, holder_id_of(ctx, "pin_blocked"), manual_doc(h.ssn), "密码已锁"
    )
    _, transport, emulated = card_for(ctx, "pin_blocked")
    client = SocialSecurityCardClient(transport, ctx.key_provider)
    typed = manual_document(IdDocumentKind.RESIDENT_ID, h.ssn, ManualReason.CHIP_UNREADABLE)
    pin_reset.unblock_pin(ctx, actor, session, client, typed)
    assert emulated.to_profile()["pin_tries_left"] == 3


# --- the demo's ID card profiles agree with the database and the card profiles -------------


def test_demo_idcard_profiles_pass_the_chip_check_for_every_holder(
    sqlite_demo_url: str, tmp_path: Path
) -> None:
    from counter_app import db
    from counter_app.demo.profiles import write_idcard_profiles, write_profiles
    from counter_app.models import Card
    from counter_app.models import Holder as HolderRow
    from reader.idcard.profile import load_profile

    engine = db.create_engine_for(sqlite_demo_url)
    try:
        count = write_idcard_profiles(engine, tmp_path, TODAY)
        write_profiles(engine, tmp_path, {})
    finally:
        engine.dispose()
    ctx = make_ctx(sqlite_demo_url)
    try:
        with ctx.uow() as uow:
            holders = uow.session.scalars(select(HolderRow)).all()
            cards = {c.holder_id: c for c in uow.session.scalars(select(Card)).all()}
            assert count == len(holders) > 0
            for h in holders:
                p = load_profile(tmp_path / f"idcard-{h.ssn}.json")
                card = parse_text(p.text(), sam_id=SAM, photo=p.photo())
                assert card.birth == h.birth_date and card.nation == h.ethnicity
                check_document(h, document_from_chip(card), today=TODAY)
                card.wipe()
                if h.id in cards:  # the social security card's profile: same person
                    social = json.loads(
                        (tmp_path / f"{cards[h.id].card_number}.json").read_text(encoding="utf-8")
                    )
                    assert (social["ssn"], social["name"]) == (h.ssn, h.name)
    finally:
        _dispose(ctx)


def test_fixed_demo_holders_have_id_card_profiles_for_the_demo_panel(sqlite_demo_url: str) -> None:
    from counter_app import db
    from counter_app.demo.accounts import FIXED_HOLDERS
    from counter_app.demo.profiles import fixed_idcard_profiles

    engine = db.create_engine_for(sqlite_demo_url)
    try:
        profiles = fixed_idcard_profiles(engine, TODAY)
    finally:
        engine.dispose()
    assert list(profiles) == [h.ssn for h in FIXED_HOLDERS]
    assert profiles["650102198802140466"]["name"] == "阿依古丽·买买提"
    assert all(parse_profile(p).id_number == n for n, p in profiles.items())


def test_demo_data_command_writes_one_id_card_profile_per_holder(tmp_path: Path) -> None:
    from counter_app.cli.main import main

    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    out = tmp_path / "profiles"
    assert (
        main(
            [
                "demo-data",
                "--holders",
                "20",
                "--db",
                url,
                "--profiles",
                str(out),
                "--as-of",
                "2025-03-10",
            ]
        )
        == 0
    )
    written = sorted(out.glob("idcard-*.json"))
    assert len(written) == 20
    for path in written:
        data = json.loads(path.read_text(encoding="utf-8"))
        assert path.name == f"idcard-{data['id_number']}.json"
        assert parse_profile(data).kind.value == "resident"


def test_manual_forbidden_setting_names_only_actions_that_check_an_id() -> None:
    from counter_app.services.permissions import Action
    from counter_app.settings import ID_CHECK_ACTIONS, SettingsError, parse_settings

    assert set(ID_CHECK_ACTIONS) <= {a.value for a in Action}
    assert parse_settings({"idcard_manual_forbidden": "reset_pin, lift_loss_report"})
    with pytest.raises(SettingsError) as err:
        parse_settings({"idcard_manual_forbidden": "reset_pin,reset-pin"})
    assert "reset-pin" in str(err.value)
