"""Record queries (RULES Q2–Q7) and holder search: sessions required, audited by category,
a fixed number of statements per category, masked ID numbers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import event, select, text

from counter_app.demo.accounts import fixed_holder
from counter_app.models import AuditEvent
from counter_app.services import records, search, sessions
from counter_app.services.context import ServiceContext
from counter_app.services.errors import NotPermitted, SessionRequired
from counter_app.services.records import Category
from counter_app.validation import ValidationError
from tests.id_documents import manual_doc
from tests.services.conftest import actor_for, holder_id_of

CLERK = "YB500103-01"
SSNS = {
    "retired": "500101195509010192",
    "work_injury": "500102197206250370",
    "dibao": "500241196010100229",
    "active_default_pin": "500103196803150310",
}


def _session(ctx: ServiceContext, key: str) -> sessions.HolderSession:
    return sessions.open_id_session(
        ctx,
        actor_for(ctx, CLERK),
        holder_id_of(ctx, key),
        manual_doc(SSNS[key]),
        "持卡人来窗口查询",
    )


@contextmanager
def _count_statements(ctx: ServiceContext) -> Iterator[list[str]]:
    engine = ctx.session_factory().get_bind()
    seen: list[str] = []

    def hook(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", hook)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", hook)


def test_Q7_records_need_a_session(ctx: ServiceContext) -> None:
    actor = actor_for(ctx, CLERK)
    with pytest.raises(SessionRequired):
        records.category(ctx, actor, None, Category.PENSION)
    with pytest.raises(SessionRequired):
        records.overview(ctx, actor, None)


@pytest.mark.parametrize("which", list(Category))
def test_Q2_every_category_is_audited(ctx: ServiceContext, which: Category) -> None:
    session = _session(ctx, "retired")
    result = records.category(ctx, actor_for(ctx, CLERK), session, which)
    assert result is not None
    with ctx.uow() as uow:
        [ev] = uow.session.execute(
            select(AuditEvent.category, AuditEvent.holder_id).where(
                AuditEvent.action == "record.view"
            )
        ).all()
    assert ev == (which.value, session.holder_id)


def test_Q4_phone_line_figures(ctx: ServiceContext) -> None:
    """The three figures of the phone line's account query (医疗卡余额, 失业保险连续缴费月数,
    退休待遇金额) are the holder's stored values, in yuan to the fen — read here straight
    from the tables, not through the service's own queries."""
    actor = actor_for(ctx, CLERK)
    session = _session(ctx, "retired")
    pension = records.category(ctx, actor, session, Category.PENSION)
    medical = records.category(ctx, actor, session, Category.MEDICAL)
    unemployment = records.category(ctx, actor, session, Category.UNEMPLOYMENT)
    holder = {"h": session.holder_id}
    with ctx.uow() as uow:
        db = uow.session
        benefit_fen = db.scalar(
            text("SELECT monthly_benefit_fen FROM pension_accounts WHERE holder_id = :h"), holder
        )
        balance_fen = db.scalar(
            text("SELECT balance_fen FROM medical_accounts WHERE holder_id = :h"), holder
        )
        last_after_fen = db.scalar(
            text(
                "SELECT balance_after_fen FROM medical_transactions WHERE holder_id = :h "
                "ORDER BY at DESC, id DESC LIMIT 1"
            ),
            holder,
        )
        months = db.scalar(
            text(
                "SELECT continuous_months FROM insurance_participations "
                "WHERE holder_id = :h AND insurance = 'unemployment'"
            ),
            holder,
        )
    assert benefit_fen and benefit_fen > 0  # a retiree has a benefit
    assert pension.monthly_benefit_yuan == Decimal(benefit_fen) / 100  # 退休待遇金额
    assert pension.monthly_benefit_yuan.as_tuple().exponent == -2  # to the fen
    assert pension.payments
    assert balance_fen is not None and medical.balance_yuan == Decimal(balance_fen) / 100
    assert last_after_fen is None or last_after_fen == balance_fen  # 医疗卡余额 is current
    assert unemployment.continuous_months == (months or 0)  # 失业保险连续缴费月数


def test_Q5_work_injury_benefits(ctx: ServiceContext) -> None:
    session = _session(ctx, "work_injury")
    view = records.category(ctx, actor_for(ctx, CLERK), session, Category.INJURY)
    assert any(c.disability_grade == 7 for c in view.cases)
    life = records.category(ctx, actor_for(ctx, CLERK), session, Category.LIFE_HEALTH)
    assert life.highest_disability_grade == 7


def test_Q2_assistance_for_dibao_holder(ctx: ServiceContext) -> None:
    session = _session(ctx, "dibao")
    view = records.category(ctx, actor_for(ctx, CLERK), session, Category.ASSISTANCE)
    assert view.living_allowances


def test_R1_U4_overview_shows_the_replaced_card_and_its_state(ctx: ServiceContext) -> None:
    """杨丽 applied for a replacement: no card is in use, yet the clerk sees her card's
    number and 已申请补卡 (the header and 当前卡片), not an empty card."""
    clerk = actor_for(ctx, CLERK)
    session = sessions.open_id_session(
        ctx,
        clerk,
        holder_id_of(ctx, "replacement_applied"),
        manual_doc(fixed_holder("replacement_applied").ssn),
        "持卡人来窗口查询",
    )
    view = records.overview(ctx, clerk, session)
    assert view.card is not None and view.card.card_number == "A12820818"
    assert (view.card.state, view.card.state_label) == ("replacement_applied", "已申请补卡")


def test_overview_masks_and_shows_card_history(ctx: ServiceContext) -> None:
    actor = actor_for(ctx, CLERK)
    session = _session(ctx, "active_default_pin")
    view = records.overview(ctx, actor, session)
    assert view.basic.ssn == "500***********0310"
    assert view.card is not None and view.card.card_number == "A12424866"
    assert any(e.kind == "发卡" for e in view.history)
    assert records.reveal_ssn(ctx, actor, session) == SSNS["active_default_pin"]
    with ctx.uow() as uow:
        actions = list(uow.session.scalars(select(AuditEvent.action)))
    assert "record.reveal_ssn" in actions


@pytest.mark.parametrize("which", list(Category))
def test_no_n_plus_1_per_category(sqlite_ctx: ServiceContext, which: Category) -> None:
    """The same number of SELECTs for a holder with much data and one with little."""
    ctx = sqlite_ctx
    actor = actor_for(ctx, CLERK)
    counts = []
    for key in ("retired", "work_injury", "dibao", "active_default_pin"):
        session = _session(ctx, key)
        with _count_statements(ctx) as seen:
            records.category(ctx, actor, session, which)
        counts.append(len(seen))
    assert len(set(counts)) == 1, counts
    assert counts[0] <= 10


def test_Q5_employer_medical_contributions(ctx: ServiceContext) -> None:
    from counter_app.models import ContributionRecord, Employer

    with ctx.uow() as uow:
        unit = uow.session.scalar(
            select(Employer.unit_number)
            .join(ContributionRecord, ContributionRecord.employer_id == Employer.id)
            .where(ContributionRecord.insurance == "medical")
            .limit(1)
        )
    assert unit
    view = records.employer_contributions(ctx, actor_for(ctx, CLERK), unit)
    assert view.months and view.months[0].insured_people >= 1


def test_Q6_catalogue_search_by_name_code_initials(ctx: ServiceContext) -> None:
    hits = records.search_drugs(ctx, "阿莫西林")
    assert hits
    assert records.search_drugs(ctx, hits[0].pinyin_initials.lower()[:3])
    assert records.search_drugs(ctx, hits[0].code)[0].code == hits[0].code
    assert records.search_treatments(ctx, "检查") or records.search_treatments(ctx, "A")


# --------------------------------------------------------------------------- search


@pytest.mark.parametrize(
    "text",
    ["500103196803150310", "A12424866", "王建国 1968-03-15", "王建国 19680315", "王建国19680315"],
)
def test_Q7_find_holder_by_id_card_or_name_birth(ctx: ServiceContext, text: str) -> None:
    hits = search.find_holders(ctx, actor_for(ctx, CLERK), text)
    assert [h.name for h in hits] == ["王建国"]
    assert hits[0].ssn == "500***********0310"
    assert hits[0].card_number == "A12424866" and hits[0].card_state == "active"
    with ctx.uow() as uow:
        [details] = uow.session.scalars(
            select(AuditEvent.details).where(AuditEvent.action == "holder.search")
        ).all()
    assert "500103196803150310" not in str(details)
    assert details["hits"] == 1


@pytest.mark.parametrize(
    "text,code",
    [
        ("", "empty"),
        ("王建国", "name_without_birth_date"),
        ("12345", "digits"),
        ("王建国 1968-02-30", "bad_date"),
        ("500103196803150311", "check_digit"),
    ],
)
def test_search_invalid_input_has_chinese_message(text: str, code: str) -> None:
    with pytest.raises(ValidationError) as info:
        search.parse_search(text)
    assert info.value.code == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(info.value))


def test_S3_admin_cannot_search_holders(ctx: ServiceContext) -> None:
    with pytest.raises(NotPermitted):
        search.find_holders(ctx, actor_for(ctx, "KZX500000-05"), "A12424866")
