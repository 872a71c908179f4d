"""RULES C1–C4 (what the card and the records hold), Q3 (the separate query password),
P4 (password change at a window) and S2 (offices and their districts)."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from counter_app.demo.accounts import DEFAULT_SERVICE_PASSWORD, fixed_holder
from counter_app.models import Holder, Office, ServicePassword
from counter_app.services import card_sessions, pin_change, records, sessions
from counter_app.services.context import ServiceContext
from counter_app.services.errors import SessionEnded, SessionRequired
from counter_app.services.permissions import OfficeKind
from counter_app.services.records import Category
from counter_app.validation import CHONGQING_DISTRICTS
from reader.errors import WrongPin
from reader.pinbuffer import PinBuffer
from tests.id_documents import manual_doc
from tests.services.conftest import actor_for, card_for, holder_id_of

SUBCENTER = "YB500103-01"
WINDOW = "CK500103-01"


def _pin(text: str) -> PinBuffer:
    return PinBuffer.from_keys(text.encode())


@pytest.mark.parametrize("key", ["active_default_pin", "minority_name", "dibao"])
def test_C1_chip_holds_name_gender_and_id_number_of_the_holder(
    ctx: ServiceContext, key: str
) -> None:
    client, _transport, _card = card_for(ctx, key)
    identity = client.read_identity()
    with ctx.uow() as uow:
        stored = uow.session.execute(
            select(Holder.name, Holder.gender, Holder.ssn).where(
                Holder.id == holder_id_of(ctx, key)
            )
        ).one()
    assert (identity.name, identity.gender, identity.ssn) == tuple(stored)
    assert identity.card_number == fixed_holder(key).card_number


def test_C2_personal_status_and_pension_account_are_recorded(ctx: ServiceContext) -> None:
    actor = actor_for(ctx, SUBCENTER)
    session = sessions.open_id_session(
        ctx,
        actor,
        holder_id_of(ctx, "retired"),
        manual_doc(fixed_holder("retired").ssn),
        "查询养老金",
    )
    public = records.category(ctx, actor, session, Category.PUBLIC)
    assert "退休" in public.personal_status
    pension = records.category(ctx, actor, session, Category.PENSION)
    assert pension.retired_on is not None and pension.monthly_benefit_yuan
    assert pension.account_balance_yuan is not None and pension.contribution_months > 0


def test_C3_card_and_pin_are_the_key_to_medical_and_pension_records(
    ctx: ServiceContext,
) -> None:
    actor = actor_for(ctx, WINDOW)
    client, _transport, _card = card_for(ctx, "active_default_pin")
    with pytest.raises(SessionRequired):
        records.category(ctx, actor, None, Category.MEDICAL)
    session = card_sessions.open_card_session(ctx, actor, client, _pin("123456"))
    medical = records.category(ctx, actor, session, Category.MEDICAL)
    assert medical.balance_yuan is not None
    assert records.category(ctx, actor, session, Category.PENSION).contribution_months > 0


def test_C4_records_cover_the_five_insurances(ctx: ServiceContext) -> None:
    actor = actor_for(ctx, SUBCENTER)
    session = sessions.open_id_session(
        ctx,
        actor,
        holder_id_of(ctx, "active_default_pin"),
        manual_doc(fixed_holder("active_default_pin").ssn),
        "查询",
    )
    view = records.category(ctx, actor, session, Category.SOCIAL_INSURANCE)
    insured = {row.insurance for row in view.participations}
    assert insured == {"pension", "medical", "unemployment", "work_injury", "maternity"}
    assert all(row.insurance_label.endswith("保险") for row in view.participations)


def test_Q3_query_password_is_separate_default_123456_and_flagged_for_change(
    ctx: ServiceContext,
) -> None:
    holder_id = holder_id_of(ctx, "active_changed_pin")
    with ctx.uow() as uow:
        row = uow.session.get(ServicePassword, holder_id)
        assert row is not None
        digest, must_change = row.password_hash, row.must_change
    # The card PIN was changed to 135790; the query password is still its own default.
    assert PasswordHasher().verify(digest, DEFAULT_SERVICE_PASSWORD)
    assert "135790" not in digest and must_change is True


def test_P4_window_change_needs_the_holder_present_and_the_original_password(
    ctx: ServiceContext,
) -> None:
    actor = actor_for(ctx, WINDOW)
    client, _transport, card = card_for(ctx, "active_changed_pin")
    document = manual_doc(fixed_holder("active_changed_pin").ssn)
    holder_id = holder_id_of(ctx, "active_changed_pin")
    ended = sessions.open_id_session(ctx, actor, holder_id, document, "修改密码")
    sessions.end_session(ctx, actor, ended)
    with pytest.raises(SessionEnded):  # the holder has left the window
        pin_change.change_pin(
            ctx, actor, ended, client, _pin("135790"), _pin("802468"), _pin("802468"), document
        )
    assert card.to_profile()["pin"] == "135790"
    session = sessions.open_id_session(ctx, actor, holder_id, document, "修改密码")
    with pytest.raises(WrongPin):  # not the original password: nothing changes
        pin_change.change_pin(
            ctx, actor, session, client, _pin("111222"), _pin("802468"), _pin("802468"), document
        )
    assert card.to_profile()["pin"] == "135790"
    pin_change.change_pin(
        ctx, actor, session, client, _pin("135790"), _pin("802468"), _pin("802468"), document
    )
    assert card.to_profile()["pin"] == "802468"


def test_S2_offices_belong_to_a_chongqing_district_or_the_whole_city(
    ctx: ServiceContext,
) -> None:
    with ctx.uow() as uow:
        offices = uow.session.execute(select(Office.code, Office.kind, Office.district_code)).all()
    kinds = {o.kind for o in offices}
    assert kinds == {k.value for k in OfficeKind}
    for office in offices:
        if office.kind == OfficeKind.CARD_CENTER:
            assert office.district_code is None
        else:
            assert office.district_code in CHONGQING_DISTRICTS, office.code
    subcenters = {o.district_code for o in offices if o.kind == OfficeKind.DISTRICT_SUBCENTER}
    assert subcenters == set(CHONGQING_DISTRICTS)  # every district has its sub-center
